// The postern.toml that `postern init` writes: every listener of every protocol that exists, with
// the development ports of DESIGN.md (`--dev`, loopback) or the standard ports.
import type { Protocol } from './schema.ts';

export interface ListenerTemplate { name: string; protocol: Protocol; port: number; tls: 'none' | 'starttls' | 'implicit' }

/** Listeners of the protocols that are implemented; each protocol adds its rows here. */
const listeners: readonly { name: string; protocol: Protocol; dev: number; prod: number; tls: ListenerTemplate['tls'] }[] = [
  { name: 'http', protocol: 'http', dev: 8080, prod: 8080, tls: 'none' },
  { name: 'smtp', protocol: 'smtp', dev: 2525, prod: 25, tls: 'starttls' },
  { name: 'submission', protocol: 'submission', dev: 2587, prod: 587, tls: 'starttls' },
  { name: 'submissions', protocol: 'submission', dev: 2465, prod: 465, tls: 'implicit' },
  { name: 'imap', protocol: 'imap', dev: 2143, prod: 143, tls: 'starttls' },
  { name: 'imaps', protocol: 'imap', dev: 2993, prod: 993, tls: 'implicit' },
];

export function devListeners(): ListenerTemplate[] {
  return listeners.map((l) => ({ name: l.name, protocol: l.protocol, port: l.dev, tls: l.tls }));
}

export function prodListeners(): ListenerTemplate[] {
  return listeners.map((l) => ({ name: l.name, protocol: l.protocol, port: l.prod, tls: l.tls }));
}

export function renderDefaultConfig(opts: { hostname: string; dev: boolean }): string {
  const host = opts.dev ? '127.0.0.1' : '0.0.0.0';
  const rows = opts.dev ? devListeners() : prodListeners();
  const out = [
    '# Postern configuration. Every key is documented in docs/config.md.',
    `# Written by \`postern init\`${opts.dev ? ' --dev (loopback, unprivileged ports)' : ''}.`,
    '',
    `hostname = ${JSON.stringify(opts.hostname)}`,
    '',
    '# Clients allowed to relay without authentication. Keep empty unless you know why.',
    'mynetworks = []',
    '# Domains we accept mail for and forward (backup MX).',
    'relay_domains = []',
    '# relayhost = "[smtp.example.net]:587"',
    '',
    '[tls]',
    'certificate = "tls/cert.pem"',
    'private_key = "tls/key.pem"',
  ];
  for (const l of rows) {
    out.push('', '[[listener]]', `name = ${JSON.stringify(l.name)}`, `protocol = ${JSON.stringify(l.protocol)}`, `address = "${host}:${l.port}"`, `tls = ${JSON.stringify(l.tls)}`);
    if (opts.dev && l.tls !== 'implicit' && l.protocol !== 'http' && l.protocol !== 'smtp') out.push('allow_plaintext_auth = true  # loopback development only');
  }
  return out.join('\n') + '\n';
}
