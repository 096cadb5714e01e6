// What every mechanism gets from the Authenticator: the connection, the settings, and the few
// operations that touch accounts and secrets. Mechanisms never see the store or the throttle.
import type { Config } from '../config/index.ts';
import type { Account } from '../store/index.ts';
import type { AuthConnection, AuthFailure, SaslExchange, SaslStep } from './types.ts';

export type AuthSettings = Config['auth'];

export interface MechanismEnv {
  readonly settings: AuthSettings;
  readonly conn: AuthConnection;
  /** True when -PLUS mechanisms are advertised on this connection (SCRAM's downgrade check). */
  readonly offersPlus: boolean;
  /** Per-server secret for the stand-in SCRAM salt of accounts that do not exist. */
  readonly secret: Buffer;
  /** The account of an authentication identity (SASLprep'ed and matched case-insensitively). */
  findAccount(username: string): Promise<Account | undefined>;
  /** Password check: main password or an app password valid for conn.protocol; same failure for unknown user. */
  checkPassword(username: string, password: string): Promise<SaslStep>;
  /** RFC 4422 §3.4.1: the authorization identity; empty means "act as myself". */
  authorize(authenticated: Account, authcid: string, authzid: string): Promise<SaslStep>;
  /** HTTP for OAUTHBEARER token introspection. */
  readonly fetch: typeof fetch;
}

export type MechanismFactory = (env: MechanismEnv) => SaslExchange;

export const fail = (reason: AuthFailure, detail: string, authcid?: string): SaslStep =>
  authcid === undefined ? { kind: 'failure', reason, detail } : { kind: 'failure', reason, detail, authcid };

export const cancelled = (): SaslStep => ({ kind: 'failure', reason: 'aborted', detail: 'client cancelled' });

/** Longest authentication identity or password a mechanism accepts (bytes of UTF-8). */
export const maxIdentityBytes = 255;
export const maxPasswordBytes = 1024;

/** Decodes UTF-8 strictly: undefined for invalid sequences (RFC 4616 §2: UTF-8 encoded). */
export function utf8(data: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}
