// VRFY (RFC 5321 §4.1.1.6, §3.5.3): 252 unless [smtp] vrfy is on, so addresses cannot be harvested.
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const vrfy = defineCommand({
  name: 'VRFY',
  states: all,
  junk: true,
  async run(s, args) {
    const arg = args.trim().replace(/^<(.*)>$/, '$1');
    if (arg === '') {
      await s.send(reply(501, '5.5.4', 'Syntax: VRFY address'));
      return;
    }
    // RFC 5321 §3.5.3: 252 says nothing about the mailbox; the default, so VRFY cannot harvest.
    if (!s.settings.vrfy || !/^[^@\s]+@[^@\s]+$/.test(arg)) {
      await s.send(reply(252, '2.5.0', 'Cannot VRFY user, but will accept message and attempt delivery'));
      return;
    }
    const r = await s.ctx.directory.resolve(arg);
    if (r.kind === 'deliver') await s.send(reply(250, '2.1.5', `<${arg}>`));
    else if (r.kind === 'unknown') await s.send(reply(550, '5.1.1', `<${arg}>: Recipient address rejected: User unknown`));
    else await s.send(reply(252, '2.5.0', 'Cannot VRFY user, but will accept message and attempt delivery'));
  },
});

