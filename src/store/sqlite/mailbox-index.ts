// The in-memory index of recently used mailboxes, in the spirit of Dovecot's dovecot.index: per
// mailbox, its message records in UID order, so FETCH, SEARCH, SELECT and the per-command resync
// read flags, sizes and dates without building a thousand row objects from SQLite each time.
// SqliteStore is the only writer in its process and keeps every loaded mailbox current as it
// commits; a commit by another process (PRAGMA data_version changes) drops the whole index.
// Records are immutable: a flag change replaces the record, so a command holding records never
// sees them change under it.
import type { MessageRecord } from '../types.ts';

/** One message row without its MIME structure (read from the database on access, never kept). */
export class StoredMessage implements MessageRecord {
  readonly id: number;
  readonly mailboxId: number;
  readonly uid: number;
  readonly modseq: number;
  readonly blobHash: string;
  readonly prefix: Uint8Array;
  readonly size: number;
  readonly internalDate: Date;
  readonly flags: string[];
  private readonly load: (id: number) => unknown;

  constructor(f: Omit<MessageRecord, 'structure'>, load: (id: number) => unknown) {
    this.id = f.id;
    this.mailboxId = f.mailboxId;
    this.uid = f.uid;
    this.modseq = f.modseq;
    this.blobHash = f.blobHash;
    this.prefix = f.prefix;
    this.size = f.size;
    this.internalDate = f.internalDate;
    this.flags = f.flags;
    this.load = load;
  }

  /** The structure JSON, parsed on each access: IMAP keeps parsed structures in its own LRU. */
  get structure(): unknown {
    return this.load(this.id);
  }

  /** The same message with new flags and MODSEQ (a STORE). */
  withFlags(flags: string[], modseq: number): StoredMessage {
    return new StoredMessage({ ...this, flags, modseq }, this.load);
  }
}

/** The records of one mailbox, ascending by UID. */
export class MailboxRecords {
  readonly list: StoredMessage[];

  constructor(list: StoredMessage[]) {
    this.list = list;
  }

  /** Index of the record with this UID, or -(insertion point) - 1. */
  find(uid: number): number {
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const u = this.list[mid]!.uid;
      if (u < uid) lo = mid + 1;
      else if (u > uid) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  get(uid: number): StoredMessage | undefined {
    const i = this.find(uid);
    return i >= 0 ? this.list[i] : undefined;
  }

  /** Records with these UIDs (ascending input; missing ones skipped). */
  pick(uids: readonly number[]): StoredMessage[] {
    const out: StoredMessage[] = [];
    const n = this.list.length;
    if (n === 0 || uids.length === 0) return out;
    // Walk both ascending lists; jump by binary search when the request is sparse.
    const f = this.find(uids[0]!);
    let i = f >= 0 ? f : -f - 1;
    for (const u of uids) {
      while (i < n && this.list[i]!.uid < u) {
        if (n - i > 64 && this.list[i + 32]!.uid < u) {
          const j = this.find(u);
          i = j >= 0 ? j : -j - 1;
          break;
        }
        i++;
      }
      if (i < n && this.list[i]!.uid === u) out.push(this.list[i]!);
    }
    return out;
  }

  add(m: StoredMessage): void {
    const last = this.list[this.list.length - 1];
    if (!last || last.uid < m.uid) {
      this.list.push(m);
      return;
    }
    const i = this.find(m.uid);
    if (i >= 0) this.list[i] = m;
    else this.list.splice(-i - 1, 0, m);
  }

  replace(m: StoredMessage): void {
    const i = this.find(m.uid);
    if (i >= 0) this.list[i] = m;
  }

  remove(uids: ReadonlySet<number>): void {
    let w = 0;
    for (const m of this.list) if (!uids.has(m.uid)) this.list[w++] = m;
    this.list.length = w;
  }
}

/**
 * Loaded mailboxes, least recently used first, bounded by the total number of records. A mailbox
 * larger than the whole budget is not kept (its reads go to SQLite every time).
 */
export class MailboxIndex {
  private readonly map = new Map<number, MailboxRecords>();
  private records = 0;
  readonly maxRecords: number;

  constructor(maxRecords: number) {
    this.maxRecords = maxRecords;
  }

  /** The loaded records of a mailbox (marked as used), or undefined. */
  get(mailboxId: number): MailboxRecords | undefined {
    const m = this.map.get(mailboxId);
    if (m) {
      this.map.delete(mailboxId);
      this.map.set(mailboxId, m);
    }
    return m;
  }

  /** Only peeks: writers update a loaded mailbox without changing its recency. */
  peek(mailboxId: number): MailboxRecords | undefined {
    return this.map.get(mailboxId);
  }

  set(mailboxId: number, records: MailboxRecords): MailboxRecords {
    this.drop(mailboxId);
    if (records.list.length > this.maxRecords) return records;
    this.map.set(mailboxId, records);
    this.records += records.list.length;
    this.evict();
    return records;
  }

  /** Accounts for records added to or removed from a loaded mailbox. */
  resized(delta: number): void {
    this.records += delta;
    if (delta > 0) this.evict();
  }

  drop(mailboxId: number): void {
    const m = this.map.get(mailboxId);
    if (!m) return;
    this.records -= m.list.length;
    this.map.delete(mailboxId);
  }

  clear(): void {
    this.map.clear();
    this.records = 0;
  }

  get size(): number {
    return this.records;
  }

  private evict(): void {
    for (const [id] of this.map) {
      if (this.records <= this.maxRecords || this.map.size <= 1) break;
      this.drop(id);
    }
  }
}
