// Verification of the password hash formats found in Dovecot and Postfix set-ups, so that an
// imported account can log in and be rehashed to argon2id on its first successful login:
//   $argon2id$…                  Postern's own (PHC string; the password is SASLprep'ed first)
//   {ARGON2ID} {ARGON2I}         Dovecot's argon2 (PHC string after the scheme)
//   {SHA512-CRYPT} {SHA256-CRYPT} {CRYPT} and bare $6$ / $5$   SHA-crypt (sha-crypt.ts)
//   {BLF-CRYPT} and bare $2a$ / $2b$ / $2y$                  bcrypt (bcrypt.ts)
//   {SSHA512} {SSHA256} {SSHA} {SHA512} {SHA256} {SHA} {SHA1}   salted/unsalted SHA-2/SHA-1,
//                                base 64 (Dovecot's default) or ".HEX"
//   {PBKDF2}$1$salt$rounds$hex   Dovecot's PBKDF2-HMAC-SHA1
//   $pbkdf2-sha512$ / $pbkdf2-sha256$ / $pbkdf2$   passlib's PBKDF2 (adapted base 64)
//   {PLAIN} {CLEARTEXT}          cleartext (imports hash these at once; kept for completeness)
// Imported hashes were computed by other software over the raw password bytes, so they are
// checked against the password as typed (and, failing that, its SASLprep form); Postern's own
// argon2id hashes are computed over the SASLprep form. Every comparison is constant-time.
import { createHash, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);
import { bcryptAsync, bcryptCost } from './bcrypt.ts';
import { argon2Params, verifyArgon2, type Argon2Params } from './password.ts';
import { preparePassword } from './saslprep.ts';
import { shaCryptAsync, shaCryptRounds } from './sha-crypt.ts';

/** Costs above these are refused rather than computed: a hostile import must not stall the server. */
const limits = { bcryptCost: 18, shaCryptRounds: 10_000_000, pbkdf2Rounds: 10_000_000 };

export type HashScheme =
  | 'argon2id' | 'argon2-imported' | 'sha512-crypt' | 'sha256-crypt' | 'bcrypt'
  | 'ssha512' | 'ssha256' | 'ssha' | 'sha512' | 'sha256' | 'sha1' | 'pbkdf2' | 'plain' | 'unknown';

export interface VerifyResult {
  ok: boolean;
  scheme: HashScheme;
  /** True when the hash is not Postern's current argon2id (with the configured parameters). */
  needsRehash: boolean;
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  // Length is not secret (it is fixed by the scheme); the content comparison is constant-time.
  return a.length === b.length && timingSafeEqual(a, b);
}

const strEqual = (a: string, b: string) => safeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Splits "{SCHEME}rest" into its parts; scheme upper-cased, "" when there is none. */
export function splitScheme(stored: string): { scheme: string; rest: string } {
  const m = /^\{([A-Za-z0-9._-]+)\}/.exec(stored);
  return m ? { scheme: m[1]!.toUpperCase(), rest: stored.slice(m[0].length) } : { scheme: '', rest: stored };
}

const shaSchemes: Record<string, { algo: string; len: number; salted: boolean; scheme: HashScheme }> = {
  SSHA512: { algo: 'sha512', len: 64, salted: true, scheme: 'ssha512' },
  SSHA256: { algo: 'sha256', len: 32, salted: true, scheme: 'ssha256' },
  SSHA: { algo: 'sha1', len: 20, salted: true, scheme: 'ssha' },
  SHA512: { algo: 'sha512', len: 64, salted: false, scheme: 'sha512' },
  SHA256: { algo: 'sha256', len: 32, salted: false, scheme: 'sha256' },
  SHA: { algo: 'sha1', len: 20, salted: false, scheme: 'sha1' },
  SHA1: { algo: 'sha1', len: 20, salted: false, scheme: 'sha1' },
};

function verifySha(pw: Buffer, scheme: string, rest: string): boolean | undefined {
  const hex = scheme.endsWith('.HEX');
  const def = shaSchemes[scheme.replace(/\.(HEX|B64|BASE64)$/, '')];
  if (!def) return undefined;
  const raw = hex ? Buffer.from(rest, 'hex') : Buffer.from(rest, 'base64');
  if (raw.length < def.len || (!def.salted && raw.length !== def.len)) return false;
  const digest = raw.subarray(0, def.len);
  const salt = raw.subarray(def.len);
  return safeEqual(createHash(def.algo).update(pw).update(salt).digest(), digest);
}

/** passlib's "adapted base 64": "." for "+", no padding. */
const ab64 = (s: string) => Buffer.from(s.replace(/\./g, '+'), 'base64');

