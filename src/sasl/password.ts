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

/** Verifying a hash with more memory than this is refused (a crafted import must not exhaust RAM). */
const maxVerifyMemoryKiB = 4 * 1024 * 1024;

type Argon2Variant = 'argon2id' | 'argon2i' | 'argon2d';

function runArgon2(variant: Argon2Variant, password: string | Buffer, salt: Buffer, p: Argon2Params, tagLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(variant, { message: password, nonce: salt, parallelism: p.parallelism, tagLength, memory: p.memoryKiB, passes: p.passes }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, params: Argon2Params = defaultArgon2Params): Promise<string> {
  const salt = randomBytes(16);
  const tag = await runArgon2('argon2id', password, salt, params, 32);
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${b64(salt)}$${b64(tag)}`;
}

const phc = /^\$(argon2id|argon2i|argon2d)\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** The parameters of an argon2 PHC string, or undefined when it is not one. */
export function argon2Params(hash: string): (Argon2Params & { variant: Argon2Variant }) | undefined {
  const m = phc.exec(hash);
  if (!m) return undefined;
  return { variant: m[1] as Argon2Variant, memoryKiB: Number(m[2]), passes: Number(m[3]), parallelism: Number(m[4]) };
}

/** Verifies against an argon2 (id, i or d; v=19) PHC string; false (never a throw) for a malformed hash. */
export async function verifyArgon2(password: string | Buffer, hash: string): Promise<boolean> {
  const m = phc.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[6]!, 'base64');
  const params = { memoryKiB: Number(m[2]), passes: Number(m[3]), parallelism: Number(m[4]) };
  if (expected.length < 16 || params.memoryKiB > maxVerifyMemoryKiB || params.passes > 1000 || params.parallelism > 255) return false;
  try {
    const actual = await runArgon2(m[1] as Argon2Variant, password, Buffer.from(m[5]!, 'base64'), params, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters node:crypto refuses (e.g. memory below 8 × parallelism)
  }
}

/** The argon2id-only check of the first version, kept for callers of the old name. */
export async function verifyArgon2id(password: string, hash: string): Promise<boolean> {
  return hash.startsWith('$argon2id$') && verifyArgon2(password, hash);
}
