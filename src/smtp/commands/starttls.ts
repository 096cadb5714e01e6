// STARTTLS (RFC 3207): only on listeners with tls = "starttls", once, without arguments.
// Session.startTls() discards anything pipelined after the command (RFC 3207 §5) and resets the
// session (§4.2): the client must say EHLO again.
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

export const starttls = defineCommand({
  name: 'STARTTLS',
  states: ['initial', 'ready'],
  outOfSequence: () => reply(503, '5.5.1', 'Error: STARTTLS is not allowed during a mail transaction'),
  async run(s, args) {
    if (s.conn.listener.tls !== 'starttls' || s.isSecure) {
      await s.send(s.isSecure ? reply(503, '5.5.1', 'Error: TLS already active') : reply(502, '5.5.1', 'Error: STARTTLS not offered on this listener'));
      return;
    }
    if (args.trim() !== '') {
      await s.send(reply(501, '5.5.4', 'Syntax: STARTTLS'));
      return;
    }
    await s.send(reply(220, '2.0.0', 'Ready to start TLS'));
    if (!(await s.startTls())) s.log.info('smtp.starttls.aborted', {});
  },
});
