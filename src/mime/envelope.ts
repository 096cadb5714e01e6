// The RFC 9051 §7.5.2 ENVELOPE of a message (or of an encapsulated message/rfc822 part): header
// values as written (unfolded, RFC 5322 §2.2.3; encoded-words left for the client) and parsed
// address lists. IMAP formatting lives in src/imap/envelope.ts.

import { parseAddressList, type Address } from './address.ts';
import { firstValue, unfold } from './header.ts';
import type { MimePart } from './types.ts';

export interface Envelope {
  date: string | null;
  subject: string | null;
  from: Address[];
  sender: Address[];
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  bcc: Address[];
  inReplyTo: string | null;
  messageId: string | null;
}

function text(part: MimePart, name: string): string | null {
  const v = firstValue(part.headers, name);
  return v === undefined ? null : unfold(v).trim();
}

/**
 * RFC 5322 §3.6 allows each address field once, but real mail repeats them (one Cc: per
 * recipient); every occurrence counts, as in other deployed servers. Bounded by the header limit.
 */
function addresses(part: MimePart, name: string): Address[] {
  const lower = name.toLowerCase();
  const out: Address[] = [];
  for (const h of part.headers) if (h.name.toLowerCase() === lower) for (const a of parseAddressList(h.value)) out.push(a);
  return out;
}

/** The envelope of a message's root part; pass `part.message` for a message/rfc822 part. */
export function envelopeOf(part: MimePart): Envelope {
  const from = addresses(part, 'from');
  const sender = addresses(part, 'sender');
  const replyTo = addresses(part, 'reply-to');
  return {
    date: text(part, 'date'),
    subject: text(part, 'subject'),
    from,
    // RFC 9051 §7.5.2: "If the Sender or Reply-To header fields are absent in the [RFC5322]
    // header, or are present but empty, the server sets the corresponding member of the envelope
    // to be the same value as the from member."
    sender: sender.length > 0 ? sender : from,
    replyTo: replyTo.length > 0 ? replyTo : from,
    to: addresses(part, 'to'),
    cc: addresses(part, 'cc'),
    bcc: addresses(part, 'bcc'),
    inReplyTo: text(part, 'in-reply-to'),
    messageId: text(part, 'message-id'),
  };
}
