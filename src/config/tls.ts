// TLS settings: certificate files (paths relative to the data directory), SNI certificates, session
// resumption, reload; and the `[acme]` table (RFC 8555) that obtains and renews the certificate.
import { z } from 'zod';
import { count, domainName, duration, key } from './types.ts';

/** A duration of at least `min` ms (timers of 0 would spin). */
const atLeast = (min: number, label: string) => duration.refine((ms) => ms >= min, `must be at least ${label}`);

const certificateEntry = z.strictObject({
  certificate: key(z.string().min(1), { doc: 'PEM certificate chain (relative to the data directory).' }),
  private_key: key(z.string().min(1), { doc: 'PEM private key of `certificate` (relative to the data directory).' }),
});

/** The `[tls]` table. */
export const tlsSettings = {
  certificate: key(z.string().min(1), { default: 'tls/cert.pem', doc: 'PEM certificate chain served by TLS listeners (path relative to the data directory); the default when no SNI name matches.' }),
  private_key: key(z.string().min(1), { default: 'tls/key.pem', doc: 'PEM private key of `certificate` (relative to the data directory; keep it mode 0600).' }),
  certificates: key(z.array(certificateEntry), { default: [], doc: 'More certificates chosen by SNI, as [[tls.certificates]] tables with `certificate` and `private_key`; each serves the DNS names of its subjectAltName (exact or "*.example.com"); an ECDSA and an RSA certificate may share names.' }),
  session_timeout: key(atLeast(1000, '1s'), { default: '2h', doc: 'Lifetime of a TLS session ticket (session resumption); keep it shorter than ticket_key_rotation.' }),
  ticket_key_rotation: key(atLeast(60_000, '1m'), { default: '12h', doc: 'Replace the session ticket key this often (RFC 9325 §3.4: a long-lived ticket key undoes forward secrecy).' }),
  client_ca: key(z.string().min(1).optional(), { doc: 'PEM bundle of CAs whose client certificates are accepted on listeners with client_certificates = true (for SASL EXTERNAL); relative to the data directory.' }),
  watch: key(z.boolean(), { default: true, doc: 'Reload certificates automatically when their files change (SIGHUP always reloads).' }),
  watch_debounce: key(duration, { default: '1s', doc: 'After a certificate file changes, wait this long for more changes before reloading.' }),
  watch_poll_interval: key(atLeast(1000, '1s'), { default: '30s', doc: 'Also compare the certificate files this often, for file systems where change events are missed.' }),
} satisfies z.ZodRawShape;

/** Keys of a [[listener]] table: a certificate of the listener's own. */
export const listenerTlsSettings = {
  certificate: key(z.string().min(1).optional(), { doc: 'This listener\'s own default certificate (PEM chain, relative to the data directory) instead of [tls] certificate; SNI still picks among all certificates. Set with private_key.' }),
  private_key: key(z.string().min(1).optional(), { doc: 'Private key of the listener\'s `certificate`.' }),
  client_certificates: key(z.boolean(), { default: false, doc: 'Ask TLS clients for a certificate, verified against [tls] client_ca (optional for the client; SASL EXTERNAL uses it when the listener is in auth.external_listeners).' }),
} satisfies z.ZodRawShape;

/** The `[acme]` table. */
export const acmeSettings = {
  enabled: key(z.boolean(), { default: false, doc: 'Obtain and renew the [tls] certificate from an ACME CA (RFC 8555), e.g. Let\'s Encrypt.' }),
  directory_url: key(z.url({ protocol: /^https$/ }), { default: 'https://acme-v02.api.letsencrypt.org/directory', doc: 'The CA\'s ACME directory URL (HTTPS).' }),
  email: key(z.email().optional(), { doc: 'Contact address given to the CA for expiry and problem notices.' }),
  hostnames: key(z.array(domainName), { default: [], doc: 'Names the certificate covers; empty means just `hostname`.' }),
  challenge: key(z.enum(['http-01', 'tls-alpn-01']), { default: 'http-01', doc: 'How the CA checks control of a name: http-01 (an `http` listener on port 80) or tls-alpn-01 (RFC 8737; a TLS listener on port 443).' }),
  key_type: key(z.enum(['ecdsa-p256', 'ecdsa-p384', 'rsa-2048', 'rsa-3072']), { default: 'ecdsa-p256', doc: 'Key type of the certificate\'s key.' }),
  reuse_key: key(z.boolean(), { default: true, doc: 'Keep the private key across renewals (of the same key_type) so published DANE TLSA 3 1 1 records stay valid.' }),
  renew_before: key(duration, { default: '30d', doc: 'Renew when the certificate expires within this long.' }),
  check_interval: key(atLeast(60_000, '1m'), { default: '12h', doc: 'How often to check whether the certificate needs renewing.' }),
  retry_interval: key(atLeast(1000, '1s'), { default: '1h', doc: 'After a failed issuance or renewal (the old certificate stays in use), try again after this long.' }),
  ca_file: key(z.string().min(1).optional(), { doc: 'PEM bundle of CAs trusted for the directory URL instead of the system roots (for a private or test CA).' }),
  account_key: key(z.string().min(1), { default: 'tls/acme-account.pem', doc: 'Where the ACME account key is kept (created on first use, mode 0600).' }),
  request_timeout: key(atLeast(1000, '1s'), { default: '30s', doc: 'Timeout of one HTTP request to the CA.' }),
  order_timeout: key(atLeast(1000, '1s'), { default: '10m', doc: 'Give up on an order that is not issued within this long.' }),
  max_response_bytes: key(count.min(4096), { default: 1048576, unit: 'bytes', doc: 'Largest response accepted from the CA.' }),
} satisfies z.ZodRawShape;
