// SHA-crypt ($5$ SHA-256, $6$ SHA-512), the crypt(3) schemes of glibc and Dovecot's
// {SHA256-CRYPT}/{SHA512-CRYPT}, written from Ulrich Drepper's specification "Unix crypt using
// SHA-256 and SHA-512" (2007/2008). Only verification of migrated hashes needs it; new passwords
// are argon2id.
import { createHash } from 'node:crypto';
import { drain, drainAsync } from './yielding.ts';
import { cryptBase64Encode } from './crypt-base64.ts';

type Algo = 'sha256' | 'sha512';

/** Drepper spec: default 5000 rounds, clamped to 1000..999,999,999; salt at most 16 bytes. */
const roundsDefault = 5000;
const roundsMin = 1000;
const roundsMax = 999_999_999;

/** The byte order of the final encoding (spec step 22), three bytes per group. */
const order512: readonly (readonly number[])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const order256: readonly (readonly number[])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
];

/** Repeats `src` to exactly `len` bytes (spec steps 16 and 20). */
function stretch(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += src.length) src.copy(out, i, 0, Math.min(src.length, len - i));
  return out;
}

function* shaCryptRaw(algo: Algo, pw: Buffer, salt: Buffer, rounds: number): Generator<void, Buffer> {
  const h = () => createHash(algo);
  const hlen = algo === 'sha512' ? 64 : 32;
  // Steps 4-8: digest B = H(P S P).
  const b = h().update(pw).update(salt).update(pw).digest();
  // Steps 1-3, 9-12: digest A.
  const a = h().update(pw).update(salt);
  let n = pw.length;
  for (; n > hlen; n -= hlen) a.update(b);
  a.update(b.subarray(0, n));
  for (let len = pw.length; len > 0; len >>= 1) a.update(len & 1 ? b : pw);
  let c = a.digest();
  // Steps 13-16: P sequence from DP = H(P repeated |P| times).
  const dp = h();
  for (let i = 0; i < pw.length; i++) dp.update(pw);
  const pSeq = stretch(dp.digest(), pw.length);
  // Steps 17-20: S sequence from DS = H(S repeated 16 + A[0] times).
  const ds = h();
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(salt);
  const sSeq = stretch(ds.digest(), salt.length);
  // Step 21: the rounds.
  for (let i = 0; i < rounds; i++) {
    const r = h();
    r.update(i & 1 ? pSeq : c);
    if (i % 3 !== 0) r.update(sSeq);
    if (i % 7 !== 0) r.update(pSeq);
    r.update(i & 1 ? c : pSeq);
    c = r.digest();
    if (i % 1000 === 999) yield; // let the event loop breathe on high round counts
  }
  return c;
}

/** Step 22: the output string of the digest. */
function encode(algo: Algo, c: Buffer): string {
  let out = '';
  for (const [x, y, z] of algo === 'sha512' ? order512 : order256) out += cryptBase64Encode([c[x!]!, c[y!]!, c[z!]!], 4);
  out += algo === 'sha512' ? cryptBase64Encode([0, 0, c[63]!], 2) : cryptBase64Encode([0, c[31]!, c[30]!], 3);
  return out;
}

const pattern = /^\$([56])\$(?:rounds=(\d{1,10})\$)?([^$]{0,16})[^$]*(?:\$([./0-9A-Za-z]*))?$/;

/** Computes crypt(password, setting) for a "$5$…" or "$6$…" setting; undefined when it does not parse. */
export function shaCrypt(password: string | Buffer, setting: string): string | undefined {
  return drain(shaCryptSteps(password, setting));
}

/** shaCrypt without blocking the event loop for the whole computation. */
export function shaCryptAsync(password: string | Buffer, setting: string): Promise<string | undefined> {
  return drainAsync(shaCryptSteps(password, setting));
}

function* shaCryptSteps(password: string | Buffer, setting: string): Generator<void, string | undefined> {
  const m = pattern.exec(setting);
  if (!m) return undefined;
  const algo: Algo = m[1] === '6' ? 'sha512' : 'sha256';
  const explicit = m[2] !== undefined;
  const rounds = explicit ? Math.min(roundsMax, Math.max(roundsMin, Number(m[2]))) : roundsDefault;
  const salt = Buffer.from(m[3]!, 'utf8').subarray(0, 16);
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  const digest = yield* shaCryptRaw(algo, pw, salt, rounds);
  return `$${m[1]}$${explicit ? `rounds=${rounds}$` : ''}${salt.toString('utf8')}$${encode(algo, digest)}`;
}

/** Rounds of a SHA-crypt hash, for a cost limit before verifying an imported hash. */
export function shaCryptRounds(hash: string): number | undefined {
  const m = pattern.exec(hash);
  if (!m) return undefined;
  return m[2] === undefined ? roundsDefault : Math.min(roundsMax, Math.max(roundsMin, Number(m[2])));
}
