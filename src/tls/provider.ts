// TLS server contexts for every listener: TLS 1.2 and 1.3 only, modern ciphers, server preference.
// The certificate comes from [tls] (paths relative to the data directory).
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createSecureContext, type SecureContext, type TlsOptions } from 'node:tls';

export interface TlsProvider {
  /** Options for tls.createServer / new TLSSocket({ isServer: true, ... }). */
  serverOptions(): TlsOptions;
  /** The context for a server name (SNI); the default when none matches. */
  contextFor(servername: string | undefined): SecureContext;
  /** Re-reads certificate files; keeps the old context when the new files are unusable. */
  reload(): void;
}

/** RFC 9325 §4.2: AEAD ciphers with forward secrecy for TLS 1.2; TLS 1.3 suites are all fine. */
export const tls12Ciphers = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

export function createFileTlsProvider(opts: { dataDir: string; certificate: string; privateKey: string }): TlsProvider {
  const resolve = (p: string) => (isAbsolute(p) ? p : join(opts.dataDir, p));
  const load = () => ({ cert: readFileSync(resolve(opts.certificate)), key: readFileSync(resolve(opts.privateKey)) });
  let files = load();
  const base = (): TlsOptions => ({
    minVersion: 'TLSv1.2',
    ciphers: tls12Ciphers,
    honorCipherOrder: true,
    ...files,
  });
  let ctx = createSecureContext(base());
  return {
    serverOptions: () => ({ ...base(), SNICallback: (_name, cb) => cb(null, ctx) }),
    contextFor: () => ctx,
    reload() {
      const next = load();
      const nextCtx = createSecureContext({ ...base(), ...next });
      files = next;
      ctx = nextCtx;
    },
  };
}
