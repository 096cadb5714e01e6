// HELP (RFC 5321 §4.1.1.8).
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const help = defineCommand({
  name: 'HELP',
  states: all,
  junk: true,
  async run(s) {
    await s.send(reply(214, '2.0.0', 'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH', 'See RFC 5321'));
  },
});
