// Keeps the [tls] certificate issued and renewed by an ACME CA (RFC 8555): checks on start and
// every acme.check_interval, orders a certificate when there is none from the CA, when it does not
// cover every name, or when it expires within acme.renew_before; answers the challenges through
// the TLS provider (HTTP-01 on `http` listeners, TLS-ALPN-01 on TLS listeners); writes key and
// chain atomically (key mode 0600) and reloads. A failed attempt keeps the old certificate and
// is retried after acme.retry_interval (or the CA's Retry-After, if longer).
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { Config } from '../../config/index.ts';
import type { Logger } from '../../observe/index.ts';
import { dnsNamesOf } from '../certificates.ts';
import { generateKey, keyTypeOf, type KeyType } from '../keys.ts';
import type { TlsProvider } from '../provider.ts';
import { createAlpnChallengeCertificate } from './alpn-cert.ts';
import { AcmeClient, AcmeError, type AcmeAuthorization, type AcmeOrder } from './client.ts';
import { createCsr } from './csr.ts';
import { writeFileAtomic } from './files.ts';
import { accountKeyFrom, generateAccountKey, keyAuthorization, type AccountKey } from './jws.ts';

export interface AcmeManagerOptions {
  dataDir: string;
  hostname: string;
  acme: Config['acme'];
  tlsSettings: Config['tls'];
  tls: TlsProvider;
  log: Logger;
  clock: { now(): Date };
  /** Polling start delay (tests use the default too; it only shortens waits on a fast CA). */
  pollInitialMs?: number;
}

export type AcmeCheck =
  | { outcome: 'fresh'; notAfter: Date }
  | { outcome: 'issued'; reason: string; notAfter: Date }
  | { outcome: 'failed'; reason: string; error: string; retryAfterMs?: number };

export class AcmeManager {
  private readonly o: AcmeManagerOptions;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AcmeCheck> | undefined;

  constructor(o: AcmeManagerOptions) {
    this.o = o;
  }

  private path(p: string): string {
    return isAbsolute(p) ? p : join(this.o.dataDir, p);
  }

  get hostnames(): string[] {
    return this.o.acme.hostnames.length > 0 ? [...this.o.acme.hostnames] : [this.o.hostname];
  }

