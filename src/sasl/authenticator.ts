// The default Authenticator: every SASL mechanism (RFC 4422) against the store, behind one guard
// that applies brute-force throttling, per-connection attempt limits and the structured log
// events auth.succeeded / auth.failed / auth.blocked (never the secret).
//
// Security notes:
// - Wrong password and unknown user give the same failure and take the same time: for an unknown
//   user a dummy argon2id hash with the configured parameters is verified. (An account still on a
//   migrated hash format is verified with that format's cost until its first login rehashes it.)
// - Before TLS nothing is offered unless the listener sets allow_plaintext_auth: PLAIN and LOGIN
//   reveal the password, and even SCRAM and CRAM-MD5 exchanges let an eavesdropper run an offline
//   dictionary attack.
// - A user may act only as itself; accounts in auth.master_users may authorize as anyone.
import { randomBytes } from 'node:crypto';
import { defaultAuthSettings } from '../config/index.ts';
import { silentLogger, type Logger } from '../observe/index.ts';
import type { Account, Store } from '../store/index.ts';
import { checkAppPassword } from './app-passwords.ts';
import { availableChannelBindings } from './channel-binding.ts';
import { cramMd5CredentialKey, cramMd5Exchange } from './cram-md5.ts';
import { argon2FromSettings, makePasswordRecord, recordOptionsFromSettings, type PasswordRecordOptions } from './credentials.ts';
import { externalExchange } from './external.ts';
import { verifyStoredPassword } from './hash-formats.ts';
import { fail, maxIdentityBytes, maxPasswordBytes, type AuthSettings, type MechanismEnv } from './mechanism.ts';
import { oauthBearerExchange } from './oauthbearer.ts';
import { hashPassword } from './password.ts';
import { loginExchange, plainExchange } from './plain.ts';
import { saslprep } from './saslprep.ts';
import { scramCredentialKey, scramExchange } from './scram.ts';
import { AuthThrottle } from './throttle.ts';
import type { AuthConnection, Authenticator, SaslExchange, SaslStep } from './types.ts';

export interface AuthenticatorOptions {
  /** The [auth] table; defaults to every key's default. */
  settings?: AuthSettings;
  log?: Logger;
  /** Injectable time (ctx.clock), for the throttle's windows and blocks. */
  now?: () => Date;
  /** How a failure is delayed; tests pass one that records the delay and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Secret for SCRAM's stand-in salts of unknown users; random per process by default. */
  secret?: Buffer;
  /** HTTP client for OAUTHBEARER introspection. */
  fetch?: typeof fetch;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => {
  if (ms <= 0) return resolve();
  setTimeout(resolve, ms).unref();
});

const connKey = (conn: AuthConnection): object => conn.tlsSocket ?? conn;

export class PasswordAuthenticator implements Authenticator {
  private readonly store: Store;
  private readonly settings: AuthSettings;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly secret: Buffer;
  private readonly fetchFn: typeof fetch;
  private readonly masters: Set<string>;
  private dummyHash: Promise<string> | undefined;
  /**
   * Failed attempts per connection, keyed by the TLS socket when there is one (protocols may build
   * a fresh AuthConnection per command), else by the AuthConnection object itself.
   */
  private readonly connFailures = new WeakMap<object, number>();
  readonly throttle: AuthThrottle;
  readonly maxAttemptsPerConnection: number;
  /** How new hashes and keys are made (argon2 parameters, SCRAM iterations, CRAM-MD5 on/off). */
  readonly recordOptions: PasswordRecordOptions;

  constructor(store: Store, opts: AuthenticatorOptions = {}) {
    this.store = store;
    this.settings = opts.settings ?? defaultAuthSettings();
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
    this.sleep = opts.sleep ?? defaultSleep;
    this.secret = opts.secret ?? randomBytes(32);
    this.fetchFn = opts.fetch ?? fetch;
    this.masters = new Set(this.settings.master_users.map((m) => m.toLowerCase()));
    this.maxAttemptsPerConnection = this.settings.max_attempts_per_connection;
    this.recordOptions = recordOptionsFromSettings(this.settings);
    const s = this.settings;
    this.throttle = new AuthThrottle({
      failureWindowMs: s.failure_window,
      delayAfterFailures: s.delay_after_failures,
      delayBaseMs: s.delay_base,
      delayMaxMs: s.delay_max,
      ipBlockAfter: s.ip_block_after,
      accountBlockAfter: s.account_block_after,
      blockDurationMs: s.block_duration,
      maxTracked: s.max_tracked,
    }, () => this.now().getTime());
  }

