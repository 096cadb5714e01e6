// TLS server contexts for every listener (RFC 8446, RFC 5246 with RFC 9325's recommendations):
// the certificate chosen by SNI (RFC 6066 §3) among the [tls] certificates, ECDSA and RSA side by
// side for the same names, session resumption by tickets with a rotating key, reload on demand
// (SIGHUP) and when the files change, and the ACME TLS-ALPN-01 responder (RFC 8737).
//
// Reload never disturbs established connections: each TLS connection keeps the context it was
// handshaken with; only new handshakes see the new certificates. A reload whose files are unusable
// keeps the old contexts and logs why.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { createSecureContext, type SecureContext, type SecureContextOptions, type Server, type TlsOptions } from 'node:tls';
import type { Config } from '../config/index.ts';
import { ConfigError } from '../errors/index.ts';
import { silentLogger, type Logger } from '../observe/index.ts';
import { CertificateError, loadCertificate, type LoadedCertificate } from './certificates.ts';
import { AcmeChallenges } from './challenges.ts';
import { baseContextOptions } from './options.ts';
import { createHandshakeCallbacks } from './handshake.ts';
import { buildSniTable, lookupSni, type SniTable } from './sni.ts';
import { watchFiles, type FileWatch } from './watch.ts';

export type TlsReloadResult = { ok: true; changed: boolean } | { ok: false; error: string };

export interface ServerOptionsRequest {
  /**
   * ALPN protocol ids this listener speaks, in preference order (RFC 7301; "smtp", "imap", "pop3",
   * "managesieve", "http/1.1"). A client offering only other ids gets a no_application_protocol
   * alert (RFC 9325 §3.8, the ALPACA defence). Default: any of those five.
   */
  alpn?: readonly string[];
  /** The listener's name: its own certificate ([[listener]] certificate/private_key) is its default. */
  listener?: string;
}

export interface TlsProvider {
  /**
   * Options for `new TLSSocket(socket, { isServer: true, ...serverOptions() })` or tls.createServer;
   * call it per connection (a tls.Server made once should be passed to attachServer too).
   */
  serverOptions(req?: ServerOptionsRequest): TlsOptions;
  /** The context for a server name (SNI); the default when none matches. */
  contextFor(servername: string | undefined): SecureContext;
  /** Re-reads the certificate files; keeps the old contexts (and logs why) when they are unusable. */
  reload(): TlsReloadResult;
  /** The certificates in use, the default first. */
  certificates(): readonly LoadedCertificate[];
  /** Keeps a long-lived tls.Server's default certificate and ticket key current; returns a detach function. */
  attachServer(server: Server): () => void;
  /** Replaces the session ticket key now (also done every tls.ticket_key_rotation). */
  rotateTicketKey(): void;
  /** Pending ACME challenge answers (HTTP-01 tokens, TLS-ALPN-01 certificates). */
  readonly challenges: AcmeChallenges;
  /** Starts watching the files (if configured) and rotating the session ticket key. */
  start(): void;
  /** Stops the watchers and timers. */
  close(): void;
}

import { ACME_TLS_ALPN, defaultAlpn } from './handshake.ts';
export { ACME_TLS_ALPN };

export type TlsSettings = Config['tls'];

export interface TlsProviderOptions {
  dataDir: string;
  settings: TlsSettings;
  /** Listeners with a certificate of their own (the default for handshakes on that listener). */
  listeners?: readonly { name: string; certificate?: string | undefined; private_key?: string | undefined; client_certificates?: boolean }[];
  log?: Logger;
}

interface DefaultContext {
  ctx: SecureContext;
  /** Certificate and key PEMs of the context (for tls.createServer's own context). */
  pems: { cert: Buffer[]; key: Buffer[] };
}

interface State {
  certs: LoadedCertificate[];
  defaultContext: SecureContext;
  defaultPems: { cert: Buffer[]; key: Buffer[] };
  /** Per-listener defaults, by listener name. */
  listenerDefaults: ReadonlyMap<string, DefaultContext>;
  table: SniTable<SecureContext>;
}

/**
 * One context per distinct set of certificates. The default context holds, beside the [tls]
 * certificate, the first certificate of each other key type that covers the same first name, so an
 * ECDSA and an RSA certificate are served side by side and OpenSSL picks by the client's signature
 * algorithms. A context chosen by SNI holds one certificate: Node's SNI switch (UseSNIContext)
 * installs only the last certificate of a context, so a name other than the default's is served
 * with the first certificate configured for it. TODO(RFC 6066 §3): both key types for SNI names.
 */
