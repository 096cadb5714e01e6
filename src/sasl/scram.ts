// SCRAM (RFC 5802) with SHA-1 and SHA-256 (RFC 7677), with and without channel binding (-PLUS:
// tls-exporter per RFC 9266, tls-server-end-point per RFC 5929), the server side as a step machine:
//   client-first  → server-first (r=,s=,i=)
//   client-final  → success with server-final (v=) as additional data, or a server-final with
//                   e= sent as a challenge, after which any response (or "*") fails the exchange.
// The server keeps only StoredKey and ServerKey (RFC 5802 §3), computed when the password is set,
// so SCRAM works without the cleartext. Unknown users (and accounts without SCRAM keys) get a
// stand-in salt derived from a server secret and the user name, stable across attempts, and fail
// at the proof like a wrong password (no account enumeration).
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { channelBindingData } from './channel-binding.ts';
import { cancelled, fail, maxIdentityBytes, utf8, type MechanismEnv } from './mechanism.ts';
import { saslprep } from './saslprep.ts';
import type { SaslExchange, SaslStep } from './types.ts';

export type ScramHash = 'sha1' | 'sha256';

/** What accounts.credentials keeps per SCRAM hash, base 64 encoded. */
export interface ScramCredential { salt: string; iterations: number; storedKey: string; serverKey: string }

/** The key of accounts.credentials for each hash. */
export const scramCredentialKey: Record<ScramHash, string> = { sha1: 'scram-sha-1', sha256: 'scram-sha-256' };

const hashLen: Record<ScramHash, number> = { sha1: 20, sha256: 32 };

const hmac = (h: ScramHash, key: Buffer, data: string | Buffer) => createHmac(h, key).update(data).digest();
const H = (h: ScramHash, data: Buffer) => createHash(h).update(data).digest();

/** RFC 5802 §3: SaltedPassword, ClientKey, StoredKey, ServerKey from a password. */
export function deriveScramKeys(h: ScramHash, password: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer; clientKey: Buffer } {
  // RFC 5802 §2.2 Normalize(): SASLprep as a stored string; fall back to the raw string.
  const prepped = saslprep(password);
  const salted = pbkdf2Sync(Buffer.from(prepped.ok ? prepped.value : password, 'utf8'), salt, iterations, hashLen[h], h);
  const clientKey = hmac(h, salted, 'Client Key');
  return { clientKey, storedKey: H(h, clientKey), serverKey: hmac(h, salted, 'Server Key') };
}

export function makeScramCredential(h: ScramHash, password: string, iterations: number, salt: Buffer = randomBytes(16)): ScramCredential {
  const k = deriveScramKeys(h, password, salt, iterations);
  return { salt: salt.toString('base64'), iterations, storedKey: k.storedKey.toString('base64'), serverKey: k.serverKey.toString('base64') };
}

function readCredential(raw: unknown, h: ScramHash): { salt: Buffer; iterations: number; storedKey: Buffer; serverKey: Buffer } | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const c = raw as Partial<ScramCredential>;
  if (typeof c.salt !== 'string' || typeof c.storedKey !== 'string' || typeof c.serverKey !== 'string' || !Number.isInteger(c.iterations)) return undefined;
  const storedKey = Buffer.from(c.storedKey, 'base64');
  const serverKey = Buffer.from(c.serverKey, 'base64');
  if (storedKey.length !== hashLen[h] || serverKey.length !== hashLen[h]) return undefined;
  return { salt: Buffer.from(c.salt, 'base64'), iterations: c.iterations!, storedKey, serverKey };
}

/** RFC 5802 §5.1: saslname encodes "," as "=2C" and "=" as "=3D"; any other "=" is invalid. */
export function decodeSaslname(s: string): string | undefined {
  if (/=(?!2C|3D)/.test(s)) return undefined;
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma). */
const printableNonce = /^[\x21-\x2B\x2D-\x7E]+$/;
const base64Value = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface ClientFirst {
  gs2Header: string;
  cbFlag: 'n' | 'y' | 'p';
  cbName: string | undefined;
  authzid: string;
  username: string;
  bare: string;
  nonce: string;
}

type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; detail: string };

