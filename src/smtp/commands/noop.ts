// NOOP (RFC 5321 §4.1.1.9).
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const noop = defineCommand({
  name: 'NOOP',
  states: all,
  junk: true,
  async run(s) {
    await s.send(reply(250, '2.0.0', 'Ok'));
  },
});
