// The embedded Store on node:sqlite (WAL, synchronous=FULL so a COMMIT is on disk when it returns).
// node:sqlite is synchronous; every method is still async to keep the interface backend-neutral.
import { closeSync, fdatasync, openSync } from 'node:fs';
import { promisify } from 'node:util';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { UserError } from '../../errors/index.ts';
import type {
  Account, Alias, AppPassword, BlobRef, CopyResult, Delivered, DeliveryBatchItem, DeliveryTarget, Domain, FlagOperation, FlagState, Mailbox, MailboxChange,
  MailboxChanges, MessageRecord, NewMessage, NewQueueMessage, QueuedMessage, Store,
} from '../types.ts';
import { systemFlags } from '../types.ts';
import { MailboxIndex, MailboxRecords, StoredMessage } from './mailbox-index.ts';
import { latestVersion, migrations } from './migrations.ts';

type Row = Record<string, SQLInputValue>;

const fdatasyncAsync = promisify(fdatasync);

/** Every column of messages but the structure JSON (loaded on first access instead). */
const messageColumnsLean = 'id, mailbox_id, uid, modseq, blob_hash, prefix, size, internal_date, system_flags, keywords';

/** Bit i of system_flags is systemFlags[i]. */
export function flagsToBits(flags: readonly string[]): { bits: number; keywords: string[] } {
  let bits = 0;
  const keywords: string[] = [];
  for (const f of flags) {
    const i = systemFlags.findIndex((s) => s.toLowerCase() === f.toLowerCase());
    if (i >= 0) bits |= 1 << i;
    else if (!keywords.some((k) => k.toLowerCase() === f.toLowerCase())) keywords.push(f);
  }
  return { bits, keywords };
}

export function bitsToFlags(bits: number, keywords: string[]): string[] {
  const out: string[] = [];
  systemFlags.forEach((f, i) => {
    if (bits & (1 << i)) out.push(f);
  });
  return out.concat(keywords);
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) throw new UserError('bad-address', `"${address}" is not an address (expected local@domain or @domain)`);
  return address.slice(at + 1).toLowerCase();
}

/** Canonical form of an address: domain lower-cased, local part kept. */
export function canonicalAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at) + '@' + address.slice(at + 1).toLowerCase();
}

export interface SqliteStoreOptions {
  /** Path of the database file, or ":memory:". */
  path: string;
  now?: () => Date;
  /** Message records of recently used mailboxes kept in memory (mailbox-index.ts); default 100,000. */
  indexRecords?: number;
}

export class SqliteStore implements Store {
  readonly db: DatabaseSync;
  private readonly now: () => Date;
  private readonly watchers = new Map<number, Set<(c: MailboxChange) => void>>();
  private readonly stmts = new Map<string, StatementSync>();
  private readonly index: MailboxIndex;
  /** PRAGMA data_version when the index was last known current (another process's commit changes it). */
  private dataVersion = -1;
  /** The write-ahead log, fsynced after each commit (durable()); undefined for in-memory databases. */
  private readonly walPath: string | undefined;
  private syncInFlight: Promise<void> | undefined;
  private syncNext: Promise<void> | undefined;

  constructor(opts: SqliteStoreOptions) {
    this.now = opts.now ?? (() => new Date());
    this.index = new MailboxIndex(opts.indexRecords ?? 100_000);
    this.db = new DatabaseSync(opts.path);
    // synchronous = NORMAL: a COMMIT writes the log without fsync, and durable() then fsyncs it on
    // the thread pool. That is what FULL does (sync the WAL at each commit), without stopping every
    // session while the disk flushes, and concurrent commits share one fsync (group commit).
    const mode = this.db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
    this.db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    this.walPath = mode.journal_mode === 'wal' ? opts.path + '-wal' : undefined;
    this.migrate();
  }

  /**
   * Resolves when every commit made so far is on disk: the write-ahead log is fdatasync'ed on the
   * thread pool. A sync already running may have begun before the caller's commit, so callers then
   * share the next one.
   */
  durable(): Promise<void> {
    if (this.walPath === undefined) return Promise.resolve();
    if (!this.syncInFlight) return this.startSync();
    const again = (): Promise<void> => {
      this.syncNext = undefined;
      return this.startSync();
    };
    this.syncNext ??= this.syncInFlight.then(again, again);
    return this.syncNext;
  }

  private startSync(): Promise<void> {
    const p: Promise<void> = this.syncWal().finally(() => {
      if (this.syncInFlight === p) this.syncInFlight = undefined;
    });
    this.syncInFlight = p;
    return p;
  }

