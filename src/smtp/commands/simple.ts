// The small commands: RSET (§4.1.1.5), NOOP (§4.1.1.9), QUIT (§4.1.1.10), HELP (§4.1.1.8),
// VRFY (§4.1.1.6, §3.5.3) of RFC 5321.
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

export const noop = defineCommand({
  name: 'NOOP',
  states: all,
  junk: true,
  async run(s) {
    await s.send(reply(250, '2.0.0', 'Ok'));
  },
});

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

export const help = defineCommand({
  name: 'HELP',
  states: all,
  junk: true,
  async run(s) {
    await s.send(reply(214, '2.0.0', 'Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH', 'See RFC 5321'));
  },
});

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

/** Commands we know but do not implement (RFC 5321 §4.2.4: 502). */
export const notImplemented = ['EXPN', 'ETRN', 'TURN', 'ATRN', 'SEND', 'SOML', 'SAML'].map((name) => defineCommand({
  name,
  states: all,
  async run(s) {
    await s.send(reply(502, '5.5.1', `Error: ${name} not implemented`));
  },
}));
