// PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login-00): the password mechanisms. Both go
// through env.checkPassword, which also accepts app passwords for the connection's protocol and
// answers an unknown user exactly like a wrong password.
import { cancelled, fail, maxIdentityBytes, maxPasswordBytes, utf8, type MechanismEnv } from './mechanism.ts';
import type { SaslExchange, SaslStep } from './types.ts';

/** RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd. */
export function parsePlain(msg: Uint8Array): { authzid: string; authcid: string; passwd: string } | string {
  const parts: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < msg.length; i++) {
    if (msg[i] === 0) {
      parts.push(msg.subarray(start, i));
      start = i + 1;
    }
  }
  parts.push(msg.subarray(start));
  if (parts.length !== 3) return 'PLAIN message is not authzid NUL authcid NUL passwd';
  const [z, c, p] = parts.map(utf8) as [string | undefined, string | undefined, string | undefined];
  if (z === undefined || c === undefined || p === undefined) return 'PLAIN message is not UTF-8';
  // RFC 4616 §2: authcid and passwd are 1 to 255 octets; we allow longer passwords (passphrases).
  if (c.length === 0 || parts[1]!.length > maxIdentityBytes) return 'PLAIN authcid empty or longer than 255 octets';
  if (p.length === 0 || parts[2]!.length > maxPasswordBytes) return 'PLAIN password empty or too long';
  if (parts[0]!.length > maxIdentityBytes) return 'PLAIN authzid longer than 255 octets';
  return { authzid: z, authcid: c, passwd: p };
}

export function plainExchange(env: MechanismEnv): SaslExchange {
  let challenged = false;
  let done = false;
  return {
    mechanism: 'PLAIN',
    async step(response): Promise<SaslStep> {
      if (done) return fail('malformed', 'exchange already finished');
      if (response === null) {
        // RFC 4422 §5: no initial response — send an empty challenge, once.
        if (challenged) return fail('malformed', 'empty response');
        challenged = true;
        return { kind: 'challenge', data: new Uint8Array(0) };
      }
      done = true;
      const m = parsePlain(response);
      if (typeof m === 'string') return fail('malformed', m);
      const r = await env.checkPassword(m.authcid, m.passwd);
      if (r.kind !== 'success') return r;
      return env.authorize(r.account, m.authcid, m.authzid);
    },
    cancel: cancelled,
  };
}

/** LOGIN: the server asks "Username:" then "Password:"; an initial response is the user name. */
export function loginExchange(env: MechanismEnv): SaslExchange {
  let user: string | undefined;
  let asked = false;
  let done = false;
  return {
    mechanism: 'LOGIN',
    async step(response): Promise<SaslStep> {
      if (done) return fail('malformed', 'exchange already finished');
      if (user === undefined) {
        if (response === null || response.length === 0) {
          if (asked) return fail('malformed', 'empty user name');
          asked = true;
          return { kind: 'challenge', data: Buffer.from('Username:') };
        }
        const u = utf8(response);
        if (u === undefined || response.length > maxIdentityBytes || u.includes('\0')) return fail('malformed', 'LOGIN user name not UTF-8 or too long');
        user = u;
        return { kind: 'challenge', data: Buffer.from('Password:') };
      }
      done = true;
      const pass = response === null ? '' : utf8(response);
      if (pass === undefined || (response?.length ?? 0) > maxPasswordBytes) return fail('malformed', 'LOGIN password not UTF-8 or too long', user);
      if (pass === '') return fail('invalid-credentials', 'empty password', user);
      const r = await env.checkPassword(user, pass);
      if (r.kind !== 'success') return r;
      return env.authorize(r.account, user, '');
    },
    cancel: cancelled,
  };
}
