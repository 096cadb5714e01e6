// Starts a complete Postern in-process for wire tests: a temp data directory, a self-signed
// certificate, the real SQLite store, listeners on 127.0.0.1 port 0. Tests talk to it over sockets.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type Protocol } from '../../src/config/index.ts';
import { createMemoryLogger, silentLogger, type Logger } from '../../src/observe/index.ts';
import type { HandlerFactory } from '../../src/protocols.ts';
import { openContext, startServer, type RunningServer } from '../../src/server.ts';
import { createSelfSigned } from '../../src/tls/index.ts';

export interface TestServerOptions {
  /** Listeners as in postern.toml; address defaults to 127.0.0.1:0. */
  listeners?: { name?: string; protocol: Protocol; tls?: 'none' | 'starttls' | 'implicit'; address?: string; [k: string]: unknown }[];
  /** Other top-level config keys (mynetworks, smtp = {...}, …). */
  config?: Record<string, unknown>;
  domains?: string[];
  /** Accounts to create: address → password. */
  users?: Record<string, string>;
  aliases?: Record<string, string[]>;
  /** Keep log lines in memory (`server.logLines`) instead of discarding them. */
  captureLogs?: boolean;
  /** Handler factories to use instead of the registry (e.g. a test protocol). */
  handlers?: Partial<Record<string, HandlerFactory>>;
  hostname?: string;
}

export interface TestServer extends RunningServer {
  dataDir: string;
  /** PEM of the self-signed certificate, for clients to trust. */
  certPem: string;
  logLines: Record<string, unknown>[];
  /** Stops the server and removes the data directory. */
  close(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'postern-test-'));
  const hostname = opts.hostname ?? 'mail.example.test';
  const cert = createSelfSigned([hostname, 'localhost', '127.0.0.1']);
  await mkdir(join(dataDir, 'tls'));
  await writeFile(join(dataDir, 'tls', 'cert.pem'), cert.certPem);
  await writeFile(join(dataDir, 'tls', 'key.pem'), cert.keyPem, { mode: 0o600 });
  const listeners = (opts.listeners ?? []).map((l, i) => ({ name: l.name ?? `${l.protocol}${i}`, address: '127.0.0.1:0', ...l }));
  const config = validateConfig({ hostname, shutdown_timeout: '5s', ...opts.config, listener: listeners }, 'test config');
  const memory = opts.captureLogs ? createMemoryLogger('debug') : undefined;
  const log: Logger = memory ?? silentLogger;
  const ctx = await openContext(dataDir, config, { log });
  for (const d of opts.domains ?? ['example.test']) await ctx.store.addDomain(d);
  for (const [address, password] of Object.entries(opts.users ?? {})) await ctx.directory.createUser(address, password);
  for (const [address, targets] of Object.entries(opts.aliases ?? {})) await ctx.store.addAlias(address, targets);
  const server = await startServer(ctx, opts.handlers);
  return {
    ...server,
    dataDir,
    certPem: cert.certPem,
    logLines: memory?.lines ?? [],
    async close() {
      await server.stop(2000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
