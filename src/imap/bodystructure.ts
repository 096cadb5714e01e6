// IMAP BODY and BODYSTRUCTURE formatting (RFC 9051 §7.5.2; grammar "body" in RFC 9051 §9 and
// RFC 3501 §9) from a MimePart tree recorded by src/mime. BODY is the non-extensible form;
// BODYSTRUCTURE adds the extension data (body-ext-1part / body-ext-mpart).
//
// Choices where the RFCs leave room (each also what common servers do):
// - type, subtype, encoding, parameter names and disposition types are written in upper case, as
//   in the RFC 9051 §7.5.2 examples; parameter values are written as they are.
// - text/* without a charset parameter gets ("CHARSET" "US-ASCII"), the RFC 2045 §5.2 default.
// - a multipart in which no part was found gets one empty text/plain part ("1*body" needs one).
// - a message/rfc822 part whose content was not parsed (an encoded message, or a depth limit) is
//   still written in the body-type-msg form, with an all-NIL envelope and an empty text/plain body,
//   so clients that expect an envelope after "MESSAGE" "RFC822" keep their footing.
// - message/global (RFC 6532 §3.7) is written as body-type-msg only to UTF-8 capable sessions
//   (IMAP4rev2 grammar, RFC 9051 §9 media-message); IMAP4rev1 grammar has no such form.
// - parameter values with non-ASCII characters are sent to non-UTF-8 sessions in RFC 2231 form
//   (name*=utf-8''%XX…) so they stay 7-bit.

import type { MimePart } from '../mime/index.ts';
import { emptyEnvelope, formatEnvelope } from './envelope.ts';
import { imapString, nil, nstring, type ImapStringOptions } from './imap-string.ts';

const ascii: ImapStringOptions = { utf8: false };

const emptyText = '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0)';
const emptyTextExt = '("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)';

function str(s: string, opts: ImapStringOptions): string {
  return imapString(s, opts);
}

/** RFC 2231 §4 extended-value: charset "'" language "'" percent-encoded UTF-8. */
function rfc2231(value: string): string {
  let out = "utf-8''";
  for (const b of new TextEncoder().encode(value)) {
    const isAttrChar = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || '!#$&+-.^_`|~'.includes(String.fromCharCode(b));
    out += isAttrChar ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** body-fld-param = "(" string SP string *(SP string SP string) ")" / nil */
function params(p: Record<string, string>, opts: ImapStringOptions): string {
  const items: string[] = [];
  for (const [k, v] of Object.entries(p)) {
    if (!opts.utf8 && /[^\x00-\x7f]/.test(v)) items.push(`${str(`${k.toUpperCase()}*`, opts)} ${str(rfc2231(v), opts)}`);
    else items.push(`${str(k.toUpperCase(), opts)} ${str(v, opts)}`);
  }
  return items.length === 0 ? nil : `(${items.join(' ')})`;
}

/** body-fld-dsp = "(" string SP body-fld-param ")" / nil */
function disposition(part: MimePart, opts: ImapStringOptions): string {
  const d = part.disposition;
  return d ? `(${str(d.value.toUpperCase(), opts)} ${params(d.params, opts)})` : nil;
}

/** body-fld-lang = nstring / "(" string *(SP string) ")" */
function language(part: MimePart, opts: ImapStringOptions): string {
  const l = part.language;
  return l && l.length > 0 ? `(${l.map((t) => str(t, opts)).join(' ')})` : nil;
}

/** body-fld-dsp SP body-fld-lang SP body-fld-loc: the tail both extension forms share. */
function extTail(part: MimePart, opts: ImapStringOptions): string {
  return `${disposition(part, opts)} ${language(part, opts)} ${nstring(part.location, opts)}`;
}

/** body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets */
function bodyFields(part: MimePart, opts: ImapStringOptions): string {
  const p = { ...part.contentType.params };
  // RFC 2045 §5.2: text without a charset is us-ascii.
  if (part.contentType.type === 'text' && p.charset === undefined) p.charset = 'us-ascii';
  return [params(p, opts), nstring(part.id, opts), nstring(part.description, opts), str(part.encoding.toUpperCase(), opts), String(part.end - part.bodyStart)].join(' ');
}

function onePart(part: MimePart, extended: boolean, opts: ImapStringOptions): string {
  const { type, subtype } = part.contentType;
  const media = `${str(type.toUpperCase(), opts)} ${str(subtype.toUpperCase(), opts)}`;
  let out: string;
  const isMsg = type === 'message' && (subtype === 'rfc822' || (subtype === 'global' && opts.utf8));
  if (isMsg) {
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
    const inner = part.message;
    const env = inner ? formatEnvelope(inner, opts) : emptyEnvelope;
    const body = inner ? format(inner, extended, opts) : extended ? emptyTextExt : emptyText;
    out = `${media} ${bodyFields(part, opts)} ${env} ${body} ${part.bodyLines}`;
  } else if (type === 'text') {
    // body-type-text = media-text SP body-fields SP body-fld-lines
    out = `${media} ${bodyFields(part, opts)} ${part.bodyLines}`;
  } else {
    // body-type-basic = media-basic SP body-fields
    out = `${media} ${bodyFields(part, opts)}`;
  }
  // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
  if (extended) out += ` ${nstring(part.md5, opts)} ${extTail(part, opts)}`;
  return `(${out})`;
}

function format(part: MimePart, extended: boolean, opts: ImapStringOptions): string {
  if (part.contentType.type !== 'multipart') return onePart(part, extended, opts);
  // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
  const bodies = part.children.length > 0 ? part.children.map((c) => format(c, extended, opts)).join('') : extended ? emptyTextExt : emptyText;
  let out = `${bodies} ${str(part.contentType.subtype.toUpperCase(), opts)}`;
  // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]
  if (extended) out += ` ${params(part.contentType.params, opts)} ${extTail(part, opts)}`;
  return `(${out})`;
}

/**
 * FETCH BODY (extended = false) or BODYSTRUCTURE (extended = true) of a message's root part, or of
 * any part. Returns response text to be written as UTF-8 (see imap-string.ts).
 */
export function formatBodyStructure(part: MimePart, extended: boolean, opts: ImapStringOptions = ascii): string {
  return format(part, extended, opts);
}
