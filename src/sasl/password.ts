// Password hashing with argon2id (RFC 9106) from node:crypto, stored in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$hash) that Dovecot and libargon2 also read and write.
// Verification compares in constant time.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

/** OWASP's first recommended argon2id setting (19 MiB, 2 passes, 1 lane). */
export const defaultArgon2Params: Argon2Params = { memoryKiB: 19456, passes: 2, parallelism: 1 };

function argon2id(password: string, salt: Buffer, p: Argon2Params, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', { message: password, nonce: salt, parallelism: p.parallelism, tagLength, memory: p.memoryKiB, passes: p.passes }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: Argon2Params = defaultArgon2Params): Promise<string> {
  const salt = randomBytes(16);
  const tag = await argon2id(password, salt, params, 32);
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Verifies against an argon2id PHC string; false (never a throw) for a malformed hash. */
export async function verifyArgon2id(password: string, hash: string): Promise<boolean> {
  const m = phc.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const params = { memoryKiB: Number(m[1]), passes: Number(m[2]), parallelism: Number(m[3]) };
  if (expected.length < 16 || params.memoryKiB > 4 * 1024 * 1024) return false;
  const actual = await argon2id(password, Buffer.from(m[4]!, 'base64'), params, expected.length);
  return timingSafeEqual(actual, expected);
}
