// The base-64 alphabets of crypt(3): "./0-9A-Za-z" little-endian groups (SHA-crypt, MD5-crypt)
// and bcrypt's "./A-Za-z0-9" big-endian encoding (OpenBSD bcrypt.c's encode_base64).

export const cryptAlphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const bcryptAlphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Drepper's b64_from_24bit: three bytes (most significant first), n characters, low 6 bits first. */
export function cryptBase64Encode(bytes: readonly [number, number, number] | number[], n: number): string {
  let w = (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += cryptAlphabet[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

/** bcrypt's base 64: big-endian bit order, no padding. */
export function bcryptBase64Encode(data: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += bcryptAlphabet[(acc >>> bits) & 0x3f];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += bcryptAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

/** Decodes bcrypt base 64 into at most maxBytes bytes; undefined for a character outside the alphabet. */
export function bcryptBase64Decode(text: string, maxBytes: number): Buffer | undefined {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    const v = bcryptAlphabet.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (out.length < maxBytes) out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}
