// What is stored when a password is set: the argon2id hash (accounts.password_hash) and, beside
// it, the SCRAM keys for SHA-256 and SHA-1 (accounts.credentials), so that SCRAM works without
// the cleartext. Directory.createUser/setPassword call makePasswordRecord; a successful login with
// an older hash format calls it too (rehash on login).
import { cramMd5CredentialKey, cramMd5Secret } from './cram-md5.ts';
import { scramCredentialKey, makeScramCredential } from './scram.ts';
import { defaultArgon2Params, hashPassword, type Argon2Params } from './password.ts';
import { preparePassword } from './saslprep.ts';
import type { AuthSettings } from './mechanism.ts';

export interface PasswordRecordOptions {
  argon2?: Argon2Params;
  /** PBKDF2 iterations of the SCRAM keys (RFC 7677 §4: at least 4096). */
  scramIterations?: number;
  /** Also store the CRAM-MD5 secret (password-equivalent for CRAM-MD5; only when it is enabled). */
  cramMd5?: boolean;
}

export interface PasswordRecord {
  passwordHash: string;
  credentials: Record<string, unknown>;
}

export function argon2FromSettings(s: AuthSettings): Argon2Params {
  return { memoryKiB: s.argon2_memory_kib, passes: s.argon2_passes, parallelism: s.argon2_parallelism };
}

export function recordOptionsFromSettings(s: AuthSettings): PasswordRecordOptions {
  const cram = s.mechanisms.includes('CRAM-MD5') || Object.values(s.listener_mechanisms).some((l) => l.includes('CRAM-MD5'));
  return { argon2: argon2FromSettings(s), scramIterations: s.scram_iterations, cramMd5: cram };
}

/** Hashes a new password (SASLprep'ed, RFC 4013) and derives the SCRAM keys. */
export async function makePasswordRecord(password: string, opts: PasswordRecordOptions = {}): Promise<PasswordRecord> {
  const iterations = opts.scramIterations ?? 10000;
  const passwordHash = await hashPassword(preparePassword(password), opts.argon2 ?? defaultArgon2Params);
  return {
    passwordHash,
    credentials: {
      [scramCredentialKey.sha256]: makeScramCredential('sha256', password, iterations),
      [scramCredentialKey.sha1]: makeScramCredential('sha1', password, iterations),
      ...(opts.cramMd5 ? { [cramMd5CredentialKey]: cramMd5Secret(password) } : {}),
    },
  };
}
