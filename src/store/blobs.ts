// Message bodies as immutable files under DATA/blobs/, named by the SHA-256 of their content, so
// one body delivered to many recipients is stored once. A message is first streamed to a spool file
// (DATA/spool/) with a running size and hash; commit() fsyncs the file, renames it into place and
// fsyncs the directory before the metadata commit that makes it visible (DESIGN.md, Storage).
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobRef } from './types.ts';

export interface SpoolWriter {
  /** Appends bytes; resolves when the kernel has taken them (callers await it: backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /** The spool file, readable while writing has stopped and before commit/abort (e.g. for DKIM). */
  readonly path: string;
  /** Makes the spool file a durable blob and returns its reference. */
  commit(): Promise<BlobRef>;
  /** Throws the spool file away. Safe to call more than once, and after commit. */
  abort(): Promise<void>;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const hashPattern = /^[0-9a-f]{64}$/;

export class BlobStore {
  readonly dir: string;
  readonly spoolDir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, 'blobs');
    this.spoolDir = join(dataDir, 'spool');
  }

  /** Creates the directories. Safe while a server runs on the same data directory (CLI commands). */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
  }

  /**
   * Empties the spool. Only the server that owns the data directory (it holds the lock) may call
   * this, at start: spool files are never needed after a restart, since a message that was not yet
   * acknowledged was never accepted.
   */
  async cleanSpool(): Promise<void> {
    await rm(this.spoolDir, { recursive: true, force: true });
    await mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
  }

  path(hash: string): string {
    if (!hashPattern.test(hash)) throw new Error(`not a blob hash: ${JSON.stringify(hash)}`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  async createSpool(): Promise<SpoolWriter> {
    const path = join(this.spoolDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const fh = await open(path, 'wx', 0o600);
    return new FileSpool(this, fh, path);
  }

  /** Stores bytes already in memory (small messages, tests). */
  async put(bytes: Uint8Array): Promise<BlobRef> {
    const spool = await this.createSpool();
    await spool.write(bytes);
    return spool.commit();
  }

  /** Reads [start, end) of a blob (end exclusive; omitted = to the end). */
  open(hash: string, start = 0, end?: number): Readable {
    if (end !== undefined && end <= start) return Readable.from([]);
    return createReadStream(this.path(hash), { start, end: end === undefined ? undefined : end - 1 });
  }

  async read(hash: string, start = 0, end?: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of this.open(hash, start, end)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async exists(hash: string): Promise<boolean> {
    try {
      await stat(this.path(hash));
      return true;
    } catch {
      return false;
    }
  }

  async remove(hash: string): Promise<void> {
    await rm(this.path(hash), { force: true });
  }

  /** Used by FileSpool.commit: durably moves a finished spool file into place. */
  async adopt(spoolPath: string, hash: string): Promise<void> {
    const target = this.path(hash);
    const sub = join(this.dir, hash.slice(0, 2));
    let created = false;
    try {
      await stat(sub);
    } catch {
      await mkdir(sub, { recursive: true, mode: 0o700 });
      created = true;
    }
    if (await this.exists(hash)) {
      await unlink(spoolPath); // same content already stored (dedup)
      return;
    }
    await rename(spoolPath, target);
    await fsyncDir(sub);
    if (created) await fsyncDir(this.dir);
  }
}

class FileSpool implements SpoolWriter {
  private readonly store: BlobStore;
  private fh: FileHandle | undefined;
  readonly path: string;
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private done = false;

  constructor(store: BlobStore, fh: FileHandle, path: string) {
    this.store = store;
    this.fh = fh;
    this.path = path;
  }

  get size(): number {
    return this.written;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.fh || this.done) throw new Error('spool is closed');
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.written += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
  }

  async commit(): Promise<BlobRef> {
    if (!this.fh || this.done) throw new Error('spool is closed');
    this.done = true;
    const fh = this.fh;
    this.fh = undefined;
    await fh.sync();
    await fh.close();
    const hash = this.hash.digest('hex');
    await this.store.adopt(this.path, hash);
    return { hash, size: this.written };
  }

  async abort(): Promise<void> {
    this.done = true;
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await fh.close().catch(() => {});
    await rm(this.path, { force: true });
  }
}
