// RFC 9051 §6.2.2 AUTHENTICATE through sasl/, with RFC 4959 SASL-IR. Challenges go out as
// "+ base64", responses come back as base64 lines; "*" cancels (RFC 9051 §6.2.2 → BAD).
import { ParseError } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { finishLogin } from './login.ts';
import { defineCommand } from './types.ts';

function decodeBase64(text: string): Uint8Array {
  // RFC 4959 §3: "=" is an empty initial response.
  if (text === '=') return new Uint8Array(0);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new ParseError('Invalid base64');
  return Buffer.from(text, 'base64');
}

export const authenticate = defineCommand({
  name: 'AUTHENTICATE',
  states: ['not-authenticated'],
  parse(r) {
    r.sp();
    const mechanism = r.atom().toUpperCase();
    let initial: Uint8Array | null = null;
    if (r.eat(' ')) initial = decodeBase64(r.atom('='));
    return { mechanism, initial };
  },
  async run(s, tag, a) {
    const ex = s.ctx.auth.start(a.mechanism, s.authConnection());
    if (!ex) {
      if (!s.secure && !s.conn.listener.allow_plaintext_auth) throw new ImapNo('Use STARTTLS first', 'PRIVACYREQUIRED');
      throw new ImapNo(`Unsupported mechanism ${a.mechanism}`, 'CANNOT');
    }
    let step = await ex.step(a.initial);
    while (step.kind === 'challenge') {
      s.write(`+ ${Buffer.from(step.data).toString('base64')}\r\n`);
      s.flush();
      const line = await s.readLine();
      if (line === null) return;
      if (line === 'too-long') {
        step = ex.cancel();
        throw new ImapNo('Response too long', 'TOOBIG', 'BAD');
      }
      const text = line.toString('latin1').trim();
      if (text === '*') {
        step = ex.cancel();
        break;
      }
      let data: Uint8Array;
      try {
        data = decodeBase64(text);
      } catch {
        ex.cancel();
        throw new ImapNo('Invalid base64 in the response', undefined, 'BAD');
      }
      step = await ex.step(data);
    }
    if (step.kind === 'success' && step.data && step.data.length > 0) {
      // RFC 4422 §5: additional data with success goes out as a final challenge answered empty.
      s.write(`+ ${Buffer.from(step.data).toString('base64')}\r\n`);
      s.flush();
      const line = await s.readLine();
      if (line === null) return;
    }
    await finishLogin(s, tag, step, `AUTHENTICATE ${a.mechanism}`);
  },
});