  mechanisms(conn: AuthConnection): string[] {
    // Nothing before TLS unless the listener allows it (see the header).
    if (!conn.secure && !conn.allowPlaintext) return [];
    const list = (conn.listener !== undefined ? this.settings.listener_mechanisms[conn.listener] : undefined) ?? this.settings.mechanisms;
    const plusOk = conn.secure && availableChannelBindings(conn.tlsSocket).length > 0;
    return list.filter((m) => {
      if (m.endsWith('-PLUS')) return plusOk;
      if (m === 'EXTERNAL') return conn.secure && conn.tlsSocket !== undefined && conn.listener !== undefined && this.settings.external_listeners.includes(conn.listener);
      if (m === 'OAUTHBEARER') return this.settings.oauth_introspection_url !== undefined;
      return true;
    });
  }

  /** Failed attempts still allowed on this connection; the protocol closes it at 0. */
  attemptsLeft(conn: AuthConnection): number {
    return Math.max(0, this.maxAttemptsPerConnection - (this.connFailures.get(connKey(conn)) ?? 0));
  }

  start(mechanism: string, conn: AuthConnection): SaslExchange | undefined {
    const mech = mechanism.toUpperCase();
    const offered = this.mechanisms(conn);
    if (!offered.includes(mech)) return undefined;
    const env = this.env(conn, offered.some((m) => m.endsWith('-PLUS')));
    let inner: SaslExchange;
    switch (mech) {
      case 'PLAIN': inner = plainExchange(env); break;
      case 'LOGIN': inner = loginExchange(env); break;
      case 'SCRAM-SHA-256': inner = scramExchange(mech, 'sha256', false, env); break;
      case 'SCRAM-SHA-256-PLUS': inner = scramExchange(mech, 'sha256', true, env); break;
      case 'SCRAM-SHA-1': inner = scramExchange(mech, 'sha1', false, env); break;
      case 'SCRAM-SHA-1-PLUS': inner = scramExchange(mech, 'sha1', true, env); break;
      case 'CRAM-MD5': inner = cramMd5Exchange(env, { hostname: conn.hostname }); break;
      case 'EXTERNAL': inner = externalExchange(env); break;
      case 'OAUTHBEARER': inner = oauthBearerExchange(env); break;
      default: return undefined;
    }
    return this.guard(inner, conn);
  }

  async verifyPassword(username: string, password: string, conn: AuthConnection): Promise<SaslStep> {
    const mechanism = 'LOGIN-COMMAND';
    const pre = this.preCheck(conn, mechanism);
    if (pre) return pre;
    let r: SaslStep;
    if (Buffer.byteLength(username) > maxIdentityBytes || Buffer.byteLength(password) > maxPasswordBytes || username === '') {
      r = fail('malformed', 'user name or password empty or too long', username || undefined);
    } else {
      const env = this.env(conn, false);
      r = await env.checkPassword(username, password);
      if (r.kind === 'success') r = await env.authorize(r.account, username, '');
    }
    return this.conclude(r, conn, mechanism);
  }

  /** Refuses at once when the connection used up its attempts or the client IP is blocked. */
  private preCheck(conn: AuthConnection, mechanism: string): SaslStep | undefined {
    if (this.attemptsLeft(conn) === 0) return fail('throttled', 'too many failed attempts on this connection');
    const blocked = this.throttle.check(conn.remoteAddress);
    if (blocked.blocked) {
      this.log.warn('auth.failed', { ip: conn.remoteAddress, protocol: conn.protocol, mechanism, reason: 'throttled', detail: `client ${blocked.key} blocked` });
      return fail('throttled', `client ${blocked.key} blocked until ${new Date(blocked.untilMs).toISOString()}`);
    }
    return undefined;
  }

