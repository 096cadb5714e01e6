// OAUTHBEARER (RFC 7628) with the bearer token checked at an OAuth 2.0 token-introspection
// endpoint (RFC 7662). The introspection response must say "active": true and name the account
// in the configured claim (default "username"); an "exp" in the past is refused. On failure the
// server sends the RFC 7628 §3.2.2 JSON error as a challenge, the client answers with a lone
// %x01, and the exchange fails.
import { cancelled, fail, maxIdentityBytes, utf8, type MechanismEnv } from './mechanism.ts';
import { decodeSaslname } from './scram.ts';
import type { SaslExchange, SaslStep } from './types.ts';

/** RFC 7628 §3.1: gs2-header kvsep *kvpair kvsep, kvpair = key "=" value kvsep, kvsep = %x01. */
export function parseOauthBearer(msg: string): { authzid: string; token: string; fields: Record<string, string> } | string {
  const m = /^(n|y),(a=[^,]*)?,\x01(.*)$/s.exec(msg);
  if (!m) return 'bad gs2-header (channel binding is not defined for OAUTHBEARER)';
  const authzid = m[2] === undefined ? '' : decodeSaslname(m[2].slice(2));
  if (authzid === undefined) return 'bad authzid encoding';
  const rest = m[3]!;
  if (!rest.endsWith('\x01')) return 'message does not end with kvsep';
  const fields: Record<string, string> = {};
  for (const pair of rest.slice(0, -1).split('\x01')) {
    if (pair === '') continue;
    const kv = /^([A-Za-z]+)=([\x21-\x7E \t\r\n]*)$/.exec(pair);
    if (!kv) return 'bad key/value pair';
    fields[kv[1]!.toLowerCase()] = kv[2]!;
  }
  // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
  const auth = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(fields.auth ?? '');
  if (!auth) return 'no "auth=Bearer <token>" value';
  return { authzid, token: auth[1]!, fields };
}

/** RFC 7662 §2: asks the introspection endpoint about a token; the account name or a reason. */
export async function introspect(env: MechanismEnv, token: string): Promise<{ ok: true; username: string } | { ok: false; temporary: boolean; detail: string }> {
  const s = env.settings;
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (s.oauth_client_id !== undefined) {
    // RFC 6749 §2.3.1: client id and secret form-encoded, then HTTP Basic.
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    headers.authorization = `Basic ${Buffer.from(`${enc(s.oauth_client_id)}:${enc(s.oauth_client_secret ?? '')}`).toString('base64')}`;
  }
  let body: unknown;
  try {
    const res = await env.fetch(s.oauth_introspection_url!, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(s.oauth_timeout),
      redirect: 'error',
    });
    if (!res.ok) return { ok: false, temporary: true, detail: `introspection endpoint answered HTTP ${res.status}` };
    body = await res.json();
  } catch (err) {
    return { ok: false, temporary: true, detail: `introspection failed: ${(err as Error).message}` };
  }
  if (!body || typeof body !== 'object') return { ok: false, temporary: true, detail: 'introspection response is not a JSON object' };
  const b = body as Record<string, unknown>;
  if (b.active !== true) return { ok: false, temporary: false, detail: 'token not active' };
  if (typeof b.exp === 'number' && b.exp * 1000 <= Date.now()) return { ok: false, temporary: false, detail: 'token expired' };
  const user = b[s.oauth_username_claim];
  if (typeof user !== 'string' || user === '' || Buffer.byteLength(user) > maxIdentityBytes) {
    return { ok: false, temporary: false, detail: `introspection response has no "${s.oauth_username_claim}"` };
  }
  return { ok: true, username: user };
}

export function oauthBearerExchange(env: MechanismEnv): SaslExchange {
  let state: 'start' | 'challenged' | 'error-sent' | 'done' = 'start';
  let pending: SaslStep | undefined;
  const errorChallenge = (failure: SaslStep): SaslStep => {
    state = 'error-sent';
    pending = failure;
    // RFC 7628 §3.2.2: the server's error, a JSON object; "openid-configuration" is optional.
    return { kind: 'challenge', data: Buffer.from(JSON.stringify({ status: 'invalid_token', scope: 'email' })), ...(failure.kind === 'failure' ? { failure } : {}) };
  };
  return {
    mechanism: 'OAUTHBEARER',
    async step(response): Promise<SaslStep> {
      if (state === 'done') return fail('malformed', 'exchange already finished');
      if (state === 'error-sent') {
        state = 'done';
        return pending!;
      }
      if (response === null) {
        if (state === 'challenged') return fail('malformed', 'no client response');
        state = 'challenged';
        return { kind: 'challenge', data: new Uint8Array(0) };
      }
      const msg = utf8(response);
      if (msg === undefined) return fail('malformed', 'message is not UTF-8');
      const p = parseOauthBearer(msg);
      if (typeof p === 'string') return fail('malformed', p);
      const who = p.authzid || undefined;
      const r = await introspect(env, p.token);
      if (!r.ok) {
        state = 'done';
        if (r.temporary) return fail('temporary', r.detail, who);
        return errorChallenge(fail('invalid-credentials', r.detail, who));
      }
      const account = await env.findAccount(r.username);
      if (!account || account.disabled) return errorChallenge(fail('invalid-credentials', 'token names no usable account', r.username));
      const authz = await env.authorize(account, r.username, p.authzid);
      state = 'done';
      return authz.kind === 'success' ? authz : errorChallenge(authz);
    },
    cancel() {
      if (state === 'error-sent' && pending) return pending;
      return cancelled();
    },
  };
}