function buildState(certs: LoadedCertificate[], base: SecureContextOptions, log: Logger, listenerCerts: ReadonlyMap<string, number>): State {
  const names: string[] = [];
  for (const c of certs) for (const n of c.names) if (!names.includes(n)) names.push(n);
  const groupOf = (name: string): number[] => {
    const byType = new Map<string, number>();
    certs.forEach((c, i) => {
      if (c.names.includes(name) && !byType.has(c.keyType)) byType.set(c.keyType, i);
    });
    return [...byType.values()];
  };
  // The default of a certificate: its name's group when that holds it, else itself alone.
  const defaultGroupOf = (index: number): number[] => {
    const first = certs[index]!.names[0];
    const group = first !== undefined ? groupOf(first) : [];
    return group.includes(index) ? group : [index];
  };
  const defaultGroup = defaultGroupOf(0);
  const pemsOf = (group: number[]) => ({ cert: group.map((i) => certs[i]!.certPem), key: group.map((i) => certs[i]!.keyPem) });
  const contexts = new Map<string, SecureContext>();
  const contextOf = (group: number[]): SecureContext => {
    const id = group.join(',');
    let ctx = contexts.get(id);
    if (!ctx) {
      ctx = createSecureContext({ ...base, cert: group.map((i) => certs[i]!.certPem), key: group.map((i) => certs[i]!.keyPem) });
      contexts.set(id, ctx);
    }
    return ctx;
  };
  const defaultContext = contextOf(defaultGroup);
  const sniContextOf = (name: string): SecureContext => {
    const group = groupOf(name);
    if (group.join(',') === defaultGroup.join(',')) return defaultContext;
    if (group.length > 1) log.warn('tls.sni.single_key_type', { name, served: certs[group[0]!]!.certPath, unused: group.slice(1).map((i) => certs[i]!.certPath) });
    return contextOf(group.slice(0, 1));
  };
  const listenerDefaults = new Map<string, DefaultContext>();
  for (const [name, index] of listenerCerts) {
    const group = defaultGroupOf(index);
    listenerDefaults.set(name, { ctx: contextOf(group), pems: pemsOf(group) });
  }
  return {
    certs,
    defaultContext,
    defaultPems: pemsOf(defaultGroup),
    listenerDefaults,
    table: buildSniTable(names.map((n) => ({ names: [n], value: sniContextOf(n) }))),
  };
}

interface CertificateFile { key: string; cert: string; priv: string }

/** The files to load, in order ([tls], [[tls.certificates]], listeners'), and which listener owns which. */
function certificateFiles(opts: TlsProviderOptions): { files: CertificateFile[]; listenerCerts: Map<string, number> } {
  const s = opts.settings;
  const resolve = (p: string) => (isAbsolute(p) ? p : join(opts.dataDir, p));
  const files: CertificateFile[] = [
    { key: 'tls', cert: resolve(s.certificate), priv: resolve(s.private_key) },
    ...s.certificates.map((c, i) => ({ key: `tls.certificates[${i}]`, cert: resolve(c.certificate), priv: resolve(c.private_key) })),
  ];
  const listenerCerts = new Map<string, number>();
  (opts.listeners ?? []).forEach((l, i) => {
    if (!l.certificate !== !l.private_key) throw new ConfigError(`listener[${i}].${l.certificate ? 'private_key' : 'certificate'}`, 'set both certificate and private_key, or neither');
    if (!l.certificate || !l.private_key) return;
    listenerCerts.set(l.name, files.length);
    files.push({ key: `listener[${i}]`, cert: resolve(l.certificate), priv: resolve(l.private_key) });
  });
  return { files, listenerCerts };
}

