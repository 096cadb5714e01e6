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

const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * RFC 2152 UTF-7, which old mail still uses and the WHATWG decoders lack: "+" starts modified
 * base64 of UTF-16BE, ended by "-" (absorbed) or any other non-base64 character; "+-" is "+".
 */
function decodeUtf7(bytes: Uint8Array): string {
  const s = latin1.decode(bytes);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '+') {
      out += c;
      continue;
    }
    let j = i + 1;
    while (j < s.length && b64.includes(s[j]!)) j++;
    if (j === i + 1) out += '+';
    else {
      let bits = 0;
      let acc = 0;
      const units: number[] = [];
      for (let k = i + 1; k < j; k++) {
        acc = ((acc << 6) | b64.indexOf(s[k]!)) & 0xffffff;
        bits += 6;
        if (bits >= 16) {
          bits -= 16;
          units.push((acc >> bits) & 0xffff);
        }
      }
      // In slices: spreading a huge array into one call would overflow the stack.
      for (let k = 0; k < units.length; k += 4096) out += String.fromCharCode(...units.slice(k, k + 4096));
    }
    i = s[j] === '-' ? j : j - 1;
  }
  // Lone surrogates from broken input would not survive UTF-8 encoding; replace them.
  return out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

/**
 * Decode bytes in a declared charset. An unknown charset falls back to UTF-8 when the bytes are
 * valid UTF-8, else latin1; mail is never rejected for its charset label.
 */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  if (/^\s*(?:unicode-1-1-)?utf-7\s*$/i.test(charset)) return decodeUtf7(bytes);
  // 8-bit bytes labelled US-ASCII (or unlabelled) are mislabelled; read them like raw header bytes
  // (UTF-8 when valid) rather than as windows-1252, which WHATWG maps "us-ascii" to.
  if (/^\s*(?:us-)?ascii\s*$/i.test(charset)) return decodeHeaderBytes(bytes);
  const d = decoderFor(charset);
  if (d) return d.decode(bytes);
  return decodeHeaderBytes(bytes);
}

/** Whether Node can decode this charset label. */
export function isKnownCharset(charset: string): boolean {
  return decoderFor(charset) !== null;
}
