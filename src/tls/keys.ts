// Key generation and the matching X.509 signature algorithm identifiers (RFC 5758 §3.2 for ECDSA,
// RFC 4055 §5 / RFC 8017 for RSA PKCS #1 v1.5 with SHA-256).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { nullValue, oid, sequence } from './der.ts';

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072';

export function generateKey(type: KeyType): { publicKey: KeyObject; privateKey: KeyObject } {
  switch (type) {
    case 'ecdsa-p256': return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384': return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'rsa-2048': return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa-3072': return generateKeyPairSync('rsa', { modulusLength: 3072 });
  }
}

/** The key type of an existing private key, if it is one we generate. */
export function keyTypeOf(key: KeyObject): KeyType | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') return d?.namedCurve === 'prime256v1' ? 'ecdsa-p256' : d?.namedCurve === 'secp384r1' ? 'ecdsa-p384' : undefined;
  if (key.asymmetricKeyType === 'rsa') return d?.modulusLength === 2048 ? 'rsa-2048' : d?.modulusLength === 3072 ? 'rsa-3072' : undefined;
  return undefined;
}

/** The hash and AlgorithmIdentifier to sign a certificate or CSR with this key. */
export function signatureAlgorithm(key: KeyObject): { hash: string; identifier: Buffer } {
  if (key.asymmetricKeyType === 'ec') {
    const p384 = key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
    return p384
      ? { hash: 'sha384', identifier: sequence(oid('1.2.840.10045.4.3.3')) } // ecdsa-with-SHA384
      : { hash: 'sha256', identifier: sequence(oid('1.2.840.10045.4.3.2')) }; // ecdsa-with-SHA256
  }
  if (key.asymmetricKeyType === 'rsa') return { hash: 'sha256', identifier: sequence(oid('1.2.840.113549.1.1.11'), nullValue()) }; // sha256WithRSAEncryption
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}
