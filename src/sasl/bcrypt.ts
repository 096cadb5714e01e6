// bcrypt ($2a$, $2b$, $2y$; Dovecot {BLF-CRYPT}), written from Provos and Mazières, "A Future-
// Adaptable Password Scheme" (USENIX 1999), and the OpenBSD $2b$ format: EksBlowfish with cost 2^n,
// the password with its NUL terminator truncated to 72 bytes, "OrpheanBeholderScryDoubt"
// encrypted 64 times, 23 bytes of the result encoded.
//
// Blowfish's initial P-array and S-boxes are the hexadecimal digits of the fractional part of pi
// (Schneier 1993), so instead of a table they are computed once, lazily, with BigInt arithmetic
// (Machin's formula), which takes a few milliseconds. Only verification of migrated hashes needs
// bcrypt; new passwords are argon2id. $2x$ (the buggy pre-2011 crypt_blowfish) is refused.
import { bcryptBase64Decode, bcryptBase64Encode } from './crypt-base64.ts';
import { drain, drainAsync } from './yielding.ts';

const wordsNeeded = 18 + 4 * 256;
let piWords: Uint32Array | undefined;

/** arctan(1/x) scaled by `one`, by its Taylor series. */
function arctanInv(x: bigint, one: bigint): bigint {
  let term = one / x;
  const x2 = x * x;
  let sum = term;
  for (let n = 3n, sign = -1n; term !== 0n; n += 2n, sign = -sign) {
    term /= x2;
    sum += (sign * term) / n;
  }
  return sum;
}

/** The first `wordsNeeded` 32-bit words of the fractional part of pi. */
export function piFractionWords(): Uint32Array {
  if (piWords) return piWords;
  const bits = BigInt(wordsNeeded * 32 + 64);
  const one = 1n << bits;
  // Machin (1706): pi = 16 arctan(1/5) - 4 arctan(1/239).
  const pi = 16n * arctanInv(5n, one) - 4n * arctanInv(239n, one);
  let frac = (pi - 3n * one) >> 64n; // drop the integer part and the guard bits
  const words = new Uint32Array(wordsNeeded);
  for (let i = wordsNeeded - 1; i >= 0; i--) {
    words[i] = Number(frac & 0xffffffffn);
    frac >>= 32n;
  }
  piWords = words;
  return words;
}

class EksBlowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array;
  constructor() {
    const w = piFractionWords();
    this.p = w.slice(0, 18);
    this.s = w.slice(18);
  }
  private f(x: number): number {
    const s = this.s;
    return (((s[x >>> 24]! + s[256 | ((x >>> 16) & 0xff)]!) ^ s[512 | ((x >>> 8) & 0xff)]!) + s[768 | (x & 0xff)]!) >>> 0;
  }
  /** Encrypts the block (l, r) in place in `lr`. */
  encrypt(lr: Uint32Array): void {
    let l = lr[0]!;
    let r = lr[1]!;
    const p = this.p;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ p[i]!) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ p[i + 1]!) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    lr[0] = (r ^ p[17]!) >>> 0;
    lr[1] = (l ^ p[16]!) >>> 0;
  }
  /** ExpandKey(state, salt, key); salt undefined for the 2^cost loop's ExpandKey(state, 0, key). */
  expand(key: Uint8Array, salt: Uint8Array | undefined): void {
    let kpos = 0;
    const keyWord = () => {
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | key[kpos]!) >>> 0;
        kpos = (kpos + 1) % key.length;
      }
      return w;
    };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i]! ^ keyWord()) >>> 0;
    let spos = 0;
    const saltWord = () => {
      if (!salt) return 0;
      let w = 0;
      for (let i = 0; i < 4; i++) {
        w = ((w << 8) | salt[spos]!) >>> 0;
        spos = (spos + 1) % salt.length;
      }
      return w;
    };
    const lr = new Uint32Array(2);
    const fill = (arr: Uint32Array) => {
      for (let i = 0; i < arr.length; i += 2) {
        lr[0] = (lr[0]! ^ saltWord()) >>> 0;
        lr[1] = (lr[1]! ^ saltWord()) >>> 0;
        this.encrypt(lr);
        arr[i] = lr[0]!;
        arr[i + 1] = lr[1]!;
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const magic = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');
const pattern = /^\$2([aby])\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})?$/;

/**
 * Raw bcrypt (23 bytes) as a generator that yields every 16 rounds of the 2^cost loop, so the
 * async form can give the event loop back (cost 10 takes ~0.3 s of CPU in JavaScript).
 */
function* bcryptRaw(password: Uint8Array, salt: Uint8Array, cost: number): Generator<void, Buffer> {
  // The key is the password with its NUL terminator, at most 72 bytes.
  const key = Buffer.concat([password, Buffer.from([0])]).subarray(0, 72);
  const st = new EksBlowfish();
  st.expand(key, salt);
  for (let i = 0, n = 2 ** cost; i < n; i++) {
    st.expand(key, undefined);
    st.expand(salt, undefined);
    if ((i & 15) === 15) yield;
  }
  const ctext = new Uint32Array(6);
  for (let i = 0; i < 6; i++) ctext[i] = magic.readUInt32BE(i * 4);
  const lr = new Uint32Array(2);
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 6; j += 2) {
      lr[0] = ctext[j]!;
      lr[1] = ctext[j + 1]!;
      st.encrypt(lr);
      ctext[j] = lr[0]!;
      ctext[j + 1] = lr[1]!;
    }
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(ctext[i]!, i * 4);
  return out.subarray(0, 23);
}

/** The cost of a bcrypt hash (log2 rounds), or undefined when it is not one. */
export function bcryptCost(hash: string): number | undefined {
  const m = pattern.exec(hash);
  return m ? Number(m[2]) : undefined;
}

/** crypt(password, setting) for a "$2a$"/"$2b$"/"$2y$" setting; undefined when it does not parse. */
export function bcrypt(password: string | Uint8Array, setting: string): string | undefined {
  return drain(bcryptSteps(password, setting));
}

/** bcrypt without blocking the event loop for the whole computation. */
export function bcryptAsync(password: string | Uint8Array, setting: string): Promise<string | undefined> {
  return drainAsync(bcryptSteps(password, setting));
}

function* bcryptSteps(password: string | Uint8Array, setting: string): Generator<void, string | undefined> {
  const m = pattern.exec(setting);
  if (!m) return undefined;
  const cost = Number(m[2]);
  if (cost < 4 || cost > 31) return undefined;
  const salt = bcryptBase64Decode(m[3]!, 16);
  if (!salt || salt.length !== 16) return undefined;
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  const raw = yield* bcryptRaw(pw, salt, cost);
  // The salt is re-encoded from its 16 bytes: the 22nd character carries 4 unused bits.
  return `$2${m[1]}$${m[2]}$${bcryptBase64Encode(salt)}${bcryptBase64Encode(raw)}`;
}
