// IMAP ENVELOPE formatting (RFC 9051 §7.5.2 FETCH ENVELOPE; grammar "envelope" in RFC 9051 §9,
// RFC 3501 §9). Values come from src/mime (envelopeOf): header values as written, unfolded, with
// encoded-words left for the client to decode; addresses as (name adl mailbox host) with RFC 3501
// §7.4.2 group markers.

import { envelopeOf, type Address, type MimePart } from '../mime/index.ts';
import { nil, nstring, type ImapStringOptions } from './imap-string.ts';

const ascii: ImapStringOptions = { utf8: false };

/**
 * RFC 3501 §7.4.2: a NIL host name marks group syntax, so an ordinary address never gets one.
 * Like other deployed servers, a missing part of a broken address gets a visible placeholder.
 */
const missingMailbox = 'MISSING_MAILBOX';
const missingDomain = 'MISSING_DOMAIN';

function address(a: Address, opts: ImapStringOptions): string {
  // RFC 9051 §9: address = "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")"
  return `(${nstring(a.name, opts)} ${nstring(a.route ?? null, opts)} ${nstring(a.mailbox ?? missingMailbox, opts)} ${nstring(a.host ?? missingDomain, opts)})`;
}

/**
 * env-from etc.: "(" 1*address ")" / nil. RFC 3501 §7.4.2: a group is a start marker with NIL host
 * and the group name as mailbox, its members, then an end marker with NIL mailbox and host.
 */
export function formatAddressList(list: Address[], opts: ImapStringOptions = ascii): string {
  let out = '';
  for (const a of list) {
    if (a.group) {
      out += `(NIL NIL ${nstring(a.name ?? '', opts)} NIL)`;
      for (const m of a.group) if (!m.group) out += address(m, opts);
      out += '(NIL NIL NIL NIL)';
    } else out += address(a, opts);
  }
  return out === '' ? nil : `(${out})`;
}

/**
 * The ENVELOPE of a message: pass the root part of the message, or `part.message` for the
 * envelope of an encapsulated message/rfc822 part.
 */
export function formatEnvelope(part: MimePart, opts: ImapStringOptions = ascii): string {
  const e = envelopeOf(part);
  // RFC 9051 §9: envelope = "(" env-date SP env-subject SP env-from SP env-sender SP env-reply-to
  //   SP env-to SP env-cc SP env-bcc SP env-in-reply-to SP env-message-id ")"
  return `(${[
    nstring(e.date, opts),
    nstring(e.subject, opts),
    formatAddressList(e.from, opts),
    formatAddressList(e.sender, opts),
    formatAddressList(e.replyTo, opts),
    formatAddressList(e.to, opts),
    formatAddressList(e.cc, opts),
    formatAddressList(e.bcc, opts),
    nstring(e.inReplyTo, opts),
    nstring(e.messageId, opts),
  ].join(' ')})`;
}

/** An envelope with every member NIL, for an encapsulated message that was not parsed. */
export const emptyEnvelope = '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)';
