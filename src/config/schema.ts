// The schema of postern.toml: every key with its type, default, unit and one line of doc.
// docs/config.md is generated from this file (`npm run docs`); a test fails when it is stale.
import { z } from 'zod';
import { authSettings } from './auth.ts';
import { imapLimits, imapSettings } from './imap.ts';
import { netLimits } from './limits.ts';
import { memorySettings } from './memory.ts';
import { mimeSettings } from './mime.ts';
import { smtpLimits, smtpSettings } from './smtp.ts';
import { acmeSettings, listenerTlsSettings, tlsSettings } from './tls.ts';
import { cidr, domainName, duration, hostPort, key } from './types.ts';

export const protocols = ['smtp', 'submission', 'imap', 'pop3', 'managesieve', 'http'] as const;
export type Protocol = (typeof protocols)[number];

export const listenerLimitsSchema = z.strictObject({ ...netLimits, ...smtpLimits, ...imapLimits });

export const listenerSchema = z.strictObject({
  name: key(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, 'use letters, digits, "-" and "_"'), { doc: 'A name for logs and metrics, unique among listeners.' }),
  protocol: key(z.enum(protocols), { doc: 'What this listener speaks: smtp (MX), submission, imap, pop3, managesieve or http.' }),
  address: key(hostPort, { doc: 'Where to listen: "IPv4:port", "[IPv6]:port" or "host:port"; port 0 picks a free port.' }),
  tls: key(z.enum(['none', 'starttls', 'implicit']), { default: 'starttls', doc: 'none, starttls (plaintext until the client upgrades) or implicit (TLS from the first byte).' }),
  allow: key(z.array(cidr), { default: [], doc: 'If not empty, only clients in these CIDR ranges may connect (checked before the greeting).' }),
  deny: key(z.array(cidr), { default: [], doc: 'Clients in these CIDR ranges are refused before the greeting; deny wins over allow.' }),
  allow_plaintext_auth: key(z.boolean(), { default: false, doc: 'Offer password authentication before TLS. Leave false except on loopback test setups.' }),
  limits: key(listenerLimitsSchema, { default: {}, doc: 'Limits of this listener; see the [listener.limits] keys.' }),
  ...listenerTlsSettings,
});

export const configSchema = z.strictObject({
  hostname: key(domainName, { doc: 'This server\'s fully qualified host name, used in greetings, Received headers and as the certificate name (like Postfix myhostname).' }),
  mynetworks: key(z.array(cidr), { default: [], doc: 'Client CIDR ranges trusted to relay without authentication (like Postfix mynetworks). Empty by default: keep it that way unless you know why.' }),
  relay_domains: key(z.array(domainName), { default: [], doc: 'Domains that are not local but for which this server accepts mail and forwards it (backup MX, gateway).' }),
  relayhost: key(z.string().regex(/^(\[[^\]]+\]|[^:\s]+)(:\d+)?$/, 'use "host", "[host]" or "[host]:port"').optional(), { doc: 'Send all outbound mail through this smarthost instead of looking up MX records ("[host]:port" skips the MX lookup).' }),
  log_level: key(z.enum(['trace', 'debug', 'info', 'warn', 'error']), { default: 'info', doc: 'Least severe log events written; trace includes protocol dialogues (never secrets).' }),
  shutdown_timeout: key(duration, { default: '30s', doc: 'On SIGTERM/SIGINT, how long sessions may take to finish before they are closed.' }),
  listener: key(z.array(listenerSchema), { default: [], doc: 'The listeners, as [[listener]] tables; any number, each with its own rules.' }),
  tls: key(z.strictObject(tlsSettings), { default: {}, doc: 'Certificates.' }),
  acme: key(z.strictObject(acmeSettings), { default: {}, doc: 'ACME (RFC 8555): obtain and renew the [tls] certificate automatically.' }),
  smtp: key(z.strictObject(smtpSettings), { default: {}, doc: 'SMTP settings.' }),
  imap: key(z.strictObject(imapSettings), { default: {}, doc: 'IMAP settings.' }),
  auth: key(z.strictObject(authSettings), { default: {}, doc: 'Authentication settings.' }),
  mime: key(z.strictObject(mimeSettings), { default: {}, doc: 'MIME structure parsing limits.' }),
  memory: key(z.strictObject(memorySettings), { default: {}, doc: 'How the server process keeps its memory small.' }),
}).superRefine((cfg, ctx) => {
  const seen = new Map<string, number>();
  cfg.listener.forEach((l, i) => {
    const prev = seen.get(l.name);
    if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['listener', i, 'name'], message: `"${l.name}" is already the name of listener[${prev}]` });
    seen.set(l.name, i);
    if (l.client_certificates && cfg.tls.client_ca === undefined) ctx.addIssue({ code: 'custom', path: ['listener', i, 'client_certificates'], message: 'needs [tls] client_ca, the CAs client certificates are verified against' });
    if (l.client_certificates && l.tls === 'none') ctx.addIssue({ code: 'custom', path: ['listener', i, 'client_certificates'], message: 'needs tls = "starttls" or "implicit"' });
    if (l.protocol === 'http' && l.tls === 'starttls') ctx.addIssue({ code: 'custom', path: ['listener', i, 'tls'], message: 'http has no STARTTLS; use "none" or "implicit"' });
  });
});

export type Config = z.output<typeof configSchema>;
export type ListenerConfig = z.output<typeof listenerSchema>;
export type ListenerLimits = z.output<typeof listenerLimitsSchema>;
