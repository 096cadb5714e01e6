// Channel-binding data for SCRAM-*-PLUS, from the TLS connection the exchange runs over:
//   tls-exporter          RFC 9266 §2: 32 bytes of the TLS exporter with label
//                         "EXPORTER-Channel-Binding" and an empty context. Offered on TLS 1.3
//                         only (RFC 9266 §3: on TLS 1.2 it is safe only with extended master
//                         secret, which Node does not let us confirm).
//   tls-server-end-point  RFC 5929 §4.1: the hash of the server's certificate, with the hash of
//                         its signature algorithm, SHA-256 for MD5 and SHA-1. Undefined (so not
//                         offered) for algorithms without one hash, such as Ed25519.
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export type ChannelBindingType = 'tls-exporter' | 'tls-server-end-point';

/** Signature algorithm OID → the hash RFC 5929 §4.1 prescribes. */
const endPointHash: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption → SHA-256
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption → SHA-256
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1 → SHA-256
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** Server certificate DER → tls-server-end-point data, or undefined when RFC 5929 leaves it undefined. */
export function serverEndPointData(certDer: Buffer): Buffer | undefined {
  let oid: string | undefined;
  try {
    oid = new X509Certificate(certDer).signatureAlgorithmOid;
  } catch {
    return undefined;
  }
  const hash = oid ? endPointHash[oid] : undefined;
  return hash ? createHash(hash).update(certDer).digest() : undefined;
}

function localCertDer(sock: TLSSocket): Buffer | undefined {
  const cert = sock.getCertificate();
  if (!cert || typeof cert !== 'object' || !('raw' in cert)) return undefined;
  return (cert as { raw?: Buffer }).raw;
}

/** The channel-binding data of `type` on this socket, or undefined when not available. */
export function channelBindingData(sock: TLSSocket | undefined, type: string): Buffer | undefined {
  if (!sock || !sock.encrypted) return undefined;
  if (type === 'tls-exporter') {
    if (sock.getProtocol() !== 'TLSv1.3') return undefined;
    return sock.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  }
  if (type === 'tls-server-end-point') {
    const der = localCertDer(sock);
    return der ? serverEndPointData(der) : undefined;
  }
  return undefined;
}

/** The channel-binding types usable on this socket (empty: no -PLUS mechanism is offered). */
export function availableChannelBindings(sock: TLSSocket | undefined): ChannelBindingType[] {
  const out: ChannelBindingType[] = [];
  for (const t of ['tls-exporter', 'tls-server-end-point'] as const) if (channelBindingData(sock, t)) out.push(t);
  return out;
}
