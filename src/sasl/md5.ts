// MD5 (RFC 1321) with access to the intermediate state, which node:crypto does not expose. It is
// needed only by CRAM-MD5 (RFC 2195): the stored secret is the HMAC-MD5 (RFC 2104) state after the
// key's inner and outer pad blocks, as in Dovecot's {CRAM-MD5} scheme, so the cleartext password
// need not be kept. Not for anything else: MD5 is broken for collision resistance.

/** RFC 1321 §3.4: per-round shift amounts. */
const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
/** RFC 1321 §3.4: T[i] = floor(2^32 × abs(sin(i))), i = 1..64. */
const T = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);
export const md5Init: readonly number[] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

/** One MD5 compression of a 64-byte block into a copy of `state`. */
export function md5Compress(state: readonly number[], block: Uint8Array): number[] {
  const m = new Uint32Array(16);
  for (let i = 0; i < 16; i++) m[i] = block[i * 4]! | (block[i * 4 + 1]! << 8) | (block[i * 4 + 2]! << 16) | (block[i * 4 + 3]! << 24);
  let [a, b, c, d] = state as [number, number, number, number];
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) { f = (b & c) | (~b & d); g = i; }
    else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
    else { f = c ^ (b | ~d); g = (7 * i) % 16; }
    f = (f + a + T[i]! + m[g]!) >>> 0;
    a = d;
    d = c;
    c = b;
    const s = shifts[(i >> 4) * 4 + (i % 4)]!;
    b = (b + ((f << s) | (f >>> (32 - s)))) >>> 0;
  }
  return [(state[0]! + a) >>> 0, (state[1]! + b) >>> 0, (state[2]! + c) >>> 0, (state[3]! + d) >>> 0];
}

/** MD5 of `data`, continuing from `state` after `prefixBytes` already processed (a multiple of 64). */
export function md5Continue(state: readonly number[], prefixBytes: number, data: Uint8Array): Buffer {
  const total = prefixBytes + data.length;
  const padLen = ((55 - (total % 64)) + 64) % 64 + 1;
  const buf = Buffer.alloc(data.length + padLen + 8);
  buf.set(data, 0);
  buf[data.length] = 0x80;
  // RFC 1321 §3.2: the length in bits, 64-bit little-endian.
  buf.writeBigUInt64LE(BigInt(total) * 8n, data.length + padLen);
  let st = [...state];
  for (let off = 0; off < buf.length; off += 64) st = md5Compress(st, buf.subarray(off, off + 64));
  const out = Buffer.alloc(16);
  st.forEach((w, i) => out.writeUInt32LE(w, i * 4));
  return out;
}

/** RFC 2104 HMAC-MD5 key schedule: the states after (K xor ipad) and (K xor opad). */
export function hmacMd5States(key: Uint8Array): { inner: number[]; outer: number[] } {
  let k: Buffer = Buffer.from(key);
  if (k.length > 64) k = md5Continue(md5Init, 0, k);
  const ipad = Buffer.alloc(64, 0x36);
  const opad = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  return { inner: md5Compress(md5Init, ipad), outer: md5Compress(md5Init, opad) };
}

/** HMAC-MD5 from the precomputed states. */
export function hmacMd5FromStates(states: { inner: readonly number[]; outer: readonly number[] }, message: Uint8Array): Buffer {
  return md5Continue(states.outer, 64, md5Continue(states.inner, 64, message));
}

/** Dovecot's {CRAM-MD5} layout: the outer (opad) then inner (ipad) state words, little-endian, in hex. */
export function encodeStates(states: { inner: readonly number[]; outer: readonly number[] }): string {
  const b = Buffer.alloc(32);
  states.outer.forEach((w, i) => b.writeUInt32LE(w, i * 4));
  states.inner.forEach((w, i) => b.writeUInt32LE(w, 16 + i * 4));
  return b.toString('hex');
}

export function decodeStates(hex: string): { inner: number[]; outer: number[] } | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const b = Buffer.from(hex, 'hex');
  const words = (off: number) => [0, 1, 2, 3].map((i) => b.readUInt32LE(off + i * 4));
  return { outer: words(0), inner: words(16) };
}
