// A self-signed certificate for first runs (`postern init`), so TLS works before ACME or an
// operator's certificate is in place. ECDSA P-256 with SHA-256; subjectAltName carries the host
// names (RFC 5280 §4.2.1.6; RFC 6125: clients match on SAN, not CN).
import { randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, boolean, contextExplicit, contextImplicitPrimitive, integer, octetString, oid, sequence, set, time, utf8String } from './der.ts';
import { generateKey, signatureAlgorithm, type KeyType } from './keys.ts';

export interface SelfSigned { certPem: string; keyPem: string; fingerprint256: string }

function name(cn: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.3'), utf8String(cn))));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}

export interface SelfSignedOptions {
  days?: number;
  now?: Date;
  keyType?: KeyType;
  /** More extensions (DER Extension SEQUENCEs), e.g. RFC 8737's acmeIdentifier. */
  extraExtensions?: Buffer[];
  /** Use this key pair instead of generating one. */
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
}

export function createSelfSigned(hostnames: string[], opts: SelfSignedOptions = {}): SelfSigned {
  if (hostnames.length === 0) throw new Error('a certificate needs at least one host name');
  const { publicKey, privateKey } = opts.keyPair ?? generateKey(opts.keyType ?? 'ecdsa-p256');
  const alg = signatureAlgorithm(privateKey);
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime() + (opts.days ?? 825) * 86_400_000);
  const sans = hostnames.map((h) => (isIP(h) ? contextImplicitPrimitive(7, ipBytes(h)) : contextImplicitPrimitive(2, Buffer.from(h, 'ascii'))));
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = sequence(
    sequence(oid('2.5.29.19'), boolean(true), octetString(sequence())), // basicConstraints: not a CA
    sequence(oid('2.5.29.15'), boolean(true), octetString(Buffer.from([0x03, 0x02, 0x07, 0x80]))), // keyUsage: digitalSignature
    sequence(oid('2.5.29.37'), octetString(sequence(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
    sequence(oid('2.5.29.17'), octetString(sequence(...sans))), // subjectAltName
    ...(opts.extraExtensions ?? []),
  );
  const tbs = sequence(
    contextExplicit(0, integer(2)),
    integer(serial),
    alg.identifier,
    name(hostnames[0]!),
    sequence(time(notBefore), time(notAfter)),
    name(hostnames[0]!),
    publicKey.export({ type: 'spki', format: 'der' }),
    contextExplicit(3, extensions),
  );
  const signature = sign(alg.hash, tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, alg.identifier, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem, keyPem, fingerprint256: new X509Certificate(certPem).fingerprint256 };
}
