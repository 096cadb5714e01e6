// Shared set-up of the sasl unit tests: a real SQLite store in a temp dir, an authenticator with
// fast argon2 parameters, an injectable clock and a sleep that records delays instead of waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAuthSettings } from '../config/index.ts';
import { createMemoryLogger } from '../observe/index.ts';
import { SqliteStore, type Account } from '../store/index.ts';
import { PasswordAuthenticator } from './authenticator.ts';
import { makePasswordRecord, recordOptionsFromSettings } from './credentials.ts';
import type { AuthSettings } from './mechanism.ts';
import type { AuthConnection, SaslExchange, SaslStep } from './types.ts';

export const fastArgon2 = { argon2_memory_kib: 1024, argon2_passes: 1, argon2_parallelism: 1 };

/** The two account operations of src/directory the tests need (sasl may not import directory: cycle). */
export interface MiniDirectory {
  createUser(address: string, password: string | null): Promise<Account>;
  importUser(address: string, rec: { passwordHash: string | null }, opts?: { quotaBytes?: number | null }): Promise<Account>;
}

export interface Fixture {
  store: SqliteStore;
  directory: MiniDirectory;
  auth: PasswordAuthenticator;
  settings: AuthSettings;
  log: ReturnType<typeof createMemoryLogger>;
  clock: { t: number };
  delays: number[];
  close(): Promise<void>;
}

export async function makeFixture(overrides: Partial<AuthSettings> = {}, opts: { fetch?: typeof fetch } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'postern-sasl-'));
  const store = new SqliteStore({ path: join(dir, 'db.sqlite') });
  const settings: AuthSettings = { ...defaultAuthSettings(), ...fastArgon2, scram_iterations: 4096, ...overrides };
  const directory: MiniDirectory = {
    async createUser(address, password) {
      const rec = password === null ? { passwordHash: null, credentials: {} } : await makePasswordRecord(password, recordOptionsFromSettings(settings));
      return store.addAccount({ address, ...rec });
    },
    importUser: (address, rec, opts = {}) => store.addAccount({ address, passwordHash: rec.passwordHash, quotaBytes: opts.quotaBytes ?? null }),
  };
  await store.addDomain('example.test');
  const log = createMemoryLogger('debug');
  const clock = { t: Date.parse('2026-01-01T00:00:00Z') };
  const delays: number[] = [];
  const auth = new PasswordAuthenticator(store, {
    settings, log, now: () => new Date(clock.t), sleep: async (ms) => void delays.push(ms), ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return {
    store, directory, auth, settings, log, clock, delays,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function conn(over: Partial<AuthConnection> = {}): AuthConnection {
  return { protocol: 'imap', remoteAddress: '192.0.2.10', secure: true, allowPlaintext: false, ...over };
}

/** Runs a whole exchange: the responses in order (null for "no initial response"), returns every step. */
export async function run(ex: SaslExchange, responses: (string | Uint8Array | null)[]): Promise<SaslStep[]> {
  const out: SaslStep[] = [];
  for (const r of responses) {
    const step = await ex.step(typeof r === 'string' ? Buffer.from(r) : r);
    out.push(step);
    if (step.kind !== 'challenge') break;
  }
  return out;
}

export const text = (s: SaslStep | undefined) => (s && (s.kind === 'challenge' || s.kind === 'success') && s.data ? Buffer.from(s.data).toString() : '');
