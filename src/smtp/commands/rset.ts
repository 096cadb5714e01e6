// RSET (RFC 5321 §4.1.1.5): abort the transaction; the session stays greeted.
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const rset = defineCommand({
  name: 'RSET',
  states: all,
  junk: true,
  async run(s) {
    s.resetTransaction();
    await s.send(reply(250, '2.0.0', 'Ok'));
  },
});
