// IMAP string encoding for server responses: the choice between atom, quoted string and literal,
// and NIL, per the formal syntax of RFC 9051 §9 (and RFC 3501 §9 for IMAP4rev1 clients), with
// RFC 6855 (UTF8=ACCEPT) / IMAP4rev2 allowing UTF-8 inside quoted strings.
//
// Representation: every function returns a JS string that the response encoder writes as UTF-8.
// A literal is returned as "{n}\r\n" followed by the text, where n is the UTF-8 byte length of the
// text, so concatenating these pieces and encoding the result as UTF-8 yields correct wire bytes.
// For raw bytes (BODY[] contents) use `literalBytes`, which returns a Uint8Array.
//
// Security note: values come from mail and may contain anything. CR, LF and (outside UTF-8 mode)
// 8-bit characters never go into a quoted string; NUL never goes on the wire outside literal8
// (RFC 9051 §4.3: "CHAR8 = %x01-ff"), so it is replaced.

/** Options every encoder takes. */
export interface ImapStringOptions {
  /** True after `ENABLE UTF8=ACCEPT` (RFC 6855 §3) or when IMAP4rev2 is in effect (RFC 9051 §4.3). */
  utf8: boolean;
}

/** RFC 9051 §4.5: the special atom NIL. */
export const nil = 'NIL';

const encoder = new TextEncoder();

/** UTF-8 byte length of a JS string, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // BMP character, or a lone surrogate which TextEncoder writes as U+FFFD (3 bytes)
  }
  return n;
}

/** RFC 9051 §4.3: "CHAR8 = %x01-ff" — a NUL may not appear in a string; replace it with U+FFFD. */
function withoutNul(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}

/**
 * Whether `s` can be sent as a quoted string. RFC 9051 §9: QUOTED-CHAR = <any TEXT-CHAR except
 * quoted-specials> / "\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4, TEXT-CHAR = <any CHAR except
 * CR and LF>, CHAR = %x01-7F. The UTF8-n alternatives exist only for UTF-8 capable sessions
 * (RFC 6855 §3 extends IMAP4rev1's quoted the same way).
 */
export function isQuotable(s: string, opts: ImapStringOptions): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c === 0x0d || c === 0x0a) return false;
    if (c >= 0x80) {
      if (!opts.utf8) return false;
      // A lone surrogate cannot be written as UTF-8; send such a string as a literal
      // (TextEncoder then writes U+FFFD, which the literal's byte count accounts for).
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = s.charCodeAt(i + 1);
        if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
        i++;
      }
    }
  }
  return true;
}

/** A quoted string; the caller must have checked `isQuotable`. quoted-specials = DQUOTE / "\". */
export function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** A literal of text: "{n}\r\n" + text, n counted in UTF-8 bytes (RFC 9051 §4.3). */
export function literal(s: string): string {
  const text = withoutNul(s);
  return `{${utf8Length(text)}}\r\n${text}`;
}

/**
 * A literal of raw bytes for BODY[]/BINARY[] contents: "{n}\r\n" + bytes, or with `binary` the
 * RFC 3516 §4.3 literal8 "~{n}\r\n" which may carry NUL.
 */
export function literalBytes(data: Uint8Array, binary = false): Uint8Array {
  const head = encoder.encode(`${binary ? '~' : ''}{${data.length}}\r\n`);
  const out = new Uint8Array(head.length + data.length);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

/** RFC 9051 §4.3 string = quoted / literal: quoted when possible, else a literal. */
export function imapString(s: string, opts: ImapStringOptions): string {
  const text = withoutNul(s);
  return isQuotable(text, opts) ? quoted(text) : literal(text);
}

/** nstring = string / nil (RFC 9051 §9). */
export function nstring(s: string | null | undefined, opts: ImapStringOptions): string {
  return s == null ? nil : imapString(s, opts);
}

/**
 * Whether `c` is an ASTRING-CHAR (RFC 9051 §9): ATOM-CHAR / resp-specials, where ATOM-CHAR is any
 * CHAR except atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials /
 * resp-specials.
 */
function isAstringChar(c: number): boolean {
  if (c <= 0x20 || c >= 0x7f) return false; // CTL, SP, DEL and 8-bit
  switch (c) {
    case 0x28: // (
    case 0x29: // )
    case 0x7b: // {
    case 0x25: // %
    case 0x2a: // *
    case 0x22: // "
    case 0x5c: // \
      return false;
    default:
      return true; // includes "]" (resp-specials are allowed in an astring)
  }
}

/**
 * astring = 1*ASTRING-CHAR / string (RFC 9051 §9). An atom when every character allows it;
 * empty strings and the atom NIL (which a client could read as nil) are quoted.
 */
export function astring(s: string, opts: ImapStringOptions): string {
  if (s.length > 0 && s.toUpperCase() !== 'NIL') {
    let atom = true;
    for (let i = 0; i < s.length && atom; i++) atom = isAstringChar(s.charCodeAt(i));
    if (atom) return s;
  }
  return imapString(s, opts);
}

/** Encode a finished response string (as returned above) to wire bytes. */
export function toWire(s: string): Uint8Array {
  return encoder.encode(s);
}
