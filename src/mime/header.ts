// Header fields of one part (RFC 5322 §2.2, §3.6; obsolete syntax §4.5) and the MIME fields that
// shape the structure: Content-Type (RFC 2045 §5), Content-Transfer-Encoding (RFC 2045 §6),
// Content-Disposition (RFC 2183), Content-Language (RFC 3282), with RFC 2231 parameter values.
// Tolerant by design: a field that does not parse yields the RFC default, never an exception.

import { decodeCharset, decodeHeaderBytes } from './charset.ts';
import type { ContentType, HeaderField } from './types.ts';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/**
 * RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126; §4.5 (obs-field) allows white
 * space before the colon. Anything else (an mbox "From " line) is not a field.
 */
function isFieldName(bytes: Uint8Array, from: number, colon: number): boolean {
  let end = colon;
  while (end > from && (bytes[end - 1] === SP || bytes[end - 1] === HT)) end--;
  if (end === from) return false;
  for (let i = from; i < end; i++) {
    const b = bytes[i]!;
    if (b < 33 || b > 126) return false;
  }
  return true;
}

/**
 * Split header bytes (without the blank line, or with it: blank lines are ignored) into fields.
 * RFC 5322 §2.2.3: a line starting with WSP continues the previous field. A line without a colon
 * (an mbox "From " line, garbage) is skipped. RFC 5322 §4.5.3 (obs-field): white space may precede
 * the colon.
 */
export function parseHeaderFields(bytes: Uint8Array): HeaderField[] {
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let colon = -1;
  let fieldEnd = -1;
  const flush = (): void => {
    if (fieldStart < 0) return;
    let nameEnd = colon;
    while (nameEnd > fieldStart && (bytes[nameEnd - 1] === SP || bytes[nameEnd - 1] === HT)) nameEnd--;
    let v = colon + 1;
    while (v < fieldEnd && (bytes[v] === SP || bytes[v] === HT || bytes[v] === CR || bytes[v] === LF)) v++;
    let e = fieldEnd;
    while (e > v && (bytes[e - 1] === LF || bytes[e - 1] === CR)) e--;
    if (nameEnd > fieldStart) {
      fields.push({ name: decodeHeaderBytes(bytes.subarray(fieldStart, nameEnd)), value: decodeHeaderBytes(bytes.subarray(v, e)) });
    }
    fieldStart = -1;
  };
  let pos = 0;
  while (pos < bytes.length) {
    const lf = bytes.indexOf(LF, pos);
    const lineEnd = lf === -1 ? bytes.length : lf + 1;
    const first = bytes[pos];
    if (first === SP || first === HT) {
      if (fieldStart >= 0) fieldEnd = lineEnd; // continuation of the current field
    } else {
      flush();
      const isBlank = first === LF || (first === CR && (pos + 1 === bytes.length || bytes[pos + 1] === LF));
      if (!isBlank) {
        const c = bytes.subarray(pos, lineEnd).indexOf(COLON);
        if (c > 0 && isFieldName(bytes, pos, pos + c)) {
          fieldStart = pos;
          colon = pos + c;
          fieldEnd = lineEnd;
        }
      }
    }
    pos = lineEnd;
  }
  flush();
  return fields;
}

/** RFC 5322 §2.2.3 unfolding: remove each CRLF (or bare LF) that precedes white space. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/[\r\n]+/g, '');
}

/** First value of a field by case-insensitive name. */
export function firstValue(headers: HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** RFC 5322 §3.2.2: remove comments (nested, with quoted-pairs) outside quoted strings. */
export function stripComments(s: string): string {
  if (!s.includes('(')) return s;
  let out = '';
  let depth = 0;
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (depth === 0 && inQuote) {
      out += c;
      if (c === '\\' && i + 1 < s.length) out += s[++i];
      else if (c === '"') inQuote = false;
    } else if (c === '\\' && depth > 0) i++;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
    } else if (depth === 0) {
      if (c === '"') inQuote = true;
      out += c;
    }
  }
  return out;
}

/** RFC 2045 §5.1 token: any US-ASCII character except SPACE, CTLs and tspecials. */
const tokenRe = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;

interface RawParam { name: string; value: string }

/** Split "value; a=b; c="d;e"" into the leading value and raw parameters, respecting quotes. */
function splitParams(s: string): { head: string; params: RawParam[] } {
  const pieces: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (inQuote) {
      cur += c;
      if (c === '\\' && i + 1 < s.length) cur += s[++i];
      else if (c === '"') inQuote = false;
    } else if (c === '"') {
      inQuote = true;
      cur += c;
    } else if (c === ';') {
      pieces.push(cur);
      cur = '';
    } else cur += c;
  }
  pieces.push(cur);
  const head = pieces.shift()!.trim();
  const params: RawParam[] = [];
  for (const p of pieces) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    // RFC 2045 §5.1: attribute := token (RFC 2231 adds "*" suffixes, which are token characters).
    if (!tokenRe.test(name)) continue;
    params.push({ name, value: unquote(p.slice(eq + 1).trim()) });
  }
  return { head, params };
}

/** RFC 5322 §3.2.4: the content of a quoted string; an unquoted value is returned trimmed. */
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) out += v[++i];
    else if (c === '"') return out; // anything after the closing quote is junk
    else out += c;
  }
  return out; // unterminated: take what there is
}