/** RFC 5802 §7: client-first-message = gs2-header client-first-message-bare. */
export function parseClientFirst(msg: string): ParseResult<ClientFirst> {
  const bad = (error: string, detail: string): ParseResult<ClientFirst> => ({ ok: false, error, detail });
  const m = /^(n|y|p=([A-Za-z0-9.-]+)),(a=[^,]*)?,(.*)$/s.exec(msg);
  if (!m) return bad('other-error', 'client-first: bad gs2-header');
  const gs2Header = msg.slice(0, msg.length - m[4]!.length);
  const authzid = m[3] === undefined ? '' : decodeSaslname(m[3].slice(2));
  if (authzid === undefined) return bad('invalid-username-encoding', 'client-first: bad authzid encoding');
  const bare = m[4]!;
  const attrs = bare.split(',');
  // RFC 5802 §5.1 m=: reserved for mandatory extensions; a server that does not know it fails.
  if (attrs[0]?.startsWith('m=')) return bad('extensions-not-supported', 'client-first: mandatory extension');
  if (!attrs[0]?.startsWith('n=') || !attrs[1]?.startsWith('r=')) return bad('other-error', 'client-first: expected n= then r=');
  const username = decodeSaslname(attrs[0].slice(2));
  if (username === undefined || username === '') return bad('invalid-username-encoding', 'client-first: bad user name encoding');
  const nonce = attrs[1].slice(2);
  if (!printableNonce.test(nonce)) return bad('other-error', 'client-first: nonce not printable');
  const cbFlag = m[1]!.startsWith('p=') ? 'p' : (m[1] as 'n' | 'y');
  return { ok: true, value: { gs2Header, cbFlag, cbName: m[2], authzid, username, bare, nonce } };
}

interface ClientFinal { channelBinding: string; nonce: string; proof: string; withoutProof: string }

/** RFC 5802 §7: client-final-message = channel-binding "," nonce ["," extensions] "," proof. */
export function parseClientFinal(msg: string): ParseResult<ClientFinal> {
  const bad = (detail: string): ParseResult<ClientFinal> => ({ ok: false, error: 'invalid-encoding', detail });
  const idx = msg.lastIndexOf(',p=');
  if (idx < 0) return bad('client-final: no proof');
  const withoutProof = msg.slice(0, idx);
  const proof = msg.slice(idx + 3);
  const attrs = withoutProof.split(',');
  if (!attrs[0]?.startsWith('c=') || !attrs[1]?.startsWith('r=')) return bad('client-final: expected c= then r=');
  const channelBinding = attrs[0].slice(2);
  if (!base64Value.test(channelBinding) || !base64Value.test(proof) || proof === '') return bad('client-final: bad base 64');
  return { ok: true, value: { channelBinding, nonce: attrs[1].slice(2), proof, withoutProof } };
}

function constantEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A SCRAM server exchange for one of SCRAM-SHA-1, SCRAM-SHA-1-PLUS, SCRAM-SHA-256, SCRAM-SHA-256-PLUS. */
export function scramExchange(mechanism: string, h: ScramHash, plus: boolean, env: MechanismEnv, opts: { nonce?: string } = {}): SaslExchange {
  type State =
    | { kind: 'start'; challenged: boolean }
    | {
      kind: 'first-sent'; first: ClientFirst; serverFirst: string; nonce: string; cbData: Buffer | undefined;
      cred: ReturnType<typeof readCredential>; account: Awaited<ReturnType<MechanismEnv['findAccount']>>;
    }
    | { kind: 'error-sent'; detail: string; authcid: string }
    | { kind: 'done' };
  let state: State = { kind: 'start', challenged: false };

  /** RFC 5802 §7 server-error: sent as the server-final message, then the exchange fails. */
  const serverError = (error: string, detail: string, authcid: string): SaslStep => {
    state = { kind: 'error-sent', detail, authcid };
    return { kind: 'challenge', data: Buffer.from(`e=${error}`), failure: { kind: 'failure', reason: 'invalid-credentials', detail, authcid } };
  };

  const first = async (msg: string): Promise<SaslStep> => {
    const p = parseClientFirst(msg);
    if (!p.ok) return fail('malformed', p.detail);
    const cf = p.value;
    const authcid = cf.username;
    if (Buffer.byteLength(authcid) > maxIdentityBytes) return fail('malformed', 'user name too long');
    // RFC 5802 §6: channel-binding negotiation and the downgrade check.
    let cbData: Buffer | undefined;
    if (plus) {
      if (cf.cbFlag !== 'p') return fail('malformed', `${mechanism} needs a p= channel-binding flag`, authcid);
      cbData = channelBindingData(env.conn.tlsSocket, cf.cbName!);
      if (!cbData) return fail('malformed', `channel binding "${cf.cbName}" is not available on this connection`, authcid);
    } else if (cf.cbFlag === 'p') {
      return fail('malformed', `client asks for channel binding with ${mechanism}`, authcid);
    }
    // A "y" flag while -PLUS is offered (an attacker may have removed -PLUS from the
    // advertisement, RFC 5802 §6) fails at the final step with e=server-does-support-channel-binding.
    const account = await env.findAccount(authcid);
    const cred = account && !account.disabled ? readCredential(account.credentials[scramCredentialKey[h]], h) : undefined;
    const salt = cred?.salt ?? createHmac('sha256', env.secret).update(`${h}\0${authcid.toLowerCase()}`).digest().subarray(0, 16);
    const iterations = cred?.iterations ?? env.settings.scram_iterations;
    const nonce = cf.nonce + (opts.nonce ?? randomBytes(24).toString('base64'));
    const serverFirst = `r=${nonce},s=${salt.toString('base64')},i=${iterations}`;
    state = { kind: 'first-sent', first: cf, serverFirst, nonce, cbData, cred, account };
    return { kind: 'challenge', data: Buffer.from(serverFirst) };
  };

  const final = async (msg: string, s: Extract<State, { kind: 'first-sent' }>): Promise<SaslStep> => {
    const authcid = s.first.username;
    const p = parseClientFinal(msg);
    if (!p.ok) return serverError(p.error, p.detail, authcid);
    const cf = p.value;
    if (s.first.cbFlag === 'y' && env.offersPlus) return serverError('server-does-support-channel-binding', 'client sent "y" but -PLUS is offered (downgrade?)', authcid);
    // RFC 5802 §5.1 c=: base64 of the gs2-header and, with -PLUS, the channel-binding data.
    const expectedCb = Buffer.concat([Buffer.from(s.first.gs2Header), s.cbData ?? Buffer.alloc(0)]);
    if (!constantEqual(Buffer.from(cf.channelBinding, 'base64'), expectedCb)) {
      return serverError('channel-bindings-dont-match', 'channel binding data differ', authcid);
    }
    if (!constantEqual(Buffer.from(cf.nonce), Buffer.from(s.nonce))) return serverError('other-error', 'nonce differs from the combined nonce', authcid);
    const authMessage = `${s.first.bare},${s.serverFirst},${cf.withoutProof}`;
    const proof = Buffer.from(cf.proof, 'base64');
    if (!s.cred || proof.length !== hashLen[h]) {
      // Unknown user or no SCRAM keys: the same work and the same answer as a wrong password.
      const dummy = Buffer.alloc(hashLen[h]);
      constantEqual(H(h, hmac(h, dummy, authMessage)), dummy);
      return serverError('invalid-proof', s.account ? 'account has no SCRAM keys or is disabled' : 'unknown user', authcid);
    }
    // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); check H(ClientKey).
    const signature = hmac(h, s.cred.storedKey, authMessage);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!constantEqual(H(h, clientKey), s.cred.storedKey)) return serverError('invalid-proof', 'wrong password', authcid);
    const authz = await env.authorize(s.account!, authcid, s.first.authzid);
    if (authz.kind !== 'success') return serverError('invalid-proof', authz.kind === 'failure' ? authz.detail : 'authorization failed', authcid);
    const serverSignature = hmac(h, s.cred.serverKey, authMessage);
    state = { kind: 'done' };
    return { ...authz, data: Buffer.from(`v=${serverSignature.toString('base64')}`) };
  };

  return {
    mechanism,
    async step(response) {
      const s = state;
      if (s.kind === 'error-sent') {
        state = { kind: 'done' };
        return fail('invalid-credentials', s.detail, s.authcid);
      }
      if (s.kind === 'done') return fail('malformed', 'exchange already finished');
      if (s.kind === 'start') {
        if (response === null) {
          if (s.challenged) return fail('malformed', 'no client-first message');
          state = { kind: 'start', challenged: true };
          return { kind: 'challenge', data: new Uint8Array(0) };
        }
        const msg = utf8(response);
        if (msg === undefined) return fail('malformed', 'client-first is not UTF-8');
        return first(msg);
      }
      const msg = response === null ? undefined : utf8(response);
      if (msg === undefined) return serverError('invalid-encoding', 'client-final is not UTF-8', s.first.username);
      return final(msg, s);
    },
    cancel() {
      // A client that got e= may answer "*": that is still a failed proof for the throttle.
      if (state.kind === 'error-sent') return fail('invalid-credentials', state.detail, state.authcid);
      return cancelled();
    },
  };
}
