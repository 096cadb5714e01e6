// Whether a server-side TLS socket's client certificate was verified against [tls] client_ca.
// tls.Server sets `authorized` itself; a TLSSocket made by hand (implicit TLS in net/, STARTTLS in
// the protocols) never does, so the handshake's own verification result is read instead
// (SSL_get_verify_result, which OpenSSL computed against the context's CA store during the
// handshake). It is X509_V_OK also when no certificate was sent, so a certificate must be present.
import type { TLSSocket } from 'node:tls';

interface HandleWithVerify { verifyError?: () => Error | null }

export function isClientCertificateVerified(sock: TLSSocket | undefined): sock is TLSSocket {
  if (!sock || !sock.encrypted) return false;
  const peer = sock.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return false;
  if (sock.authorized) return true;
  const handle = (sock as unknown as { _handle?: HandleWithVerify })._handle;
  if (typeof handle?.verifyError !== 'function') return false;
  return handle.verifyError() === null;
}
