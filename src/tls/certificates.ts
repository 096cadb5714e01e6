// Loading a certificate and its key from PEM files, checking that they belong together, and the
// facts the rest of Postern needs: DNS names (subjectAltName), key type, expiry.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface LoadedCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: Buffer;
  readonly keyPem: Buffer;
  /** The leaf (first certificate of the chain). */
  readonly leaf: X509Certificate;
  /** DNS names the leaf is valid for, lower case ("*.example.com" for wildcards). */
  readonly names: readonly string[];
  readonly keyType: string;
  readonly notAfter: Date;
  /** SHA-256 over both files: unchanged files give the same value (no needless reloads). */
  readonly contentHash: string;
}

export class CertificateError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'CertificateError';
    this.file = file;
  }
}

/** DNS names of a subjectAltName string as Node formats it ("DNS:a.example, IP Address:…"). */
export function dnsNamesOf(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  if (!san) {
    // RFC 6125 §6.4.4: the CN is only a fallback when there is no subjectAltName at all.
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    return cn ? [cn.toLowerCase()] : [];
  }
  return san.split(/,\s*/).filter((p) => p.startsWith('DNS:')).map((p) => p.slice(4).replace(/^"|"$/g, '').toLowerCase());
}

export function loadCertificate(certPath: string, keyPath: string): LoadedCertificate {
  let certPem: Buffer;
  let keyPem: Buffer;
  try {
    certPem = readFileSync(certPath);
  } catch (err) {
    throw new CertificateError(certPath, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    keyPem = readFileSync(keyPath);
  } catch (err) {
    throw new CertificateError(keyPath, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certPem);
  } catch (err) {
    throw new CertificateError(certPath, `is not a PEM certificate (${(err as Error).message})`);
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new CertificateError(keyPath, `is not a PEM private key (${(err as Error).message})`);
  }
  if (!leaf.checkPrivateKey(key)) throw new CertificateError(keyPath, `is not the private key of ${certPath}`);
  const hash = createHash('sha256').update(certPem).update('\0').update(keyPem).digest('hex');
  return {
    certPath, keyPath, certPem, keyPem, leaf,
    names: dnsNamesOf(leaf),
    keyType: key.asymmetricKeyType ?? 'unknown',
    notAfter: leaf.validToDate,
    contentHash: hash,
  };
}
