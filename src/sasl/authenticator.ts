// The default Authenticator: PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login) against the
// store's argon2id hashes. Wrong password and unknown user take the same path and the same time
// (a dummy hash is verified for unknown users), so answers do not reveal which accounts exist.
import type { Store } from '../store/index.ts';
import { hashPassword, verifyArgon2id } from './password.ts';
import type { AuthConnection, Authenticator, SaslExchange, SaslStep } from './types.ts';

const fail = (reason: 'invalid-credentials' | 'malformed', detail: string): SaslStep => ({ kind: 'failure', reason, detail });

export class PasswordAuthenticator implements Authenticator {
  private readonly store: Store;
  private dummyHash: Promise<string> | undefined;

  constructor(store: Store) {
    this.store = store;
  }

  mechanisms(conn: AuthConnection): string[] {
    return conn.secure || conn.allowPlaintext ? ['PLAIN', 'LOGIN'] : [];
  }

  start(mechanism: string, conn: AuthConnection): SaslExchange | undefined {
    const mech = mechanism.toUpperCase();
    if (!this.mechanisms(conn).includes(mech)) return undefined;
    if (mech === 'PLAIN') return this.plain(conn);
    if (mech === 'LOGIN') return this.login(conn);
    return undefined;
  }

  async verifyPassword(username: string, password: string, _conn: AuthConnection): Promise<SaslStep> {
    const account = await this.store.getAccount(username);
    if (!account || account.disabled || account.passwordHash === null) {
      this.dummyHash ??= hashPassword('postern-dummy-password');
      await verifyArgon2id(password, await this.dummyHash);
      return fail('invalid-credentials', account ? 'account disabled or without password' : 'unknown user');
    }
    if (!(await verifyArgon2id(password, account.passwordHash))) return fail('invalid-credentials', 'wrong password');
    return { kind: 'success', account, authcid: account.address };
  }

  /** RFC 4616 §2: message = [authzid] NUL authcid NUL passwd. */
  private plain(conn: AuthConnection): SaslExchange {
    let started = false;
    return {
      mechanism: 'PLAIN',
      step: async (response) => {
        if (response === null) {
          if (started) return fail('malformed', 'empty response');
          started = true;
          return { kind: 'challenge', data: new Uint8Array(0) };
        }
        const parts = Buffer.from(response).toString('utf8').split('\0');
        if (parts.length !== 3) return fail('malformed', 'PLAIN message is not authzid NUL authcid NUL passwd');
        const [authzid, authcid, passwd] = parts as [string, string, string];
        if (!authcid || authcid.length > 255 || passwd.length > 1024) return fail('malformed', 'PLAIN authcid or password empty or too long');
        const r = await this.verifyPassword(authcid, passwd, conn);
        // A user may act only as itself (RFC 4422 §3.4.1); proxy rights are not granted by default.
        if (r.kind === 'success' && authzid && authzid.toLowerCase() !== r.account.address.toLowerCase()) {
          return fail('invalid-credentials', 'authorization identity differs from authentication identity');
        }
        return r;
      },
      cancel: () => ({ kind: 'failure', reason: 'aborted', detail: 'client cancelled' }),
    };
  }

  /** LOGIN: the server asks "Username:" then "Password:"; an initial response is the user name. */
  private login(conn: AuthConnection): SaslExchange {
    let user: string | undefined;
    let asked = false;
    return {
      mechanism: 'LOGIN',
      step: async (response) => {
        if (user === undefined) {
          if (response === null) {
            if (asked) return fail('malformed', 'empty user name');
            asked = true;
            return { kind: 'challenge', data: Buffer.from('Username:') };
          }
          user = Buffer.from(response).toString('utf8');
          if (!user || user.length > 255) return fail('malformed', 'LOGIN user name empty or too long');
          return { kind: 'challenge', data: Buffer.from('Password:') };
        }
        const pass = response === null ? '' : Buffer.from(response).toString('utf8');
        if (pass.length > 1024) return fail('malformed', 'password too long');
        return this.verifyPassword(user, pass, conn);
      },
      cancel: () => ({ kind: 'failure', reason: 'aborted', detail: 'client cancelled' }),
    };
  }
}
