// Building the Context from a data directory and running every listener: what `postern start`
// does, and what tests do in-process with port 0 and a temp directory.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Config } from './config/index.ts';
import { systemClock, type Clock, type Context } from './context.ts';
import { Directory } from './directory/index.ts';
import { ListenerSet, type BoundListener, type ProtocolHandler } from './net/index.ts';
import { createLogger, type Logger } from './observe/index.ts';
import { protocolHandlers, type HandlerFactory } from './protocols.ts';
import { PasswordAuthenticator, recordOptionsFromSettings } from './sasl/index.ts';
import { BlobStore, lockDataDir, SqliteStore } from './store/index.ts';
import { createAcmeManager, createTlsProvider, noTlsProvider, type TlsProvider } from './tls/index.ts';
import { ConfigError } from './errors/index.ts';

export const databaseFile = 'postern.db';
export const configFile = 'postern.toml';

export interface OpenOptions {
  log?: Logger;
  clock?: Clock;
}

/** Opens the store, blobs, TLS and directory of a data directory. Close with closeContext. */
export async function openContext(dataDir: string, config: Config, opts: OpenOptions = {}): Promise<Context> {
  const log = opts.log ?? createLogger({ level: config.log_level });
  const clock = opts.clock ?? systemClock;
  const resolve = (p: string) => (isAbsolute(p) ? p : join(dataDir, p));
  let tls: TlsProvider | undefined;
  const certPath = resolve(config.tls.certificate);
  const keyPath = resolve(config.tls.private_key);
  if (existsSync(certPath) && existsSync(keyPath)) {
    tls = createTlsProvider({ dataDir, settings: config.tls, listeners: config.listener, log });
  } else if (config.listener.some((l) => l.tls !== 'none')) {
    const missing = existsSync(certPath) ? 'tls.private_key' : 'tls.certificate';
    throw new ConfigError(missing, `${existsSync(certPath) ? keyPath : certPath} does not exist, but listeners use TLS`);
  }
  const store = new SqliteStore({ path: join(dataDir, databaseFile), now: () => clock.now(), indexRecords: config.imap.mailbox_index_messages });
  const blobs = new BlobStore(dataDir);
  await blobs.init();
  const directory = new Directory(store, { recipientDelimiter: config.smtp.recipient_delimiter, passwordRecord: recordOptionsFromSettings(config.auth) });
  return { config, dataDir, log, clock, store, blobs, directory, tls: tls ?? noTlsProvider, auth: new PasswordAuthenticator(store, { settings: config.auth, log, now: () => clock.now() }) };
}

export async function closeContext(ctx: Context): Promise<void> {
  ctx.tls.close();
  await ctx.store.close();
}

export interface RunningServer {
  ctx: Context;
  listeners: BoundListener[];
  /** The bound port of a listener by name (useful with port 0). */
  port(name: string): number;
  /** Graceful stop: listeners close, sessions get shutdown_timeout to finish, the store closes. */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startServer(ctx: Context, factories: Partial<Record<string, HandlerFactory>> = protocolHandlers): Promise<RunningServer> {
  const lock = lockDataDir(ctx.dataDir);
  let set: ListenerSet;
  let bound: BoundListener[];
  try {
    await ctx.blobs.cleanSpool();
    const handlers: Partial<Record<string, ProtocolHandler>> = {};
    for (const [proto, make] of Object.entries(factories)) if (make) handlers[proto] = make(ctx);
    set = new ListenerSet({ listeners: ctx.config.listener, handlers, tls: ctx.tls, log: ctx.log, hostname: ctx.config.hostname });
    bound = await set.start();
  } catch (err) {
    lock.release();
    throw err;
  }
  ctx.tls.start(); // certificate file watching and ticket key rotation
  // ACME starts once the listeners are up: they answer its challenges.
  const acme = ctx.config.acme.enabled
    ? createAcmeManager({ dataDir: ctx.dataDir, hostname: ctx.config.hostname, acme: ctx.config.acme, tlsSettings: ctx.config.tls, tls: ctx.tls, log: ctx.log, clock: ctx.clock })
    : undefined;
  acme?.start();
  let stopping: Promise<void> | undefined;
  return {
    ctx,
    listeners: bound,
    port(name) {
      const l = bound.find((b) => b.name === name);
      if (!l) throw new Error(`no listener named ${name}`);
      return l.port;
    },
    stop(timeoutMs = ctx.config.shutdown_timeout) {
      stopping ??= (async () => {
        ctx.log.info('server.stopping', { timeoutMs, open: set.connectionCount });
        await acme?.stop();
        await set.close(timeoutMs);
        await closeContext(ctx);
        lock.release();
        ctx.log.info('server.stopped', {});
      })();
      return stopping;
    },
  };
}
