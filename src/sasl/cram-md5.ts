// CRAM-MD5 (RFC 2195), off by default (auth.mechanisms must list it). The server needs a secret
// from which HMAC-MD5(password, challenge) can be computed. Decision: we store the HMAC-MD5 key
// schedule (the MD5 states after K xor ipad and K xor opad, RFC 2104 §4) in
// accounts.credentials["cram-md5"], in Dovecot's {CRAM-MD5} layout, computed when a password is
// set while CRAM-MD5 is enabled (or at the next password login after enabling it). It is not
// the cleartext, but it is password-equivalent for CRAM-MD5 and an unsalted MD5 state, so it is
// weaker than the argon2id hash: that is why the mechanism is off by default. The key is the raw
// password (no SASLprep), as CRAM-MD5 clients and Dovecot compute it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { cancelled, fail, maxIdentityBytes, utf8, type MechanismEnv } from './mechanism.ts';
import { decodeStates, encodeStates, hmacMd5FromStates, hmacMd5States } from './md5.ts';
import type { SaslExchange, SaslStep } from './types.ts';

export const cramMd5CredentialKey = 'cram-md5';

export function cramMd5Secret(password: string): string {
  return encodeStates(hmacMd5States(Buffer.from(password, 'utf8')));
}

export function cramMd5Exchange(env: MechanismEnv, opts: { hostname?: string; challenge?: string } = {}): SaslExchange {
  // RFC 2195 §2: the challenge is a unique msg-id, "<random.timestamp@hostname>".
  const challenge = opts.challenge ?? `<${randomBytes(12).toString('hex')}.${Date.now()}@${opts.hostname ?? 'localhost'}>`;
  let sent = false;
  let done = false;
  return {
    mechanism: 'CRAM-MD5',
    async step(response): Promise<SaslStep> {
      if (done) return fail('malformed', 'exchange already finished');
      if (!sent) {
        // CRAM-MD5 is server-first: an initial response is a protocol error (RFC 4422 §4).
        sent = true;
        if (response !== null && response.length > 0) {
          done = true;
          return fail('malformed', 'CRAM-MD5 takes no initial response');
        }
        return { kind: 'challenge', data: Buffer.from(challenge) };
      }
      done = true;
      const msg = response === null ? undefined : utf8(response);
      // RFC 2195 §2: user name, a space, and 32 lower-case hex digits.
      const m = msg === undefined ? null : /^(.+) ([0-9a-f]{32})$/s.exec(msg);
      if (!m || Buffer.byteLength(m[1]!) > maxIdentityBytes) return fail('malformed', 'CRAM-MD5 response is not "user digest"');
      const user = m[1]!;
      const account = await env.findAccount(user);
      const states = account && !account.disabled ? decodeStates(String(account.credentials[cramMd5CredentialKey] ?? '')) : undefined;
      // Unknown user or no CRAM-MD5 secret: the same work with a throw-away key, the same answer.
      const expected = hmacMd5FromStates(states ?? hmacMd5States(randomBytes(16)), Buffer.from(challenge));
      const ok = timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) && states !== undefined;
      if (!ok) return fail('invalid-credentials', account ? (states ? 'wrong password' : 'no CRAM-MD5 secret stored') : 'unknown user', user);
      return env.authorize(account!, user, '');
    },
    cancel: cancelled,
  };
}