  /** Wraps an exchange so that its outcome is throttled and logged in one place. */
  private guard(inner: SaslExchange, conn: AuthConnection): SaslExchange {
    let started = false;
    let finished = false;
    /** The concluded failure of an error challenge (SCRAM e=): what any next step gets. */
    let announced: SaslStep | undefined;
    return {
      mechanism: inner.mechanism,
      step: async (response) => {
        if (finished) return fail('malformed', 'exchange already finished');
        if (announced) {
          finished = true;
          return announced;
        }
        if (!started) {
          started = true;
          const pre = this.preCheck(conn, inner.mechanism);
          if (pre) {
            finished = true;
            return pre;
          }
        }
        let r: SaslStep;
        try {
          r = await inner.step(response);
        } catch (err) {
          this.log.error('auth.error', { ip: conn.remoteAddress, mechanism: inner.mechanism, err });
          r = fail('temporary', `internal error: ${(err as Error).message}`);
        }
        if (r.kind === 'challenge') {
          if (!r.failure) return r;
          // Count the failure now: a client may hang up instead of answering the error.
          const concluded = await this.conclude(r.failure, conn, inner.mechanism);
          if (concluded.kind === 'failure' && concluded.reason !== r.failure.reason) {
            finished = true;
            return concluded; // e.g. the account is blocked: "try later" instead of the error
          }
          announced = concluded;
          return { kind: 'challenge', data: r.data };
        }
        finished = true;
        return this.conclude(r, conn, inner.mechanism);
      },
      cancel: () => {
        if (announced) {
          finished = true;
          return announced;
        }
        const r = inner.cancel();
        if (!finished) {
          finished = true;
          void this.conclude(r, conn, inner.mechanism, { noDelay: true });
        }
        return r;
      },
    };
  }

  /** Applies throttling, counters and logs to a finished exchange's outcome. */
  private async conclude(r: SaslStep, conn: AuthConnection, mechanism: string, opts: { noDelay?: boolean } = {}): Promise<SaslStep> {
    const ip = conn.remoteAddress;
    const base = { ip, protocol: conn.protocol, mechanism };
    if (r.kind === 'success') {
      // A blocked account gets "try later" even with the right password: the block is no oracle.
      const blocked = this.throttle.check(ip, r.authcid);
      if (blocked.blocked) {
        this.log.warn('auth.failed', { ...base, username: r.authcid, reason: 'throttled', detail: `${blocked.key} blocked` });
        return fail('throttled', `${blocked.key} blocked`, r.authcid);
      }
      this.throttle.recordSuccess(r.authcid);
      if (r.authcid.toLowerCase() !== r.account.address.toLowerCase()) this.throttle.recordSuccess(r.account.address);
      this.connFailures.delete(connKey(conn));
      this.log.info('auth.succeeded', { ...base, username: r.authcid, account: r.account.address });
      return r;
    }
    if (r.kind !== 'failure') return r;
    this.connFailures.set(connKey(conn), (this.connFailures.get(connKey(conn)) ?? 0) + 1);
    if (r.reason === 'throttled') return r;
    if (r.reason === 'temporary') {
      this.log.warn('auth.error', { ...base, username: r.authcid, reason: r.reason, detail: r.detail });
      return r;
    }
    if (r.reason !== 'invalid-credentials') {
      this.log.info('auth.failed', { ...base, username: r.authcid, reason: r.reason, detail: r.detail });
      return r;
    }
    const blockedBefore = r.authcid !== undefined && this.throttle.check(ip, r.authcid).blocked;
    const outcome = this.throttle.recordFailure(ip, r.authcid);
    this.log.warn('auth.failed', { ...base, username: r.authcid, reason: r.reason, detail: r.detail, failures: outcome.ipFailures });
    for (const which of outcome.newlyBlocked) {
      this.log.warn('auth.blocked', { ...base, username: r.authcid, blocked: which, failures: which === 'ip' ? outcome.ipFailures : outcome.accountFailures, duration_ms: this.settings.block_duration });
    }
    if (!opts.noDelay && outcome.delayMs > 0) await this.sleep(outcome.delayMs);
    return blockedBefore ? fail('throttled', 'account blocked', r.authcid) : r;
  }

