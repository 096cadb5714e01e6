// Turning bytes of mail into JS strings: RFC 6532 UTF-8 headers with a latin1 fallback for the
// undeclared 8-bit bytes real mail carries, and charset-labelled text (RFC 2047, RFC 2231) through
// the WHATWG encodings that Node's TextDecoder knows.

import { TextDecoder } from 'node:util';

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return false;
  return true;
}

/** RFC 6532 §3.2: header bytes are UTF-8; undeclared 8-bit bytes that are not UTF-8 read as latin1. */
export function decodeHeaderBytes(bytes: Uint8Array): string {
  if (isAscii(bytes)) return latin1.decode(bytes); // fast path: latin1 of ASCII is ASCII
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

const decoders = new Map<string, TextDecoder | null>();

/** A decoder for a charset label, or null when Node does not know it. */
function decoderFor(charset: string): TextDecoder | null {
  const label = charset.trim().toLowerCase();
  let d = decoders.get(label);
  if (d === undefined) {
    try {
      d = new TextDecoder(label === 'utf8' ? 'utf-8' : label);
    } catch {
      d = null;
    }
    if (decoders.size < 256) decoders.set(label, d); // bounded: labels come from mail
  }
  return d;
}

/**
 * Decode bytes in a declared charset. An unknown charset falls back to UTF-8 when the bytes are
 * valid UTF-8, else latin1; mail is never rejected for its charset label.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  const d = decoderFor(charset);
  if (d) return d.decode(bytes);
  return decodeHeaderBytes(bytes);
}

/** Whether Node can decode this charset label. */
export function isKnownCharset(charset: string): boolean {
  return decoderFor(charset) !== null;
}
