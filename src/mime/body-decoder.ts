// Streaming Content-Transfer-Encoding decoders (RFC 2045 §6.7 quoted-printable, §6.8 base64), for
// IMAP BINARY (RFC 3516) and anything else that needs a part's decoded bytes. Memory is bounded:
// each decoder carries at most a few bytes (base64) or one bounded line tail (quoted-printable)
// between chunks. Broken input decodes leniently, never throws.

import { PassThrough, Transform, type TransformCallback } from 'node:stream';

/** RFC 2045 §6.1 mechanisms this module decodes; others are unknown to BINARY (RFC 3516 §4.3 UNKNOWN-CTE). */
export const knownEncodings: ReadonlySet<string> = new Set(['7bit', '8bit', 'binary', 'base64', 'quoted-printable']);

const b64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) b64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;

/** RFC 2045 §6.8: characters outside the alphabet are ignored; "=" padding ends a quantum. */
class Base64Decoder extends Transform {
  #acc = 0;
  #bits = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out = Buffer.allocUnsafe(Math.ceil((chunk.length * 3) / 4) + 3);
    let n = 0;
    let acc = this.#acc;
    let bits = this.#bits;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      const v = b64[c]!;
      if (v < 0) {
        // RFC 2045 §6.8: "=" ends the data of a quantum; drop the partial bits so a following
        // (concatenated) base64 run starts clean.
        if (c === 0x3d) {
          acc = 0;
          bits = 0;
        }
        continue;
      }
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >> bits) & 0xff;
      }
    }
    this.#acc = acc;
    this.#bits = bits;
    done(null, n > 0 ? out.subarray(0, n) : undefined);
  }
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

function hexVal(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

const maxCarry = 64 * 1024;

/** RFC 2045 §6.7 quoted-printable. */
class QuotedPrintableDecoder extends Transform {
  #carry: Buffer = Buffer.alloc(0);

  /** Decode the text of a line (no line break): "=XX" escapes; a bad "=" is kept as is (§6.7 note). */
  static #decodeText(src: Buffer, from: number, to: number, out: Buffer, n: number): number {
    for (let i = from; i < to; i++) {
      const c = src[i]!;
      if (c === 0x3d && i + 2 < to && isHex(src[i + 1]) && isHex(src[i + 2])) {
        out[n++] = (hexVal(src[i + 1]!) << 4) | hexVal(src[i + 2]!);
        i += 2;
      } else out[n++] = c;
    }
    return n;
  }

  /** Decode complete lines of `buf` (and, when final, the rest); returns the undecoded tail. */
  #decode(buf: Buffer, final: boolean): { out: Buffer; rest: Buffer } {
    const out = Buffer.allocUnsafe(buf.length);
    let n = 0;
    let pos = 0;
    for (;;) {
      const lf = buf.indexOf(0x0a, pos);
      if (lf < 0) break;
      let e = lf;
      const hasCr = e > pos && buf[e - 1] === 0x0d;
      if (hasCr) e--;
      // Rule 3: trailing white space on a line was added in transport; delete it.
      while (e > pos && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09)) e--;
      if (e > pos && buf[e - 1] === 0x3d) {
        n = QuotedPrintableDecoder.#decodeText(buf, pos, e - 1, out, n); // Rule 5: soft line break
      } else {
        n = QuotedPrintableDecoder.#decodeText(buf, pos, e, out, n);
        if (hasCr) out[n++] = 0x0d;
        out[n++] = 0x0a;
      }
      pos = lf + 1;
    }
    if (final) {
      let e = buf.length;
      while (e > pos && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d)) e--;
      if (e > pos && buf[e - 1] === 0x3d) e--;
      n = QuotedPrintableDecoder.#decodeText(buf, pos, e, out, n);
      return { out: out.subarray(0, n), rest: Buffer.alloc(0) };
    }
    // A long line without a break: decode all but a tail that could be white space or an escape.
    if (buf.length - pos > maxCarry) {
      let cut = buf.length;
      while (cut > pos && (buf[cut - 1] === 0x20 || buf[cut - 1] === 0x09 || buf[cut - 1] === 0x0d)) cut--;
      if (cut > pos && buf[cut - 1] === 0x3d) cut--;
      else if (cut - 1 > pos && buf[cut - 2] === 0x3d) cut -= 2;
      if (buf.length - cut > maxCarry) cut = buf.length; // a huge run of white space: emit it
      n = QuotedPrintableDecoder.#decodeText(buf, pos, cut, out, n);
      pos = cut;
    }
    return { out: out.subarray(0, n), rest: Buffer.from(buf.subarray(pos)) };
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const buf = this.#carry.length > 0 ? Buffer.concat([this.#carry, chunk]) : chunk;
    const { out, rest } = this.#decode(buf, false);
    this.#carry = rest;
    done(null, out.length > 0 ? out : undefined);
  }

  override _flush(done: TransformCallback): void {
    const { out } = this.#decode(this.#carry, true);
    this.#carry = Buffer.alloc(0);
    done(null, out.length > 0 ? out : undefined);
  }
}

/**
 * A streaming decoder for a Content-Transfer-Encoding (lower-case, as in MimePart.encoding):
 * base64 and quoted-printable decode; 7bit, 8bit, binary and anything unknown pass through.
 */
export function createBodyDecoder(encoding: string): Transform {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return new Base64Decoder();
    case 'quoted-printable':
      return new QuotedPrintableDecoder();
    default:
      return new PassThrough();
  }
}
