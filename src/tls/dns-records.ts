// DNS records an operator publishes for this server's TLS. For now the DANE TLSA record of inbound
// SMTP (RFC 7672 §3.1.1 recommends DANE-EE(3) SPKI(1) SHA2-256(1) for MX hosts; RFC 6698 §2 gives
// the format): it hashes the public key, not the certificate, so it survives renewals that keep
// the key (acme.reuse_key). More records (MTA-STS, TLS-RPT) join this list later.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DnsRecord {
  /** Owner name, fully qualified with the trailing dot. */
  name: string;
  type: 'TLSA';
  data: string;
  comment: string;
}

/** RFC 6698 §2.1: usage 3 (DANE-EE), selector 1 (SubjectPublicKeyInfo), matching type 1 (SHA-256). */
export function tlsaRecord(hostname: string, cert: X509Certificate, port = 25): DnsRecord {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(spki).digest('hex');
  return {
    name: `_${port}._tcp.${hostname.replace(/\.$/, '')}.`,
    type: 'TLSA',
    data: `3 1 1 ${digest}`,
    comment: `DANE-EE for SMTP on port ${port}: SHA-256 of the ${cert.publicKey.asymmetricKeyType?.toUpperCase()} public key of ${cert.subjectAltName ?? cert.subject}, valid until ${cert.validToDate.toISOString()}`,
  };
}

/** TLSA records for the certificates that cover `hostname` (one per distinct key; ECDSA and RSA both). */
export function dnsRecords(opts: { hostname: string; certificateFiles: readonly string[] }): DnsRecord[] {
  const leaves = opts.certificateFiles.map((f) => new X509Certificate(readFileSync(f)));
  const covering = leaves.filter((c) => c.checkHost(opts.hostname) !== undefined);
  const chosen = covering.length > 0 ? covering : leaves.slice(0, 1);
  const out: DnsRecord[] = [];
  for (const c of chosen) {
    const r = tlsaRecord(opts.hostname, c);
    if (!out.some((x) => x.data === r.data)) out.push(r);
  }
  return out;
}

export function formatRecord(r: DnsRecord): string {
  return `${r.name} IN ${r.type} ${r.data}`;
}