const utf8Encoder = new TextEncoder();

function percentDecode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) out.push(c);
    else for (const b of utf8Encoder.encode(s[i]!)) out.push(b);
  }
  return Uint8Array.from(out);
}

/**
 * RFC 2231 §3-§4: join continuations (name*0, name*1, …), percent-decode extended segments
 * (name*, name*0*) and decode them in the declared charset. An RFC 2231 form wins over a plain
 * parameter of the same name. Segments are capped so a hostile header cannot make us sort a lot.
 */
function joinParams(raw: RawParam[]): Record<string, string> {
  const plain = new Map<string, string>();
  const ext = new Map<string, Map<number, { value: string; encoded: boolean }>>();
  for (const p of raw) {
    const m = /^([^*]+)\*(?:(\d{1,3})(\*)?)?$/.exec(p.name);
    if (!m) {
      if (!plain.has(p.name)) plain.set(p.name, p.value);
      continue;
    }
    const base = m[1]!;
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const encoded = m[2] === undefined ? true : m[3] === '*';
    let segs = ext.get(base);
    if (!segs) ext.set(base, (segs = new Map()));
    if (!segs.has(index)) segs.set(index, { value: p.value, encoded });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of plain) out[k] = v;
  for (const [base, segs] of ext) {
    let charset = 'us-ascii';
    let result = '';
    let pending: Uint8Array[] = [];
    const flushPending = (): void => {
      if (pending.length === 0) return;
      result += decodeCharset(Buffer.concat(pending), charset);
      pending = [];
    };
    // Continuations must be consecutive from 0 (RFC 2231 §3); stop at the first gap.
    for (let i = 0; segs.has(i); i++) {
      const seg = segs.get(i)!;
      let value = seg.value;
      if (seg.encoded) {
        if (i === 0) {
          const q1 = value.indexOf("'");
          const q2 = q1 < 0 ? -1 : value.indexOf("'", q1 + 1);
          if (q2 >= 0) {
            charset = value.slice(0, q1) || 'us-ascii';
            value = value.slice(q2 + 1);
          }
        }
        pending.push(percentDecode(value));
      } else {
        flushPending();
        result += value;
      }
    }
    flushPending();
    if (segs.has(0)) out[base] = result;
  }
  return out;
}

/** Parse "value; params" of a structured MIME field. The value is lower-cased with white space removed. */
export function parseParameterized(field: string): { value: string; params: Record<string, string> } {
  const { head, params } = splitParams(stripComments(unfold(field)));
  // Real mail forgets the ";" ("TEXT/PLAIN charset=US-ASCII"): the first word is the value and
  // name=value pairs after it are parameters.
  const m = /^([^\s=]+(?:\s*\/\s*[^\s=;]+)?)\s+([^\s=]+\s*=[\s\S]*)$/.exec(head);
  if (m) {
    const extra = splitParams(`x;${m[2]!.replace(/\s+(?=[^\s=]+\s*=)/g, ';')}`).params;
    return { value: m[1]!.replace(/\s+/g, '').toLowerCase(), params: joinParams([...extra, ...params]) };
  }
  return { value: head.replace(/\s+/g, '').toLowerCase(), params: joinParams(params) };
}

/**
 * RFC 2045 §5.1/§5.2: Content-Type, with the default when the field is absent or its type/subtype
 * is not valid: text/plain; charset=us-ascii (or message/rfc822 inside multipart/digest, RFC 2046 §5.1.5).
 */
export function parseContentType(field: string | undefined, inDigest: boolean): ContentType {
  const fallback = (): ContentType =>
    inDigest ? { type: 'message', subtype: 'rfc822', params: {} } : { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } };
  if (field === undefined) return fallback();
  const { value, params } = parseParameterized(field);
  const slash = value.indexOf('/');
  const type = value.slice(0, slash);
  const subtype = value.slice(slash + 1);
  if (slash <= 0 || !tokenRe.test(type) || !tokenRe.test(subtype)) {
    const d = fallback();
    // Keep a declared charset even when the type is garbage: it is the best hint for the text.
    if (d.type === 'text' && params.charset) d.params.charset = params.charset;
    return d;
  }
  return { type, subtype, params };
}

/** RFC 2045 §6.1: mechanism lower-cased, default "7bit". */
export function parseEncoding(field: string | undefined): string {
  if (field === undefined) return '7bit';
  const v = stripComments(unfold(field)).trim().toLowerCase();
  return v === '' ? '7bit' : v.split(/[\s;]/)[0]!;
}

/** RFC 3282 §2: Content-Language = 1#Language-Tag. */
export function parseLanguage(field: string | undefined): string[] | null {
  if (field === undefined) return null;
  const tags = stripComments(unfold(field))
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return tags.length > 0 ? tags : null;
}

/** RFC 2183: Content-Disposition; null when absent or without a disposition type. */
export function parseDisposition(field: string | undefined): { value: string; params: Record<string, string> } | null {
  if (field === undefined) return null;
  const { value, params } = parseParameterized(field);
  if (!value || !tokenRe.test(value)) return null;
  return { value, params };
}

/** A simple unstructured MIME field (Content-ID, -Description, -MD5, -Location), unfolded and trimmed. */
export function simpleField(field: string | undefined): string | null {
  if (field === undefined) return null;
  return unfold(field).trim();
}