/** The provider is a closure over its current state; its methods are short, the function is their sum. */
export function createTlsProvider(opts: TlsProviderOptions): TlsProvider {
  const log = opts.log ?? silentLogger;
  const s = opts.settings;
  const { files, listenerCerts } = certificateFiles(opts);
  let ticketKeys = randomBytes(48);
  // Client certificates (SASL EXTERNAL) are verified against [tls] client_ca. Every context carries
  // it, since SNI may switch contexts mid-handshake; only listeners with client_certificates ask.
  const clientCaPath = s.client_ca === undefined ? undefined : isAbsolute(s.client_ca) ? s.client_ca : join(opts.dataDir, s.client_ca);
  const readClientCa = (): Buffer | undefined => {
    if (clientCaPath === undefined) return undefined;
    try {
      return readFileSync(clientCaPath);
    } catch (err) {
      throw new ConfigError('tls.client_ca', `${clientCaPath} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  let clientCa = readClientCa();
  const certListeners = new Set((opts.listeners ?? []).filter((l) => l.client_certificates).map((l) => l.name));
  const base = (): SecureContextOptions => ({
    ...baseContextOptions({ sessionTimeoutSeconds: Math.max(1, Math.round(s.session_timeout / 1000)), ticketKeys }),
    ...(clientCa ? { ca: clientCa } : {}),
  });

  const loadAll = (): LoadedCertificate[] => files.map((f) => loadCertificate(f.cert, f.priv));
  let state: State;
  try {
    state = buildState(loadAll(), base(), log, listenerCerts);
  } catch (err) {
    if (err instanceof CertificateError) {
      const f = files.find((x) => x.cert === err.file || x.priv === err.file);
      throw new ConfigError(f ? `${f.key}.${f.cert === err.file ? 'certificate' : 'private_key'}` : 'tls', err.message);
    }
    throw err;
  }
  const now = () => Date.now();
  const warnExpiry = (certs: readonly LoadedCertificate[]) => {
    for (const c of certs) if (c.notAfter.getTime() < now()) log.warn('tls.certificate.expired', { file: c.certPath, notAfter: c.notAfter.toISOString() });
  };
  warnExpiry(state.certs);

  const challenges = new AcmeChallenges(base);
  const servers = new Set<Server>();
  const defaultServerOptions = (): SecureContextOptions => ({ ...base(), ...state.defaultPems });
  const updateServers = () => {
    for (const srv of servers) srv.setSecureContext(defaultServerOptions());
  };

  const { sniCallback, alpnCallback } = createHandshakeCallbacks({ current: () => state, challenges, log });

  let watcher: FileWatch | undefined;
  let rotation: NodeJS.Timeout | undefined;

  const provider: TlsProvider = {
    challenges,
    serverOptions(req = {}) {
      const own = req.listener !== undefined ? state.listenerDefaults.get(req.listener) : undefined;
      const initial = own ?? { ctx: state.defaultContext, pems: state.defaultPems };
      return {
        ...base(),
        ...initial.pems,
        secureContext: initial.ctx,
        SNICallback: sniCallback(initial.ctx),
        ALPNCallback: alpnCallback(req.alpn ?? defaultAlpn),
        // Optional for the client: a session without a certificate goes on, only EXTERNAL is refused.
        ...(req.listener !== undefined && certListeners.has(req.listener) ? { requestCert: true, rejectUnauthorized: false } : {}),
      };
    },
    contextFor: (servername) => lookupSni(state.table, servername) ?? state.defaultContext,
    certificates: () => state.certs,
    reload() {
      let certs: LoadedCertificate[];
      let next: State;
      try {
        clientCa = readClientCa();
        certs = loadAll();
        if (certs.every((c, i) => c.contentHash === state.certs[i]?.contentHash)) return { ok: true, changed: false };
        next = buildState(certs, base(), log, listenerCerts);
      } catch (err) {
        const error = (err as Error).message;
        log.error('tls.reload.failed', { error, kept: state.certs.map((c) => c.certPath) });
        return { ok: false, error };
      }
      state = next;
      updateServers();
      warnExpiry(certs);
      log.info('tls.reload.ok', { certificates: certs.map((c) => ({ file: c.certPath, names: c.names, keyType: c.keyType, notAfter: c.notAfter.toISOString() })) });
      return { ok: true, changed: true };
    },
    rotateTicketKey() {
      ticketKeys = randomBytes(48);
      state = buildState(state.certs, base(), log, listenerCerts);
      updateServers();
      log.debug('tls.ticket_key.rotated', {});
    },
    attachServer(server) {
      servers.add(server);
      server.setSecureContext(defaultServerOptions());
      return () => servers.delete(server);
    },
    start() {
      if (rotation) return;
      // RFC 9325 §3.4 (and RFC 8446 §4.6.1): rotate the ticket key; tickets sealed with the old key
      // simply fall back to a full handshake.
      rotation = setInterval(() => provider.rotateTicketKey(), s.ticket_key_rotation);
      rotation.unref();
      if (s.watch) {
        watcher = watchFiles(files.flatMap((f) => [f.cert, f.priv]), () => provider.reload(), { debounceMs: s.watch_debounce, pollMs: s.watch_poll_interval });
      }
    },
    close() {
      clearInterval(rotation);
      rotation = undefined;
      watcher?.close();
      watcher = undefined;
    },
  };
  return provider;
}

/** The provider of the first skeleton: one certificate, default settings. */
export function createFileTlsProvider(opts: { dataDir: string; certificate: string; privateKey: string; log?: Logger }): TlsProvider {
  return createTlsProvider({
    dataDir: opts.dataDir,
    log: opts.log,
    settings: {
      certificate: opts.certificate, private_key: opts.privateKey, certificates: [],
      session_timeout: 7_200_000, ticket_key_rotation: 43_200_000, watch: false, watch_debounce: 1000, watch_poll_interval: 30_000,
    },
  });
}

/** A provider for a server without certificates: every use is an error. */
export const noTlsProvider: TlsProvider = {
  serverOptions: () => { throw new Error('no certificate configured'); },
  contextFor: () => { throw new Error('no certificate configured'); },
  reload: () => ({ ok: false, error: 'no certificate configured' }),
  certificates: () => [],
  attachServer: () => { throw new Error('no certificate configured'); },
  rotateTicketKey: () => {},
  challenges: new AcmeChallenges(() => ({})),
  start: () => {},
  close: () => {},
};
