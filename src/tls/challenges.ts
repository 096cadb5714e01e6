// The answers to pending ACME challenges, shared by the ACME client (which sets them) and the
// listeners (which serve them): HTTP-01 key authorisations by token (RFC 8555 §8.3) and
// TLS-ALPN-01 certificates by host name (RFC 8737 §3).
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import { normalizeHostname } from './sni.ts';

export class AcmeChallenges {
  private readonly http = new Map<string, string>();
  private readonly alpn = new Map<string, SecureContext>();
  private readonly base: () => SecureContextOptions;

  constructor(base: () => SecureContextOptions) {
    this.base = base;
  }

  setHttp(token: string, keyAuthorization: string): void {
    this.http.set(token, keyAuthorization);
  }
  deleteHttp(token: string): void {
    this.http.delete(token);
  }
  /** RFC 8555 §8.3: the body served at /.well-known/acme-challenge/{token}. */
  httpResponse(token: string): string | undefined {
    return this.http.get(token);
  }

  setAlpn(hostname: string, certPem: string, keyPem: string): void {
    this.alpn.set(normalizeHostname(hostname), createSecureContext({ ...this.base(), cert: certPem, key: keyPem }));
  }
  deleteAlpn(hostname: string): void {
    this.alpn.delete(normalizeHostname(hostname));
  }
  alpnContext(hostname: string | undefined | null): SecureContext | undefined {
    return hostname ? this.alpn.get(normalizeHostname(hostname)) : undefined;
  }
}
