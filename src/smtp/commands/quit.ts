// QUIT (RFC 5321 §4.1.1.10): 221 and close.
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const quit = defineCommand({
  name: 'QUIT',
  states: all,
  async run(s, args) {
    if (args.trim() !== '') {
      await s.send(reply(501, '5.5.4', 'Syntax: QUIT'));
      return;
    }
    s.resetTransaction();
    await s.close(reply(221, '2.0.0', `${s.hostname} Bye`));
  },
});