  private async syncWal(): Promise<void> {
    // A plain fd, opened and closed synchronously (microseconds); only the wait for the disk goes
    // to the thread pool.
    const fd = openSync(this.walPath!, 'r');
    try {
      await fdatasyncAsync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** A write transaction that resolves once durable (CONVENTIONS.md: acknowledged means on disk). */
  private async commit<T>(fn: () => T): Promise<T> {
    const r = this.tx(fn);
    await this.durable();
    return r;
  }

  /** Schema version currently in the file. */
  schemaVersion(): number {
    const r = this.db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    return r?.version ?? 0;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    if (!this.db.prepare('SELECT 1 FROM schema_version').get()) this.db.exec('INSERT INTO schema_version (version) VALUES (0)');
    const current = this.schemaVersion();
    if (current > latestVersion) {
      throw new Error(`database schema version ${current} is newer than this Postern (${latestVersion}); upgrade Postern`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      this.tx(() => {
        this.db.exec(m.sql);
        this.db.prepare('UPDATE schema_version SET version = ?').run(m.version);
      });
    }
  }

  private q(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Runs fn in one IMMEDIATE transaction (a writer lock from the start: no upgrade deadlocks). */
  tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const r = fn();
      this.db.exec('COMMIT');
      return r;
    } catch (err) {
      this.db.exec('ROLLBACK');
      // Writers update the index as they go: after a rollback it may hold what never happened.
      this.index.clear();
      throw err;
    }
  }

  /** Drops the index when another process (a CLI command) committed since we last looked. */
  private checkExternalWrites(): void {
    const v = Number((this.q('PRAGMA data_version').get() as { data_version: number }).data_version);
    if (v !== this.dataVersion) {
      this.index.clear();
      this.dataVersion = v;
    }
  }

  private emit(accountId: number, c: MailboxChange): void {
    for (const l of this.watchers.get(accountId) ?? []) {
      try {
        l(c);
      } catch {
        // A watcher's failure is its own session's problem, never the writer's.
      }
    }
  }

  watch(accountId: number, listener: (c: MailboxChange) => void): () => void {
    let set = this.watchers.get(accountId);
    if (!set) this.watchers.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(accountId);
    };
  }

  // ---- Domains

  private toDomain(r: Row): Domain {
    return { id: Number(r.id), name: String(r.name), createdAt: new Date(Number(r.created_at)) };
  }

  async addDomain(name: string): Promise<Domain> {
    const n = name.toLowerCase();
    if (this.q('SELECT 1 FROM domains WHERE name = ?').get(n)) throw new UserError('exists', `domain "${n}" already exists`);
    const r = this.q('INSERT INTO domains (name, created_at) VALUES (?, ?) RETURNING *').get(n, this.now().getTime()) as Row;
    await this.durable();
    return this.toDomain(r);
  }

  async removeDomain(name: string): Promise<boolean> {
    const d = await this.getDomain(name);
    if (!d) return false;
    const users = this.q('SELECT COUNT(*) AS n FROM accounts WHERE domain_id = ?').get(d.id) as { n: number };
    const aliases = this.q('SELECT COUNT(*) AS n FROM aliases WHERE domain_id = ?').get(d.id) as { n: number };
    if (users.n > 0 || aliases.n > 0) {
      throw new UserError('in-use', `domain "${d.name}" still has ${users.n} account(s) and ${aliases.n} alias target(s); remove them first`);
    }
    this.q('DELETE FROM domains WHERE id = ?').run(d.id);
    await this.durable();
    return true;
  }

  async getDomain(name: string): Promise<Domain | undefined> {
    const r = this.q('SELECT * FROM domains WHERE name = ?').get(name.toLowerCase()) as Row | undefined;
    return r ? this.toDomain(r) : undefined;
  }

  async listDomains(): Promise<Domain[]> {
    return (this.q('SELECT * FROM domains ORDER BY name').all() as Row[]).map((r) => this.toDomain(r));
  }

  private requireDomain(address: string): Domain {
    const name = domainOf(address);
    const r = this.q('SELECT * FROM domains WHERE name = ?').get(name) as Row | undefined;
    if (!r) throw new UserError('no-domain', `domain "${name}" is not a local domain (add it with \`postern domain add ${name}\`)`);
    return this.toDomain(r);
  }

  // ---- Accounts

  private toAccount(r: Row): Account {
    return {
      id: Number(r.id),
      address: String(r.address),
      domainId: Number(r.domain_id),
      passwordHash: r.password_hash === null ? null : String(r.password_hash),
      credentials: JSON.parse(String(r.credentials)) as Record<string, unknown>,
      quotaBytes: r.quota_bytes === null ? null : Number(r.quota_bytes),
      usedBytes: Number(r.used_bytes),
      disabled: Number(r.disabled) !== 0,
      createdAt: new Date(Number(r.created_at)),
    };
  }

  async addAccount(a: { address: string; passwordHash: string | null; credentials?: Record<string, unknown>; quotaBytes?: number | null }): Promise<Account> {
    const address = canonicalAddress(a.address);
    const d = this.requireDomain(address);
    if (this.q('SELECT 1 FROM accounts WHERE address = ?').get(address)) throw new UserError('exists', `account "${address}" already exists`);
    if (this.q('SELECT 1 FROM aliases WHERE address = ?').get(address)) throw new UserError('exists', `"${address}" is an alias; remove the alias first`);
    const r = this.q('INSERT INTO accounts (address, domain_id, password_hash, credentials, quota_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *')
      .get(address, d.id, a.passwordHash, JSON.stringify(a.credentials ?? {}), a.quotaBytes ?? null, this.now().getTime()) as Row;
    await this.durable();
    return this.toAccount(r);
  }

  async removeAccount(address: string): Promise<boolean> {
    const acct = await this.getAccount(address);
    if (!acct) return false;
    await this.commit(() => {
      // Release the account's references on shared blobs; files with no reference left are removed by blob GC.
      this.q(`UPDATE blobs SET refcount = refcount - (SELECT COUNT(*) FROM messages m JOIN mailboxes b ON m.mailbox_id = b.id
              WHERE b.account_id = ? AND m.blob_hash = blobs.hash) WHERE hash IN (SELECT m.blob_hash FROM messages m JOIN mailboxes b ON m.mailbox_id = b.id WHERE b.account_id = ?)`).run(acct.id, acct.id);
      this.q('DELETE FROM accounts WHERE id = ?').run(acct.id);
    });
    this.index.clear();
    return true;
  }

  async getAccount(address: string): Promise<Account | undefined> {
    const r = this.q('SELECT * FROM accounts WHERE address = ?').get(canonicalAddress(address)) as Row | undefined;
    return r ? this.toAccount(r) : undefined;
  }

  async getAccountById(id: number): Promise<Account | undefined> {
    const r = this.q('SELECT * FROM accounts WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toAccount(r) : undefined;
  }

  async listAccounts(domain?: string): Promise<Account[]> {
    const rows = domain === undefined
      ? this.q('SELECT * FROM accounts ORDER BY address').all()
      : this.q('SELECT a.* FROM accounts a JOIN domains d ON a.domain_id = d.id WHERE d.name = ? ORDER BY a.address').all(domain.toLowerCase());
    return (rows as Row[]).map((r) => this.toAccount(r));
  }

  async setPassword(address: string, passwordHash: string | null, credentials?: Record<string, unknown>): Promise<boolean> {
    const r = credentials === undefined
      ? this.q('UPDATE accounts SET password_hash = ? WHERE address = ?').run(passwordHash, canonicalAddress(address))
      : this.q('UPDATE accounts SET password_hash = ?, credentials = ? WHERE address = ?').run(passwordHash, JSON.stringify(credentials), canonicalAddress(address));
    await this.durable();
    return Number(r.changes) > 0;
  }

  // ---- App passwords

  private toAppPassword(r: Row): AppPassword {
    return {
      id: Number(r.id),
      accountId: Number(r.account_id),
      name: String(r.name),
      protocols: JSON.parse(String(r.protocols)) as string[],
      createdAt: new Date(Number(r.created_at)),
      lastUsedAt: r.last_used_at === null ? null : new Date(Number(r.last_used_at)),
    };
  }

  async addAppPassword(a: { accountId: number; name: string; protocols: string[]; secretHash: string }): Promise<AppPassword> {
    const r = this.q('INSERT INTO app_passwords (account_id, name, protocols, secret_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *')
      .get(a.accountId, a.name, JSON.stringify(a.protocols), a.secretHash, this.now().getTime()) as Row;
    await this.durable();
    return this.toAppPassword(r);
  }

  async listAppPasswords(accountId: number): Promise<AppPassword[]> {
    return (this.q('SELECT * FROM app_passwords WHERE account_id = ? ORDER BY id').all(accountId) as Row[]).map((r) => this.toAppPassword(r));
  }

  async findAppPassword(accountId: number, secretHash: string): Promise<AppPassword | undefined> {
    const r = this.q('SELECT * FROM app_passwords WHERE account_id = ? AND secret_hash = ?').get(accountId, secretHash) as Row | undefined;
    return r ? this.toAppPassword(r) : undefined;
  }

  async removeAppPassword(accountId: number, id: number): Promise<boolean> {
    const r = this.q('DELETE FROM app_passwords WHERE account_id = ? AND id = ?').run(accountId, id);
    await this.durable();
    return Number(r.changes) > 0;
  }

  async touchAppPassword(id: number, when: Date): Promise<void> {
    this.q('UPDATE app_passwords SET last_used_at = ? WHERE id = ?').run(when.getTime(), id);
  }

  // ---- Aliases

  async addAlias(address: string, targets: string[]): Promise<Alias> {
    const addr = canonicalAddress(address);
    const d = this.requireDomain(addr);
    if (targets.length === 0) throw new UserError('no-target', 'an alias needs at least one target');
    if (this.q('SELECT 1 FROM accounts WHERE address = ?').get(addr)) throw new UserError('exists', `"${addr}" is an account; an alias cannot shadow it`);
    await this.commit(() => {
      for (const t of targets) this.q('INSERT OR IGNORE INTO aliases (address, target, domain_id) VALUES (?, ?, ?)').run(addr, canonicalAddress(t), d.id);
    });
    return (await this.getAlias(addr))!;
  }

  async removeAlias(address: string, target?: string): Promise<boolean> {
    const addr = canonicalAddress(address);
    const r = target === undefined
      ? this.q('DELETE FROM aliases WHERE address = ?').run(addr)
      : this.q('DELETE FROM aliases WHERE address = ? AND target = ?').run(addr, canonicalAddress(target));
    await this.durable();
    return Number(r.changes) > 0;
  }

  async getAlias(address: string): Promise<Alias | undefined> {
    const rows = this.q('SELECT address, target FROM aliases WHERE address = ? ORDER BY target').all(canonicalAddress(address)) as Row[];
    if (rows.length === 0) return undefined;
    return { address: String(rows[0]!.address), targets: rows.map((r) => String(r.target)) };
  }

  async listAliases(domain?: string): Promise<Alias[]> {
    const rows = (domain === undefined
      ? this.q('SELECT address, target FROM aliases ORDER BY address, target').all()
      : this.q('SELECT a.address, a.target FROM aliases a JOIN domains d ON a.domain_id = d.id WHERE d.name = ? ORDER BY a.address, a.target').all(domain.toLowerCase())) as Row[];
    const out: Alias[] = [];
    for (const r of rows) {
      const last = out[out.length - 1];
      if (last && last.address === r.address) last.targets.push(String(r.target));
      else out.push({ address: String(r.address), targets: [String(r.target)] });
    }
    return out;
  }

  // ---- Mailboxes

  private toMailbox(r: Row): Mailbox {
    return {
      id: Number(r.id),
      accountId: Number(r.account_id),
      name: String(r.name),
      uidValidity: Number(r.uidvalidity),
      uidNext: Number(r.uidnext),
      highestModseq: Number(r.highestmodseq),
      specialUse: r.special_use === null ? null : String(r.special_use),
      subscribed: this.q('SELECT 1 FROM subscriptions WHERE account_id = ? AND name = ?').get(r.account_id!, r.name!) !== undefined,
      messageCount: Number(r.message_count),
      totalBytes: Number(r.total_bytes),
    };
  }

  private static normalizeName(name: string): string {
    // RFC 9051 §5.1: INBOX is case-insensitive.
    return /^inbox$/i.test(name) ? 'INBOX' : /^inbox\//i.test(name) ? 'INBOX' + name.slice(5) : name;
  }

  /** A UIDVALIDITY that is new for this account: RFC 9051 §2.3.1.1 asks that it never repeat. */
  private nextUidValidity(accountId: number): number {
    const r = this.q('SELECT MAX(uidvalidity) AS m FROM mailboxes WHERE account_id = ?').get(accountId) as { m: number | null };
    // The high-water mark survives DELETE, so a mailbox deleted and re-created within the same
    // second still gets a new UIDVALIDITY.
    const hw = this.q('SELECT last_uidvalidity AS h FROM accounts WHERE id = ?').get(accountId) as { h: number } | undefined;
    const byClock = Math.floor(this.now().getTime() / 1000) % 0xffffffff;
    const v = Math.max(byClock, (r.m ?? 0) + 1, (hw?.h ?? 0) + 1) >>> 0;
    this.q('UPDATE accounts SET last_uidvalidity = ? WHERE id = ?').run(v, accountId);
    return v;
  }

  async createMailbox(accountId: number, name: string, opts: { specialUse?: string | null; subscribed?: boolean } = {}): Promise<Mailbox> {
    const n = SqliteStore.normalizeName(name);
    if (this.q('SELECT 1 FROM mailboxes WHERE account_id = ? AND name = ?').get(accountId, n)) throw new UserError('exists', `mailbox "${n}" already exists`);
    const r = await this.commit(() => {
      const row = this.q('INSERT INTO mailboxes (account_id, name, uidvalidity, special_use, subscribed) VALUES (?, ?, ?, ?, ?) RETURNING *')
        .get(accountId, n, this.nextUidValidity(accountId), opts.specialUse ?? null, opts.subscribed === false ? 0 : 1) as Row;
      if (opts.subscribed !== false) this.q('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(accountId, n);
      return row;
    });
    const mb = this.toMailbox(r);
    this.emit(accountId, { kind: 'mailbox', accountId, mailboxId: mb.id, what: 'created' });
    return mb;
  }

  async getMailbox(accountId: number, name: string): Promise<Mailbox | undefined> {
    const r = this.q('SELECT * FROM mailboxes WHERE account_id = ? AND name = ?').get(accountId, SqliteStore.normalizeName(name)) as Row | undefined;
    return r ? this.toMailbox(r) : undefined;
  }

  async getMailboxById(id: number): Promise<Mailbox | undefined> {
    const r = this.q('SELECT * FROM mailboxes WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toMailbox(r) : undefined;
  }

  async listMailboxes(accountId: number): Promise<Mailbox[]> {
    return (this.q('SELECT * FROM mailboxes WHERE account_id = ? ORDER BY name').all(accountId) as Row[]).map((r) => this.toMailbox(r));
  }

  async renameMailbox(accountId: number, from: string, to: string): Promise<void> {
    const f = SqliteStore.normalizeName(from);
    const t = SqliteStore.normalizeName(to);
    const src = await this.getMailbox(accountId, f);
    if (!src) throw new UserError('no-mailbox', `mailbox "${f}" does not exist`);
    if (await this.getMailbox(accountId, t)) throw new UserError('exists', `mailbox "${t}" already exists`);
    await this.commit(() => {
      // Children move with their parent (RFC 9051 §6.3.6).
      const children = this.q("SELECT id, name FROM mailboxes WHERE account_id = ? AND substr(name, 1, ?) = ?").all(accountId, f.length + 1, f + '/') as Row[];
      this.q('UPDATE mailboxes SET name = ? WHERE id = ?').run(t, src.id);
      for (const c of children) this.q('UPDATE mailboxes SET name = ? WHERE id = ?').run(t + String(c.name).slice(f.length), Number(c.id));
    });
    this.emit(accountId, { kind: 'mailbox', accountId, mailboxId: src.id, what: 'renamed' });
  }

  async deleteMailbox(accountId: number, name: string): Promise<void> {
    const mb = await this.getMailbox(accountId, name);
    if (!mb) throw new UserError('no-mailbox', `mailbox "${name}" does not exist`);
    this.index.drop(mb.id);
    await this.commit(() => {
      this.q('UPDATE blobs SET refcount = refcount - (SELECT COUNT(*) FROM messages WHERE mailbox_id = ? AND blob_hash = blobs.hash) WHERE hash IN (SELECT blob_hash FROM messages WHERE mailbox_id = ?)').run(mb.id, mb.id);
      this.q('UPDATE accounts SET used_bytes = MAX(0, used_bytes - ?) WHERE id = ?').run(mb.totalBytes, accountId);
      this.q('DELETE FROM mailboxes WHERE id = ?').run(mb.id);
    });
    this.emit(accountId, { kind: 'mailbox', accountId, mailboxId: mb.id, what: 'deleted' });
  }

  async setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void> {
    // Subscriptions are names: DELETE and RENAME leave them alone, as in Dovecot (RFC 9051 §6.3.9).
    const n = SqliteStore.normalizeName(name);
    if (subscribed) this.q('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(accountId, n);
    else this.q('DELETE FROM subscriptions WHERE account_id = ? AND name = ?').run(accountId, n);
    await this.durable();
  }

  async listSubscriptions(accountId: number): Promise<string[]> {
    return (this.q('SELECT name FROM subscriptions WHERE account_id = ? ORDER BY name').all(accountId) as { name: string }[]).map((r) => r.name);
  }

  // ---- Messages

  /** Reads and parses a structure the record was loaded without (one loader for every record). */
  private readonly loadStructure = (id: number): unknown => {
    const text = (this.q('SELECT structure FROM messages WHERE id = ?').get(id) as { structure: SQLInputValue } | undefined)?.structure ?? null;
    return text === null ? null : JSON.parse(String(text));
  };

  private toMessage(r: Row): StoredMessage {
    return new StoredMessage({
      id: Number(r.id),
      mailboxId: Number(r.mailbox_id),
      uid: Number(r.uid),
      modseq: Number(r.modseq),
      blobHash: String(r.blob_hash),
      prefix: r.prefix === null ? new Uint8Array(0) : (r.prefix as Uint8Array),
      size: Number(r.size),
      internalDate: new Date(Number(r.internal_date)),
      flags: bitsToFlags(Number(r.system_flags), r.keywords === '[]' ? [] : (JSON.parse(String(r.keywords)) as string[])),
    }, this.loadStructure);
  }

  /**
   * The records of a mailbox from the index, loaded on first use; undefined when the mailbox is
   * larger than the whole index (its reads then go to SQLite).
   */
  private records(mailboxId: number): MailboxRecords | undefined {
    if (this.index.maxRecords === 0) return undefined;
    this.checkExternalWrites();
    const hit = this.index.get(mailboxId);
    if (hit) return hit;
    const mb = this.q('SELECT message_count FROM mailboxes WHERE id = ?').get(mailboxId) as { message_count: number } | undefined;
    if (!mb || Number(mb.message_count) > this.index.maxRecords) return undefined;
    const rows = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? ORDER BY uid`).all(mailboxId) as Row[];
    return this.index.set(mailboxId, new MailboxRecords(rows.map((r) => this.toMessage(r))));
  }

  /** Inserts one message row; must run inside a transaction. */
  private insertMessage(mailboxId: number, accountId: number, blob: BlobRef, m: { prefix?: Uint8Array; flags?: string[]; internalDate?: Date; structure?: unknown }): Delivered {
    const mb = this.q('UPDATE mailboxes SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING uidnext - 1 AS uid, highestmodseq AS modseq').get(mailboxId) as { uid: number; modseq: number } | undefined;
    if (!mb) throw new UserError('no-mailbox', `mailbox ${mailboxId} does not exist`);
    const prefix = m.prefix && m.prefix.length > 0 ? m.prefix : null;
    const size = blob.size + (prefix?.length ?? 0);
    const { bits, keywords } = flagsToBits(m.flags ?? []);
    const internalDate = m.internalDate ?? this.now();
    this.q('INSERT INTO blobs (hash, size, refcount) VALUES (?, ?, 1) ON CONFLICT (hash) DO UPDATE SET refcount = refcount + 1').run(blob.hash, blob.size);
    const row = this.q('INSERT INTO messages (mailbox_id, uid, modseq, blob_hash, prefix, size, internal_date, system_flags, keywords, structure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
      .get(mailboxId, mb.uid, mb.modseq, blob.hash, prefix, size, internalDate.getTime(), bits, JSON.stringify(keywords), m.structure === undefined || m.structure === null ? null : JSON.stringify(m.structure)) as { id: number };
    this.q('UPDATE mailboxes SET message_count = message_count + 1, total_bytes = total_bytes + ? WHERE id = ?').run(size, mailboxId);
    this.q('UPDATE accounts SET used_bytes = used_bytes + ? WHERE id = ?').run(size, accountId);
    const loaded = this.index.peek(mailboxId);
    if (loaded) {
      loaded.add(new StoredMessage({
        id: Number(row.id), mailboxId, uid: Number(mb.uid), modseq: Number(mb.modseq), blobHash: blob.hash, prefix: prefix ?? new Uint8Array(0), size, internalDate, flags: bitsToFlags(bits, keywords),
      }, this.loadStructure));
      this.index.resized(1);
    }
    return { accountId, mailboxId, uid: Number(mb.uid), modseq: Number(mb.modseq) };
  }

  private emitAppends(out: readonly Delivered[]): void {
    for (const d of out) this.emit(d.accountId, { kind: 'append', mailboxId: d.mailboxId, uid: d.uid, modseq: d.modseq });
  }

  async appendMessage(mailboxId: number, msg: NewMessage): Promise<Delivered> {
    const mb = await this.getMailboxById(mailboxId);
    if (!mb) throw new UserError('no-mailbox', `mailbox ${mailboxId} does not exist`);
    const d = await this.commit(() => this.insertMessage(mailboxId, mb.accountId, msg.blob, msg));
    this.emitAppends([d]);
    return d;
  }

  async deliver(blob: BlobRef, targets: DeliveryTarget[], opts: { internalDate?: Date; structure?: unknown } = {}): Promise<Delivered[]> {
    return (await this.deliverMany([{ blob, targets, opts }]))[0]!;
  }

  async deliverMany(batch: DeliveryBatchItem[]): Promise<Delivered[][]> {
    const out = await this.commit(() => batch.map(({ blob, targets, opts = {} }) => {
      const internalDate = opts.internalDate ?? this.now();
      return targets.map((t) => {
        let mb = this.q('SELECT id FROM mailboxes WHERE account_id = ? AND name = ?').get(t.accountId, SqliteStore.normalizeName(t.mailbox)) as { id: number } | undefined;
        if (!mb) {
          mb = this.q('INSERT INTO mailboxes (account_id, name, uidvalidity) VALUES (?, ?, ?) RETURNING id')
            .get(t.accountId, SqliteStore.normalizeName(t.mailbox), this.nextUidValidity(t.accountId)) as { id: number };
          this.q('INSERT OR IGNORE INTO subscriptions (account_id, name) VALUES (?, ?)').run(t.accountId, SqliteStore.normalizeName(t.mailbox));
        }
        return this.insertMessage(Number(mb.id), t.accountId, blob, { prefix: t.prefix, flags: t.flags, internalDate, structure: opts.structure });
      });
    }));
    this.emitAppends(out.flat());
    return out;
  }

  async listMessages(mailboxId: number, opts: { fromUid?: number; limit?: number } = {}): Promise<MessageRecord[]> {
    const from = opts.fromUid ?? 1;
    const recs = this.records(mailboxId);
    if (recs) {
      const f = recs.find(from);
      const start = f >= 0 ? f : -f - 1;
      return recs.list.slice(start, opts.limit === undefined || opts.limit < 0 ? undefined : start + opts.limit);
    }
    const rows = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND uid >= ? ORDER BY uid LIMIT ?`).all(mailboxId, from, opts.limit ?? -1) as Row[];
    return rows.map((r) => this.toMessage(r));
  }

  async getMessage(mailboxId: number, uid: number): Promise<MessageRecord | undefined> {
    const recs = this.records(mailboxId);
    if (recs) return recs.get(uid);
    const r = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(mailboxId, uid) as Row | undefined;
    return r ? this.toMessage(r) : undefined;
  }

  // ---- IMAP operations (UID map, flags with MODSEQ, expunge tombstones, copy/move)

  async listUids(mailboxId: number): Promise<number[]> {
    const recs = this.records(mailboxId);
    if (recs) return recs.list.map((m) => m.uid);
    const rows = this.q('SELECT uid FROM messages WHERE mailbox_id = ? ORDER BY uid').all(mailboxId) as { uid: number }[];
    return rows.map((r) => Number(r.uid));
  }

  async getMessagesByUid(mailboxId: number, uids: readonly number[]): Promise<MessageRecord[]> {
    if (uids.length === 0) return [];
    let sorted = uids;
    for (let i = 1; i < uids.length; i++) {
      if (uids[i]! <= uids[i - 1]!) {
        sorted = [...new Set(uids)].sort((a, b) => a - b);
        break;
      }
    }
    const recs = this.records(mailboxId);
    if (recs) return recs.pick(sorted);
    const lo = sorted[0]!;
    const hi = sorted[sorted.length - 1]!;
    // Dense requests read the UID range in one pass; sparse ones look each UID up.
    if (hi - lo + 1 <= sorted.length * 4) {
      const want = new Set(sorted);
      const rows = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND uid BETWEEN ? AND ? ORDER BY uid`).all(mailboxId, lo, hi) as Row[];
      return rows.filter((r) => want.has(Number(r.uid))).map((r) => this.toMessage(r));
    }
    const out: MessageRecord[] = [];
    for (const u of sorted) {
      const r = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(mailboxId, u) as Row | undefined;
      if (r) out.push(this.toMessage(r));
    }
    return out;
  }

  async changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges> {
    const mb = this.q('SELECT highestmodseq, uidnext FROM mailboxes WHERE id = ?').get(mailboxId) as { highestmodseq: number; uidnext: number } | undefined;
    if (!mb) throw new UserError('no-mailbox', `mailbox ${mailboxId} does not exist`);
    if (Number(mb.highestmodseq) <= modseq) return { highestModseq: Number(mb.highestmodseq), uidNext: Number(mb.uidnext), changed: [], expunged: [] };
    const recs = this.records(mailboxId);
    const changed = recs
      ? (modseq <= 0 ? recs.list.slice() : recs.list.filter((m) => m.modseq > modseq))
      : (this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND modseq > ? ORDER BY uid`).all(mailboxId, modseq) as Row[]).map((r) => this.toMessage(r));
    const gone = modseq <= 0 ? [] : this.q('SELECT uid FROM expunged WHERE mailbox_id = ? AND modseq > ? ORDER BY uid').all(mailboxId, modseq) as Row[];
    return { highestModseq: Number(mb.highestmodseq), uidNext: Number(mb.uidnext), changed, expunged: gone.map((r) => Number(r.uid)) };
  }

  private accountOfMailbox(mailboxId: number): number {
    const r = this.q('SELECT account_id FROM mailboxes WHERE id = ?').get(mailboxId) as { account_id: number } | undefined;
    if (!r) throw new UserError('no-mailbox', `mailbox ${mailboxId} does not exist`);
    return Number(r.account_id);
  }

  private bumpModseq(mailboxId: number): number {
    const r = this.q('UPDATE mailboxes SET highestmodseq = highestmodseq + 1 WHERE id = ? RETURNING highestmodseq').get(mailboxId) as { highestmodseq: number };
    return Number(r.highestmodseq);
  }

  async updateFlags(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], opts: { unchangedSince?: number } = {}): Promise<{ updated: FlagState[]; modified: number[] }> {
    const accountId = this.accountOfMailbox(mailboxId);
    const want = flagsToBits(flags);
    const wantKw = new Set(want.keywords.map((k) => k.toLowerCase()));
    // Every record this store hands out is a StoredMessage (from the index or from toMessage).
    const current = (await this.getMessagesByUid(mailboxId, uids)) as StoredMessage[];
    const result = await this.commit(() => {
      const updated: FlagState[] = [];
      const modified: number[] = [];
      let modseq = 0;
      for (const m of current) {
        if (opts.unchangedSince !== undefined && m.modseq > opts.unchangedSince) {
          modified.push(m.uid);
          continue;
        }
        const { bits, keywords: kws } = flagsToBits(m.flags);
        let nb = bits;
        let nk = kws;
        if (op === 'add') {
          nb = bits | want.bits;
          nk = kws.concat(want.keywords.filter((k) => !kws.some((x) => x.toLowerCase() === k.toLowerCase())));
        } else if (op === 'remove') {
          nb = bits & ~want.bits;
          nk = kws.filter((k) => !wantKw.has(k.toLowerCase()));
        } else {
          nb = want.bits;
          nk = want.keywords;
        }
        const same = nb === bits && nk.length === kws.length && nk.every((k) => kws.some((x) => x.toLowerCase() === k.toLowerCase()));
        if (same) continue;
        if (modseq === 0) modseq = this.bumpModseq(mailboxId);
        this.q('UPDATE messages SET system_flags = ?, keywords = ?, modseq = ? WHERE id = ?').run(nb, JSON.stringify(nk), modseq, m.id);
        const newFlags = bitsToFlags(nb, nk);
        this.index.peek(mailboxId)?.replace(m.withFlags(newFlags, modseq));
        updated.push({ uid: m.uid, modseq, flags: newFlags });
      }
      return { updated, modified };
    });
    for (const u of result.updated) this.emit(accountId, { kind: 'flags', mailboxId, uid: u.uid, modseq: u.modseq, flags: u.flags });
    return result;
  }

  /** Removes message rows and leaves tombstones; must run inside a transaction. */
  private removeMessages(mailboxId: number, accountId: number, rows: readonly { id: number; uid: number; blobHash: string; size: number }[]): number {
    if (rows.length === 0) return 0;
    const modseq = this.bumpModseq(mailboxId);
    let bytes = 0;
    for (const r of rows) {
      this.q('DELETE FROM messages WHERE id = ?').run(r.id);
      this.q('UPDATE blobs SET refcount = refcount - 1 WHERE hash = ?').run(r.blobHash);
      this.q('INSERT OR REPLACE INTO expunged (mailbox_id, uid, modseq) VALUES (?, ?, ?)').run(mailboxId, r.uid, modseq);
      bytes += r.size;
    }
    this.q('UPDATE mailboxes SET message_count = message_count - ?, total_bytes = MAX(0, total_bytes - ?) WHERE id = ?').run(rows.length, bytes, mailboxId);
    this.q('UPDATE accounts SET used_bytes = MAX(0, used_bytes - ?) WHERE id = ?').run(bytes, accountId);
    const loaded = this.index.peek(mailboxId);
    if (loaded) {
      const before = loaded.list.length;
      loaded.remove(new Set(rows.map((r) => r.uid)));
      this.index.resized(loaded.list.length - before);
    }
    return modseq;
  }

  async expungeDeleted(mailboxId: number, uids?: readonly number[]): Promise<number[]> {
    const accountId = this.accountOfMailbox(mailboxId);
    const deletedBit = 1 << systemFlags.indexOf('\\Deleted');
    const { gone, modseq } = await this.commit(() => {
      let rows = (this.q('SELECT id, uid, blob_hash, size FROM messages WHERE mailbox_id = ? AND (system_flags & ?) != 0 ORDER BY uid').all(mailboxId, deletedBit) as Row[])
        .map((r) => ({ id: Number(r.id), uid: Number(r.uid), blobHash: String(r.blob_hash), size: Number(r.size) }));
      if (uids) {
        const set = new Set(uids);
        rows = rows.filter((r) => set.has(r.uid));
      }
      return { gone: rows.map((r) => r.uid), modseq: this.removeMessages(mailboxId, accountId, rows) };
    });
    for (const uid of gone) this.emit(accountId, { kind: 'expunge', mailboxId, uid, modseq });
    return gone;
  }

  private copyInTx(srcMailboxId: number, uids: readonly number[], dstMailboxId: number, accountId: number): { result: CopyResult; rows: StoredMessage[]; delivered: Delivered[] } {
    const dst = this.q('SELECT uidvalidity, account_id FROM mailboxes WHERE id = ?').get(dstMailboxId) as { uidvalidity: number; account_id: number } | undefined;
    if (!dst || Number(dst.account_id) !== accountId) throw new UserError('no-mailbox', `mailbox ${dstMailboxId} does not exist`);
    const sorted = [...new Set(uids)].sort((a, b) => a - b);
    const rows: StoredMessage[] = [];
    for (const u of sorted) {
      const r = this.q(`SELECT ${messageColumnsLean} FROM messages WHERE mailbox_id = ? AND uid = ?`).get(srcMailboxId, u) as Row | undefined;
      if (r) rows.push(this.toMessage(r));
    }
    const delivered: Delivered[] = [];
    for (const m of rows) {
      delivered.push(this.insertMessage(dstMailboxId, accountId, { hash: m.blobHash, size: m.size - m.prefix.length }, { prefix: m.prefix, flags: m.flags, internalDate: m.internalDate, structure: m.structure }));
    }
    return { result: { uidValidity: Number(dst.uidvalidity), srcUids: rows.map((r) => r.uid), dstUids: delivered.map((d) => d.uid) }, rows, delivered };
  }

  async copyMessages(srcMailboxId: number, uids: readonly number[], dstMailboxId: number): Promise<CopyResult> {
    const accountId = this.accountOfMailbox(srcMailboxId);
    const { result, delivered } = await this.commit(() => this.copyInTx(srcMailboxId, uids, dstMailboxId, accountId));
    this.emitAppends(delivered);
    return result;
  }

  async moveMessages(srcMailboxId: number, uids: readonly number[], dstMailboxId: number): Promise<CopyResult> {
    const accountId = this.accountOfMailbox(srcMailboxId);
    const { result, delivered, modseq } = await this.commit(() => {
      const c = this.copyInTx(srcMailboxId, uids, dstMailboxId, accountId);
      return { ...c, modseq: this.removeMessages(srcMailboxId, accountId, c.rows) };
    });
    this.emitAppends(delivered);
    for (const uid of result.srcUids) this.emit(accountId, { kind: 'expunge', mailboxId: srcMailboxId, uid, modseq });
    return result;
  }

  async saveStructure(messageId: number, structure: unknown): Promise<void> {
    this.q('UPDATE messages SET structure = ? WHERE id = ?').run(JSON.stringify(structure), messageId);
  }

  async saveStructures(items: readonly { messageId: number; structure: unknown }[]): Promise<void> {
    if (items.length === 0) return;
    // Not awaited to disk: a structure lost in a crash is parsed again on next use.
    this.tx(() => {
      for (const i of items) this.q('UPDATE messages SET structure = ? WHERE id = ?').run(JSON.stringify(i.structure), i.messageId);
    });
  }

  // ---- Queue

  async enqueue(msg: NewQueueMessage): Promise<number> {
    const now = this.now().getTime();
    return this.commit(() => {
      this.q('INSERT INTO blobs (hash, size, refcount) VALUES (?, ?, 1) ON CONFLICT (hash) DO UPDATE SET refcount = refcount + 1').run(msg.blob.hash, msg.blob.size);
      const r = this.q('INSERT INTO queue (blob_hash, prefix, sender, envid, ret, require_tls, received_from, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id')
        .get(msg.blob.hash, msg.prefix && msg.prefix.length > 0 ? msg.prefix : null, msg.sender, msg.envid, msg.ret, msg.requireTls ? 1 : 0, msg.receivedFrom, now, now) as { id: number };
      for (const rc of msg.recipients) {
        this.q('INSERT INTO queue_recipients (queue_id, address, notify, orcpt) VALUES (?, ?, ?, ?)').run(r.id, rc.address, rc.notify ? rc.notify.join(',') : null, rc.orcpt);
      }
      return Number(r.id);
    });
  }

  private toQueued(r: Row): QueuedMessage {
    const rcpts = this.q('SELECT * FROM queue_recipients WHERE queue_id = ? ORDER BY id').all(Number(r.id)) as Row[];
    return {
      id: Number(r.id),
      blob: { hash: String(r.blob_hash), size: Number((this.q('SELECT size FROM blobs WHERE hash = ?').get(String(r.blob_hash)) as { size: number }).size) },
      prefix: r.prefix === null ? undefined : (r.prefix as Uint8Array),
      sender: String(r.sender),
      envid: r.envid === null ? null : String(r.envid),
      ret: r.ret === null ? null : (String(r.ret) as 'FULL' | 'HDRS'),
      requireTls: Number(r.require_tls) !== 0,
      receivedFrom: String(r.received_from),
      createdAt: new Date(Number(r.created_at)),
      nextAttemptAt: new Date(Number(r.next_attempt_at)),
      attempts: Number(r.attempts),
      recipients: rcpts.map((x) => ({
        id: Number(x.id),
        address: String(x.address),
        notify: x.notify === null ? null : String(x.notify).split(','),
        orcpt: x.orcpt === null ? null : String(x.orcpt),
        status: String(x.status) as 'pending' | 'delivered' | 'failed',
        lastError: x.last_error === null ? null : String(x.last_error),
      })),
    };
  }

  async getQueued(id: number): Promise<QueuedMessage | undefined> {
    const r = this.q('SELECT * FROM queue WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toQueued(r) : undefined;
  }

  async listQueue(): Promise<QueuedMessage[]> {
    return (this.q('SELECT * FROM queue ORDER BY next_attempt_at, id').all() as Row[]).map((r) => this.toQueued(r));
  }

  async close(): Promise<void> {
    this.watchers.clear();
    if (this.db.isOpen) {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
