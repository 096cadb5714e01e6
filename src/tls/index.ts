export { createTlsProvider, createFileTlsProvider, noTlsProvider, ACME_TLS_ALPN } from './provider.ts';
export type { TlsProvider, TlsProviderOptions, TlsReloadResult, ServerOptionsRequest } from './provider.ts';
export { tls12Ciphers, tls13Ciphers, ecdhCurves } from './options.ts';
export { loadCertificate, dnsNamesOf, CertificateError } from './certificates.ts';
export type { LoadedCertificate } from './certificates.ts';
export { AcmeChallenges } from './challenges.ts';
export { buildSniTable, lookupSni, normalizeHostname } from './sni.ts';
export { createSelfSigned } from './self-signed.ts';
export type { SelfSigned } from './self-signed.ts';
