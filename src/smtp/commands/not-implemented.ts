// Commands we know but do not implement: 502 5.5.1 (RFC 5321 §4.2.4).
import { defineCommand } from '../command.ts';
import { reply } from '../reply.ts';

const all = ['initial', 'ready', 'mail', 'bdat'] as const;

export const notImplemented = ['EXPN', 'ETRN', 'TURN', 'ATRN', 'SEND', 'SOML', 'SAML'].map((name) => defineCommand({
  name,
  states: all,
  async run(s) {
    await s.send(reply(502, '5.5.1', `Error: ${name} not implemented`));
  },
}));
