// RFC 2047 encoded-words ("=?charset?B|Q?text?=") in header text, with the RFC 2231 §5 language
// suffix ("=?utf-8*en?Q?…?="). Tolerant of what real mail does: encoded-words not separated by
// white space, a multibyte character split across adjacent words, unknown charsets, bad base64,
// lower-case encodings. Never throws.

import { decodeCharset } from './charset.ts';

// RFC 2047 §2: encoded-word = "=?" charset "?" encoding "?" encoded-text "?="; encoded-text has no
// "?" and no white space. Real mail breaks the 75-character limit, so no length check.
const wordRe = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** RFC 2047 §4.2: "_" is space, "=XX" a byte; a bad escape is kept literally. */
function decodeQ(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5f) out[n++] = 0x20;
    else if (c === 0x3d && i + 2 < text.length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
      out[n++] = parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else out[n++] = c & 0xff;
  }
  return out.subarray(0, n);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** RFC 2047 §4.1: base64; characters outside the alphabet and missing padding are tolerated. */
function decodeB(text: string): Uint8Array {
  return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
}

interface Word { start: number; end: number; charset: string; bytes: Uint8Array }

/** Decode every encoded-word in `value`; other text is left as it is. */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const words: Word[] = [];
  for (const m of value.matchAll(wordRe)) {
    // RFC 2231 §5: charset may carry "*language"; the language does not affect decoding.
    const charset = m[1]!.split('*')[0]!;
    const bytes = m[2] === 'b' || m[2] === 'B' ? decodeB(m[3]!) : decodeQ(m[3]!);
    words.push({ start: m.index, end: m.index + m[0].length, charset, bytes });
  }
  if (words.length === 0) return value;
  const onlySpace = (from: number, to: number): boolean => /^[ \t\r\n]*$/.test(value.slice(from, to));
  let out = '';
  let pos = 0;
  let i = 0;
  while (i < words.length) {
    const first = words[i]!;
    out += value.slice(pos, first.start);
    // RFC 2047 §6.2: white space between adjacent encoded-words is not displayed. Join the bytes of
    // a run of same-charset words first, so a character split across words decodes whole.
    const run: Uint8Array[] = [first.bytes];
    let end = first.end;
    let j = i + 1;
    for (; j < words.length; j++) {
      const next = words[j]!;
      if (next.charset.toLowerCase() !== first.charset.toLowerCase() || !onlySpace(end, next.start)) break;
      run.push(next.bytes);
      end = next.end;
    }
    out += decodeCharset(Buffer.concat(run), first.charset);
    pos = end;
    if (j < words.length && onlySpace(end, words[j]!.start)) pos = words[j]!.start;
    i = j;
  }
  return out + value.slice(pos);
}
