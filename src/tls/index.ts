export { createFileTlsProvider, tls12Ciphers } from './provider.ts';
export type { TlsProvider } from './provider.ts';
export { createSelfSigned } from './self-signed.ts';
export type { SelfSigned } from './self-signed.ts';
