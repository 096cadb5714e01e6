// Trace headers added to an accepted message: Received (RFC 5321 §4.4, with the RFC 3848 / RFC
// 6531 §3.7.3 "with" protocol names), Return-Path (RFC 5321 §4.4) and Delivered-To (the final
// recipient, as Postfix and others add it; also used for loop detection). Pure functions.

export interface ReceivedInfo {
  /** The HELO/EHLO argument, already validated by the protocol. */
  helo: string;
  clientIp: string;
  /** This server's host name. */
  hostname: string;
  esmtp: boolean;
  smtputf8: boolean;
  tls: { version: string; cipher: string } | null;
  /** The authenticated user, if any. */
  authUser: string | null;
  /** Our id for this message, also quoted in the 250 reply. */
  id: string;
  /** The one recipient, when there is exactly one (never lists several: privacy). */
  for: string | null;
  date: Date;
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in UTC: "Mon, 23 Nov 2026 01:02:03 +0000". */
export function rfc5322Date(d: Date): string {
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** RFC 3848 / RFC 6531 §3.7.3 protocol type: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA, UTF8SMTP… */
export function withProtocol(i: Pick<ReceivedInfo, 'esmtp' | 'smtputf8' | 'tls' | 'authUser'>): string {
  if (!i.esmtp) return 'SMTP';
  return `${i.smtputf8 ? 'UTF8SMTP' : 'ESMTP'}${i.tls ? 'S' : ''}${i.authUser ? 'A' : ''}`;
}

/** Keeps header values to printable text: client-supplied strings must not break the header. */
const safe = (s: string) => s.replace(/[\x00-\x1f\x7f()\\]/g, '?');

export function receivedHeader(i: ReceivedInfo): string {
  const lines = [`Received: from ${safe(i.helo)} ([${safe(i.clientIp)}])`];
  if (i.tls) lines.push(`\t(using ${safe(i.tls.version)} with cipher ${safe(i.tls.cipher)})`);
  if (i.authUser) lines.push(`\t(authenticated user ${safe(i.authUser)})`);
  lines.push(`\tby ${i.hostname} (Postern) with ${withProtocol(i)} id ${i.id}${i.for ? '' : ';'}`);
  if (i.for) lines.push(`\tfor <${safe(i.for)}>;`);
  lines.push(`\t${rfc5322Date(i.date)}`);
  return lines.join('\r\n') + '\r\n';
}

/** Per-recipient trace headers of a local delivery, stored as the message's prefix. */
export function localDeliveryPrefix(sender: string, recipient: string): Buffer {
  return Buffer.from(`Return-Path: <${safe(sender)}>\r\nDelivered-To: ${safe(recipient)}\r\n`);
}
