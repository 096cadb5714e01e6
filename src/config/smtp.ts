// SMTP settings ([smtp]) and the per-listener SMTP limits ([listener.limits]) of smtp and
// submission listeners. Every limit has a safe default; src/smtp answers each breach with its
// proper reply (RFC 5321 §4.2.2, RFC 3463).
import { z } from 'zod';
import { byteSize, count, duration, key } from './types.ts';

/** Keys of `[listener.limits]` that only SMTP listeners use. */
export const smtpLimits = {
  max_message_bytes: key(byteSize, { default: '25MB', unit: 'bytes', doc: 'Largest message accepted (advertised as SIZE, RFC 1870); enforced while streaming with "552 5.3.4".' }),
  max_recipients: key(count.min(1), { default: 100, doc: 'Recipients per message; RCPT beyond this gets "452 4.5.3 Too many recipients" (RFC 5321 §4.5.3.1.10).' }),
  max_errors: key(count.min(1), { default: 20, doc: 'Error replies (4xx/5xx) in one session before "421 4.7.0" and a close.' }),
  soft_error_limit: key(count, { default: 3, doc: 'Error replies after which each further error reply is delayed by error_delay (tarpit).' }),
  error_delay: key(duration, { default: '1s', doc: 'Delay before each error reply once soft_error_limit is passed.' }),
  max_commands: key(count.min(1), { default: 10_000, doc: 'Commands in one session before "421 4.7.0 Too many commands" and a close.' }),
  max_junk_commands: key(count.min(1), { default: 100, doc: 'NOOP, RSET, VRFY and HELP commands between two accepted messages before "421 4.7.0" and a close.' }),
  greeting_delay: key(duration, { default: '1s', doc: 'On smtp (MX) listeners, pause before the 220 greeting; a client that sends anything before it gets "554 5.5.0" and is closed (pre-greeting talkers). "0s" greets at once; submission listeners always greet at once.' }),
  greeting_timeout: key(duration, { default: '1m', doc: 'After the greeting, how long the client has to send its first command.' }),
  command_timeout: key(duration, { default: '5m', doc: 'How long to wait for the next command (RFC 5321 §4.5.3.2.7); then "421 4.4.2" and close.' }),
  data_timeout: key(duration, { default: '3m', doc: 'How long to wait for the next bytes of a DATA or BDAT message body; then "421 4.4.2" and close.' }),
  session_timeout: key(duration, { default: '30m', doc: 'Longest a whole SMTP session may last (slowloris defence); then "421 4.4.2" at the next reply and close.' }),
} satisfies z.ZodRawShape;

/** The `[smtp]` table. */
export const smtpSettings = {
  vrfy: key(z.boolean(), { default: false, doc: 'Answer VRFY with the real result; when false (default) VRFY always gets "252 2.5.0" and reveals nothing.' }),
  bare_line_endings: key(z.enum(['reject', 'normalize']), { default: 'reject', doc: 'A bare CR or LF in DATA (SMTP smuggling): "reject" the message with "550 5.6.0", or "normalize" it to CRLF. Never passed on as is.' }),
  reject_sender_login_mismatch: key(z.boolean(), { default: true, doc: 'Authenticated clients may use only their own addresses, their plus-addresses and aliases that deliver to them in MAIL FROM ("553 5.7.1" otherwise).' }),
  quota_full_tempfail: key(z.boolean(), { default: false, doc: 'Refuse recipients over their storage quota with 452 4.2.2 (try later) instead of 552 5.2.2 (bounce), like Dovecot\'s quota_full_tempfail.' }),
  recipient_delimiter: key(z.string().max(4).regex(/^[^@\s"<>]*$/, 'use characters such as "+" or "-"'), { default: '+', doc: 'Plus-addressing separator(s): user+tag@domain delivers to user@domain. "" turns plus-addressing off.' }),
  max_received_headers: key(count.min(1), { default: 50, doc: 'A message with more Received headers than this is a mail loop: "554 5.4.6".' }),
  mx_auth: key(z.boolean(), { default: false, doc: 'Offer AUTH on smtp (MX, port 25) listeners too; submission listeners always offer it (after TLS).' }),
} satisfies z.ZodRawShape;
