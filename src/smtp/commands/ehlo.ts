// EHLO and HELO (RFC 5321 §4.1.1.1): start (or restart) the session; EHLO lists the extensions.
// Any transaction in progress is aborted (RFC 5321 §4.1.4).
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';
import type { Session } from '../session.ts';

/** RFC 5321 §4.1.1.1: Domain or address-literal. Leniency for "_" (common in host names). */
const heloPattern = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?|\[(?:IPv6:)?[0-9A-Fa-f:.]{2,45}\])$/;

export function extensions(s: Session): string[] {
  const ext = ['PIPELINING', `SIZE ${s.limits.max_message_bytes}`, '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES'];
  // RFC 3207 §4: STARTTLS only where a certificate is configured and TLS is not yet active.
  if (s.conn.listener.tls === 'starttls' && !s.isSecure) ext.push('STARTTLS');
  if (s.offersAuth && s.account === null) {
    // RFC 4954 §4 and the listener's allow_plaintext_auth: mechanisms come from sasl/, which
    // returns none for password mechanisms before TLS.
    const mechs = s.ctx.auth.mechanisms(s.authConnection());
    if (mechs.length > 0) ext.push(`AUTH ${mechs.join(' ')}`);
  }
  ext.push('CHUNKING', 'BINARYMIME', 'DSN');
  if (s.isSecure) ext.push('REQUIRETLS'); // RFC 8689 §4: offered only over TLS
  return ext;
}

function checkArg(args: string): string | undefined {
  const name = args.trim();
  if (name === '') return undefined;
  return heloPattern.test(name) ? name : undefined;
}

export const ehlo = defineCommand({
  name: 'EHLO',
  states: ['initial', 'ready', 'mail', 'bdat'],
  async run(s, args) {
    const name = checkArg(args);
    if (!name) {
      await s.send(reply(501, '5.5.4', 'Syntax: EHLO hostname'));
      return;
    }
    s.resetTransaction();
    s.state = { kind: 'ready', helo: { name, esmtp: true } };
    // RFC 2034 §3: no enhanced status code in the EHLO reply.
    await s.send(reply(250, undefined, `${s.hostname} greets ${name}`, ...extensions(s)));
  },
});

export const helo = defineCommand({
  name: 'HELO',
  states: ['initial', 'ready', 'mail', 'bdat'],
  async run(s, args) {
    const name = checkArg(args);
    if (!name) {
      await s.send(reply(501, '5.5.4', 'Syntax: HELO hostname'));
      return;
    }
    s.resetTransaction();
    s.state = { kind: 'ready', helo: { name, esmtp: false } };
    await s.send(reply(250, undefined, s.hostname));
  },
});
