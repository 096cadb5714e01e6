// RFC 9051 §6.2.1 STARTTLS. Bytes the client pipelined after the command are discarded (the
// session starts a fresh framer), closing the STARTTLS command-injection hole (RFC 9051 §11.1).
import { ImapNo } from '../errors.ts';
import { defineCommand } from './types.ts';

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: ['not-authenticated'],
  parse: () => undefined,
  async run(s, tag) {
    if (s.secure) throw new ImapNo('TLS is already active', undefined, 'BAD');
    if (s.conn.listener.tls !== 'starttls') throw new ImapNo('STARTTLS is not offered on this listener', undefined, 'BAD');
    s.tagged(tag, 'OK', 'Begin TLS negotiation now');
    s.flush();
    await s.startTls();
  },
});
