// The TLS parameters every listener shares (RFC 9325, "Recommendations for Secure Use of TLS"):
// TLS 1.2 and 1.3 only, AEAD ciphers with ECDHE, the server's cipher order, no renegotiation,
// session resumption by tickets whose key rotates.
import { constants } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';

/**
 * RFC 9325 §4.2: TLS 1.2 suites with ECDHE and AEAD only (no CBC, no RSA key transport, no DHE);
 * RFC 8446 §9.1: the TLS 1.3 suites, all AEAD. Server order: strongest first, ChaCha20 for
 * clients without AES hardware (clients list it first; honorCipherOrder still picks ours).
 */
export const tls13Ciphers = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'];
export const tls12Ciphers = [
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/**
 * Key exchange groups, most preferred first: the hybrid post-quantum X25519MLKEM768 where the
 * OpenSSL in use has it (3.5+), then X25519 and the NIST curves RFC 9325 §4.2.1 names.
 */
const curveCandidates = ['X25519MLKEM768:X25519:P-256:P-384', 'X25519:P-256:P-384'];
let chosenCurves: string | undefined;
export function ecdhCurves(): string {
  if (chosenCurves === undefined) {
    chosenCurves = curveCandidates.find((c) => {
      try {
        createSecureContext({ ecdhCurve: c });
        return true;
      } catch {
        return false;
      }
    }) ?? 'auto';
  }
  return chosenCurves;
}

export interface SessionSettings {
  /** Ticket lifetime in seconds. */
  sessionTimeoutSeconds: number;
  /** 48 bytes: the current session ticket key. */
  ticketKeys: Buffer;
}

/** Options shared by every server SecureContext (certificate and key are added per context). */
export function baseContextOptions(s: SessionSettings): SecureContextOptions {
  return {
    minVersion: 'TLSv1.2', // RFC 9325 §3.1.1: TLS 1.0 and 1.1 MUST NOT be negotiated
    maxVersion: 'TLSv1.3',
    ciphers: [...tls13Ciphers, tls12Ciphers].join(':'),
    honorCipherOrder: true, // RFC 9325 §4.2: the server enforces its preference
    ecdhCurve: ecdhCurves(),
    // RFC 9325 §3.5: renegotiation is an attack surface mail never needs; OpenSSL 3 already refuses
    // client-initiated renegotiation, this also refuses the server-initiated kind. No compression
    // (RFC 9325 §3.3, CRIME) is OpenSSL's default and Node sets SSL_OP_NO_COMPRESSION as well.
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION | constants.SSL_OP_NO_COMPRESSION,
    // Every context shares one session id context and ticket key, so a session resumes whatever
    // SNI context served it and across certificate reloads (RFC 8446 §4.6.1, RFC 5077).
    sessionIdContext: 'postern',
    sessionTimeout: s.sessionTimeoutSeconds,
    ticketKeys: s.ticketKeys,
  };
}
