// A SCRAM client written from RFC 5802 §3 and §5 for the tests (not derived from the server code).
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';

export type H = 'sha1' | 'sha256';
const len = { sha1: 20, sha256: 32 };

export class ScramClient {
  readonly h: H;
  readonly user: string;
  readonly password: string;
  readonly cnonce: string;
  readonly gs2Header: string;
  readonly cbData: Buffer;
  private bare = '';
  expectedServerSignature = '';

  constructor(opts: { h: H; user: string; password: string; cnonce: string; gs2Header?: string; cbData?: Buffer }) {
    this.h = opts.h;
    this.user = opts.user;
    this.password = opts.password;
    this.cnonce = opts.cnonce;
    this.gs2Header = opts.gs2Header ?? 'n,,';
    this.cbData = opts.cbData ?? Buffer.alloc(0);
  }

  first(): string {
    // RFC 5802 §5.1: saslname escapes "," and "=".
    this.bare = `n=${this.user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.cnonce}`;
    return this.gs2Header + this.bare;
  }

  final(serverFirst: string, opts: { nonce?: string; cb?: string } = {}): string {
    const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
    if (!attrs.r?.startsWith(this.cnonce)) throw new Error('server nonce does not extend ours');
    const salted = pbkdf2Sync(this.password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), len[this.h], this.h);
    const hmac = (k: Buffer, d: string) => createHmac(this.h, k).update(d).digest();
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash(this.h).update(clientKey).digest();
    const c = opts.cb ?? Buffer.concat([Buffer.from(this.gs2Header), this.cbData]).toString('base64');
    const withoutProof = `c=${c},r=${opts.nonce ?? attrs.r}`;
    const authMessage = `${this.bare},${serverFirst},${withoutProof}`;
    const sig = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]!));
    this.expectedServerSignature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
    return `${withoutProof},p=${proof.toString('base64')}`;
  }
}
