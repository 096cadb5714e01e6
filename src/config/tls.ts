// TLS settings: certificate files (paths relative to the data directory), SNI, ACME.
import { z } from 'zod';
import { key } from './types.ts';

/** The `[tls]` table. */
export const tlsSettings = {
  certificate: key(z.string().min(1), { default: 'tls/cert.pem', doc: 'PEM certificate chain served by TLS listeners (path relative to the data directory).' }),
  private_key: key(z.string().min(1), { default: 'tls/key.pem', doc: 'PEM private key of `certificate` (relative to the data directory; keep it mode 0600).' }),
} satisfies z.ZodRawShape;