  /** Why the current certificate needs replacing, or undefined when it is fine. */
  renewalReason(): string | undefined {
    const file = this.path(this.o.tlsSettings.certificate);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(readFileSync(file));
    } catch {
      return 'no usable certificate';
    }
    if (cert.issuer === cert.subject && cert.verify(cert.publicKey)) return 'self-signed';
    const names = dnsNamesOf(cert);
    const missing = this.hostnames.filter((h) => !names.includes(h.toLowerCase()));
    if (missing.length > 0) return `does not cover ${missing.join(', ')}`;
    const left = cert.validToDate.getTime() - this.o.clock.now().getTime();
    if (left <= this.o.acme.renew_before) return `expires ${cert.validToDate.toISOString()}`;
    return undefined;
  }

  /** Checks now and schedules the next check. */
  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.abort.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.check().then((r) => {
        this.schedule(r.outcome === 'failed' ? Math.max(this.o.acme.retry_interval, r.retryAfterMs ?? 0) : this.o.acme.check_interval);
      });
    }, ms);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One check: issue or renew if needed. Never throws; concurrent calls share one attempt. */
  check(): Promise<AcmeCheck> {
    this.running ??= this.checkOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkOnce(): Promise<AcmeCheck> {
    const reason = this.renewalReason();
    if (reason === undefined) {
      const notAfter = new X509Certificate(readFileSync(this.path(this.o.tlsSettings.certificate))).validToDate;
      this.o.log.debug('acme.certificate.fresh', { notAfter: notAfter.toISOString() });
      return { outcome: 'fresh', notAfter };
    }
    this.o.log.info('acme.order.start', { reason, hostnames: this.hostnames, challenge: this.o.acme.challenge });
    try {
      const notAfter = await this.issue();
      this.o.log.info('acme.certificate.issued', { hostnames: this.hostnames, notAfter: notAfter.toISOString() });
      return { outcome: 'issued', reason, notAfter };
    } catch (err) {
      const error = (err as Error).message;
      const retryAfterMs = err instanceof AcmeError ? err.retryAfterMs : undefined;
      this.o.log.error('acme.order.failed', { reason, error, keptCertificate: this.path(this.o.tlsSettings.certificate) });
      return { outcome: 'failed', reason, error, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
  }

  private async loadAccountKey(): Promise<AccountKey> {
    const file = this.path(this.o.acme.account_key);
    if (existsSync(file)) return accountKeyFrom(readFileSync(file));
    const { key, pem } = generateAccountKey();
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, pem, 0o600);
    this.o.log.info('acme.account_key.created', { file });
    return key;
  }

  /** The certificate key: the current one when acme.reuse_key and of the configured type (DANE 3 1 1 stays valid). */
  private certificateKey(): KeyObject {
    const want = this.o.acme.key_type as KeyType;
    if (this.o.acme.reuse_key) {
      try {
        const current = createPrivateKey(readFileSync(this.path(this.o.tlsSettings.private_key)));
        if (keyTypeOf(current) === want) return current;
      } catch {
        // none yet, or unreadable: make a new one
      }
    }
    return generateKey(want).privateKey;
  }

  private async issue(): Promise<Date> {
    const a = this.o.acme;
    const deadline = Date.now() + a.order_timeout;
    const accountKey = await this.loadAccountKey();
    const client = new AcmeClient({
      directoryUrl: a.directory_url,
      accountKey,
      ca: a.ca_file ? readFileSync(this.path(a.ca_file)) : undefined,
      timeoutMs: a.request_timeout,
      maxResponseBytes: a.max_response_bytes,
      log: this.o.log,
      signal: this.abort.signal,
      ...(this.o.pollInitialMs !== undefined ? { pollInitialMs: this.o.pollInitialMs } : {}),
    });
    try {
      await client.account(a.email);
      const { url: orderUrl, order } = await client.newOrder(this.hostnames);
      for (const authzUrl of order.authorizations) await this.authorize(client, accountKey, authzUrl, deadline);
      const ready = await client.poll<AcmeOrder>(orderUrl, (o) => o.status !== 'pending' && o.status !== 'processing', deadline);
      if (ready.status !== 'ready' && ready.status !== 'valid') throw new AcmeError(`order is ${ready.status}: ${ready.error?.detail ?? ''}`.trim());
      const key = this.certificateKey();
      let done = ready.status === 'valid' ? ready : await client.finalize(ready.finalize, createCsr(this.hostnames, key));
      if (done.status !== 'valid') done = await client.poll<AcmeOrder>(orderUrl, (o) => o.status === 'valid' || o.status === 'invalid', deadline);
      if (done.status !== 'valid' || !done.certificate) throw new AcmeError(`order is ${done.status} after finalize: ${done.error?.detail ?? ''}`.trim());
      const chain = await client.downloadCertificate(done.certificate);
      const leaf = new X509Certificate(chain);
      if (!leaf.checkPrivateKey(key)) throw new AcmeError('the issued certificate does not match our key');
      await this.install(chain, key);
      return leaf.validToDate;
    } finally {
      client.close();
    }
  }

  private async authorize(client: AcmeClient, accountKey: AccountKey, url: string, deadline: number): Promise<void> {
    const authz = await client.get<AcmeAuthorization>(url);
    if (authz.status === 'valid') return; // RFC 8555 §7.1.4: reused authorisation
    if (authz.status !== 'pending') throw new AcmeError(`authorization for ${authz.identifier.value} is ${authz.status}`);
    const type = this.o.acme.challenge;
    const ch = authz.challenges.find((c) => c.type === type);
    if (!ch) throw new AcmeError(`the CA offers no ${type} challenge for ${authz.identifier.value} (offered: ${authz.challenges.map((c) => c.type).join(', ')})`);
    const host = authz.identifier.value;
    const keyAuth = keyAuthorization(ch.token, accountKey);
    const challenges = this.o.tls.challenges;
    if (type === 'http-01') challenges.setHttp(ch.token, keyAuth);
    else {
      const c = createAlpnChallengeCertificate(host, keyAuth);
      challenges.setAlpn(host, c.certPem, c.keyPem);
    }
    try {
      this.o.log.info('acme.challenge.ready', { host, type });
      await client.respond(ch.url);
      const final = await client.poll<AcmeAuthorization>(url, (z) => z.status !== 'pending', deadline);
      if (final.status !== 'valid') {
        const failed = final.challenges.find((c) => c.type === type);
        throw new AcmeError(`${type} validation of ${host} failed: ${failed?.error?.detail ?? final.status}`);
      }
    } finally {
      if (type === 'http-01') challenges.deleteHttp(ch.token);
      else challenges.deleteAlpn(host);
    }
  }

  /** Writes the key first, then the chain (each atomically), then reloads the TLS contexts. */
  private async install(chain: string, key: KeyObject): Promise<void> {
    const keyFile = this.path(this.o.tlsSettings.private_key);
    const certFile = this.path(this.o.tlsSettings.certificate);
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    await writeFileAtomic(keyFile, key.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    await writeFileAtomic(certFile, chain, 0o644);
    const r = this.o.tls.reload();
    if (!r.ok) throw new AcmeError(`the new certificate was written but could not be loaded: ${r.error}`);
  }
}

export function createAcmeManager(o: AcmeManagerOptions): AcmeManager {
  return new AcmeManager(o);
}
