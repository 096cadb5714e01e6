// JSON Web Signatures for ACME requests (RFC 8555 §6.2, RFC 7515 flattened JSON serialisation):
// ES256 (ECDSA P-256, signature as r||s per RFC 7518 §3.4) or RS256 account keys, the JWK of the
// public key (RFC 7517) and its thumbprint (RFC 7638), and key authorisations (RFC 8555 §8.1).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export const b64u = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

export interface AccountKey {
  readonly privateKey: KeyObject;
  readonly alg: 'ES256' | 'RS256';
  /** The public JWK with only its required members (RFC 7638 §3.2). */
  readonly jwk: Record<string, string>;
}

export function accountKeyFrom(privateKeyPem: string | Buffer): AccountKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const pub = createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>;
  if (privateKey.asymmetricKeyType === 'ec' && pub.crv === 'P-256') {
    return { privateKey, alg: 'ES256', jwk: { crv: pub.crv, kty: 'EC', x: pub.x!, y: pub.y! } };
  }
  if (privateKey.asymmetricKeyType === 'rsa') return { privateKey, alg: 'RS256', jwk: { e: pub.e!, kty: 'RSA', n: pub.n! } };
  throw new Error(`an ACME account key must be ECDSA P-256 or RSA, not ${privateKey.asymmetricKeyType}`);
}

export function generateAccountKey(): { key: AccountKey; pem: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { key: accountKeyFrom(pem), pem };
}

/** RFC 7638 §3: SHA-256 over the required members in lexicographic order, no white space. */
export function thumbprint(key: AccountKey): string {
  const ordered = Object.keys(key.jwk).sort().reduce<Record<string, string>>((o, k) => ((o[k] = key.jwk[k]!), o), {});
  return b64u(createHash('sha256').update(JSON.stringify(ordered)).digest());
}

/** RFC 8555 §8.1: keyAuthorization = token || '.' || base64url(Thumbprint(accountKey)). */
export function keyAuthorization(token: string, key: AccountKey): string {
  return `${token}.${thumbprint(key)}`;
}

export interface JwsHeader {
  nonce: string;
  url: string;
  /** The account URL; without it the JWK is sent (only newAccount and revokeCert by certificate key). */
  kid?: string;
}

/** RFC 8555 §6.2; payload undefined is a POST-as-GET (§6.3: the empty string). */
export function signJws(key: AccountKey, header: JwsHeader, payload: unknown): { protected: string; payload: string; signature: string } {
  const prot = b64u(JSON.stringify({ alg: key.alg, nonce: header.nonce, url: header.url, ...(header.kid ? { kid: header.kid } : { jwk: key.jwk }) }));
  const pay = payload === undefined ? '' : b64u(JSON.stringify(payload));
  const input = Buffer.from(`${prot}.${pay}`, 'ascii');
  const sig = key.alg === 'ES256'
    ? sign('sha256', input, { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', input, key.privateKey);
  return { protected: prot, payload: pay, signature: b64u(sig) };
}