async function verifyPbkdf2(pw: Buffer, stored: string): Promise<boolean | undefined> {
  // Dovecot: {PBKDF2}$1$<salt>$<rounds>$<hex PBKDF2-HMAC-SHA1, 20 bytes>
  let m = /^\$1\$([^$]+)\$(\d+)\$([0-9a-fA-F]+)$/.exec(stored);
  if (m) {
    const rounds = Number(m[2]);
    const expected = Buffer.from(m[3]!, 'hex');
    if (rounds < 1 || rounds > limits.pbkdf2Rounds || expected.length === 0 || expected.length > 64) return false;
    return safeEqual(await pbkdf2Async(pw, Buffer.from(m[1]!, 'utf8'), rounds, expected.length, 'sha1'), expected);
  }
  // passlib: $pbkdf2[-sha256|-sha512]$<rounds>$<ab64 salt>$<ab64 key>
  m = /^\$pbkdf2(?:-(sha256|sha512))?\$(\d+)\$([./A-Za-z0-9]*)\$([./A-Za-z0-9]+)$/.exec(stored);
  if (m) {
    const rounds = Number(m[2]);
    const expected = ab64(m[4]!);
    if (rounds < 1 || rounds > limits.pbkdf2Rounds || expected.length === 0 || expected.length > 64) return false;
    return safeEqual(await pbkdf2Async(pw, ab64(m[3]!), rounds, expected.length, m[1] ?? 'sha1'), expected);
  }
  return undefined;
}

/** One attempt against a non-Postern hash with the given password bytes; undefined: format unknown. */
async function verifyForeign(pw: Buffer, scheme: string, rest: string): Promise<{ ok: boolean; scheme: HashScheme } | undefined> {
  const crypt = async (): Promise<{ ok: boolean; scheme: HashScheme } | undefined> => {
    if (/^\$[56]\$/.test(rest)) {
      const rounds = shaCryptRounds(rest);
      const computed = rounds !== undefined && rounds <= limits.shaCryptRounds ? await shaCryptAsync(pw, rest) : undefined;
      return { ok: computed !== undefined && strEqual(computed, rest), scheme: rest[1] === '6' ? 'sha512-crypt' : 'sha256-crypt' };
    }
    if (/^\$2[aby]\$/.test(rest)) {
      const cost = bcryptCost(rest);
      const computed = cost !== undefined && cost <= limits.bcryptCost ? await bcryptAsync(pw, rest) : undefined;
      return { ok: computed !== undefined && strEqual(computed, rest), scheme: 'bcrypt' };
    }
    return undefined;
  };
  if (scheme === '' && rest.startsWith('$pbkdf2')) {
    const ok = await verifyPbkdf2(pw, rest);
    return ok === undefined ? undefined : { ok, scheme: 'pbkdf2' };
  }
  switch (scheme) {
    case '':
    case 'CRYPT':
    case 'SHA512-CRYPT':
    case 'SHA256-CRYPT':
    case 'BLF-CRYPT':
      return await crypt();
    case 'ARGON2ID':
    case 'ARGON2I':
      return { ok: await verifyArgon2(pw, rest), scheme: 'argon2-imported' };
    case 'PBKDF2': {
      const ok = await verifyPbkdf2(pw, rest);
      return ok === undefined ? undefined : { ok, scheme: 'pbkdf2' };
    }
    case 'PLAIN':
    case 'CLEARTEXT':
      return { ok: safeEqual(createHash('sha256').update(pw).digest(), createHash('sha256').update(rest, 'utf8').digest()), scheme: 'plain' };
    default: {
      const ok = verifySha(pw, scheme, rest);
      if (ok === undefined) return undefined;
      return { ok, scheme: shaSchemes[scheme.replace(/\.(HEX|B64|BASE64)$/, '')]!.scheme };
    }
  }
}

/** Whether a stored hash is in a format this module can verify (for imports). */
export function isSupportedHash(stored: string): boolean {
  const { scheme, rest } = splitScheme(stored);
  if (scheme === '') return argon2Params(rest) !== undefined || /^\$[56]\$/.test(rest) || /^\$2[aby]\$\d\d\$/.test(rest) || rest.startsWith('$pbkdf2');
  if (['CRYPT', 'SHA512-CRYPT', 'SHA256-CRYPT', 'BLF-CRYPT'].includes(scheme)) return /^\$[56]\$/.test(rest) || /^\$2[aby]\$\d\d\$/.test(rest);
  if (scheme === 'ARGON2ID' || scheme === 'ARGON2I') return argon2Params(rest) !== undefined;
  if (scheme === 'PBKDF2') return /^\$1\$/.test(rest);
  if (scheme === 'PLAIN' || scheme === 'CLEARTEXT') return true;
  return shaSchemes[scheme.replace(/\.(HEX|B64|BASE64)$/, '')] !== undefined;
}

/**
 * Verifies a password against any supported stored hash. Never throws: a malformed or unknown
 * hash verifies as false (scheme "unknown").
 */
export async function verifyStoredPassword(password: string, stored: string, current: Argon2Params): Promise<VerifyResult> {
  const { scheme, rest } = splitScheme(stored);
  if (scheme === '' && rest.startsWith('$argon2id$')) {
    const p = argon2Params(rest);
    const ok = await verifyArgon2(preparePassword(password), rest);
    const stale = !p || p.memoryKiB !== current.memoryKiB || p.passes !== current.passes || p.parallelism !== current.parallelism;
    return { ok, scheme: 'argon2id', needsRehash: stale };
  }
  const raw = Buffer.from(password, 'utf8');
  const first = await verifyForeign(raw, scheme, rest);
  if (!first) return { ok: false, scheme: 'unknown', needsRehash: true };
  if (first.ok) return { ...first, needsRehash: true };
  const prepared = preparePassword(password);
  if (prepared !== password) {
    const second = await verifyForeign(Buffer.from(prepared, 'utf8'), scheme, rest);
    if (second?.ok) return { ...second, needsRehash: true };
  }
  return { ...first, needsRehash: true };
}