  private env(conn: AuthConnection, offersPlus: boolean): MechanismEnv {
    return {
      settings: this.settings,
      conn,
      offersPlus,
      secret: this.secret,
      fetch: this.fetchFn,
      findAccount: (u) => this.findAccount(u),
      checkPassword: (u, p) => this.checkPassword(u, p, conn),
      authorize: (a, c, z) => this.authorize(a, c, z),
    };
  }

  private async findAccount(username: string): Promise<Account | undefined> {
    const p = saslprep(username);
    if (!p.ok || p.value === '' || !p.value.includes('@')) return undefined;
    return this.store.getAccount(p.value);
  }

  /** RFC 4422 §3.4.1: an empty authzid (or one equal to the user) acts as itself; others need a master right. */
  private async authorize(authenticated: Account, authcid: string, authzid: string): Promise<SaslStep> {
    const z = authzid === '' ? '' : saslprep(authzid);
    const target = z === '' ? '' : z.ok ? z.value : undefined;
    if (target === undefined) return fail('invalid-credentials', 'authzid fails SASLprep', authcid);
    if (target === '' || target.toLowerCase() === authenticated.address.toLowerCase()) return { kind: 'success', account: authenticated, authcid };
    if (!this.masters.has(authenticated.address.toLowerCase())) return fail('invalid-credentials', `not allowed to act as ${target}`, authcid);
    const account = await this.findAccount(target);
    if (!account || account.disabled) return fail('invalid-credentials', `authzid ${target} is not a usable account`, authcid);
    return { kind: 'success', account, authcid };
  }

  private async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= hashPassword('postern-dummy-password', argon2FromSettings(this.settings));
    await verifyStoredPassword(password, await this.dummyHash, argon2FromSettings(this.settings));
  }

  /** Main password or app password; unknown users verify a dummy hash (same time, same answer). */
  private async checkPassword(username: string, password: string, conn: AuthConnection): Promise<SaslStep> {
    const account = await this.findAccount(username);
    if (!account || account.disabled || account.passwordHash === null) {
      await this.verifyDummy(password);
      return fail('invalid-credentials', account ? 'account disabled or without password' : 'unknown user', username);
    }
    const app = await checkAppPassword(this.store, account, password, conn.protocol);
    if (app.kind === 'ok') {
      await this.store.touchAppPassword(app.record.id, this.now());
      return { kind: 'success', account, authcid: username };
    }
    if (app.kind === 'wrong-protocol') return fail('invalid-credentials', `app password "${app.record.name}" is not valid for ${conn.protocol}`, username);
    const v = await verifyStoredPassword(password, account.passwordHash, argon2FromSettings(this.settings));
    if (!v.ok) {
      if (v.scheme === 'unknown') await this.verifyDummy(password); // the usual work, the usual answer
      return fail('invalid-credentials', v.scheme === 'unknown' ? 'stored hash in an unknown format' : 'wrong password', username);
    }
    const c = account.credentials;
    const missing = !(scramCredentialKey.sha256 in c) || !(scramCredentialKey.sha1 in c) || (this.recordOptions.cramMd5 === true && !(cramMd5CredentialKey in c));
    if (this.settings.rehash_on_login && (v.needsRehash || missing)) await this.rehash(account, password, v.scheme);
    return { kind: 'success', account, authcid: username };
  }

  /** Replaces a migrated hash with argon2id and SCRAM keys after a successful login. */
  private async rehash(account: Account, password: string, from: string): Promise<void> {
    try {
      const rec = await makePasswordRecord(password, this.recordOptions);
      await this.store.setPassword(account.address, rec.passwordHash, { ...account.credentials, ...rec.credentials });
      this.log.info('auth.rehashed', { username: account.address, from, to: 'argon2id' });
    } catch (err) {
      this.log.warn('auth.rehash_failed', { username: account.address, err });
    }
  }
}
