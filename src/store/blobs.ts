// Message bodies as immutable files under DATA/blobs/, named by the SHA-256 of their content, so
// one body delivered to many recipients is stored once. A message is first streamed to a spool file
// (DATA/spool/) with a running size and hash; commit() fsyncs the file, renames it into place and
// fsyncs the directory before the metadata commit that makes it visible (DESIGN.md, Storage).
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fdatasync, fsync, mkdirSync, openSync, renameSync, unlinkSync, write as writeCb, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
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

// Metadata operations (open, close, mkdir, rename, unlink) are synchronous: they work on the page
// cache and the in-memory journal and take microseconds, where a round trip through the thread pool
// with a promise FileHandle costs about 150 µs of CPU each. What waits for the disk (fsync) and
// large writes go to the thread pool.
const fsyncAsync = promisify(fsync);
const fdatasyncAsync = promisify(fdatasync);
const writeAsync = promisify(writeCb);
/** Writes up to this size go straight to the page cache. */
const SYNC_WRITE_MAX = 64 * 1024;

async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    closeSync(fd);
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

  /** Fan-out directories known to exist (blobs are never removed with their directory). */
  private readonly knownDirs = new Set<string>();

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
    return new FileSpool(this, openSync(path, 'wx', 0o600), path);
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
    return existsSync(this.path(hash));
  }

  async remove(hash: string): Promise<void> {
    await rm(this.path(hash), { force: true });
  }

  /** Used by FileSpool.commit: durably moves a finished spool file into place. */
  async adopt(spoolPath: string, hash: string): Promise<void> {
    const target = this.path(hash);
    const sub = join(this.dir, hash.slice(0, 2));
    let created = false;
    if (!this.knownDirs.has(sub)) {
      if (!existsSync(sub)) {
        mkdirSync(sub, { recursive: true, mode: 0o700 });
        created = true;
      }
      this.knownDirs.add(sub);
    }
    if (existsSync(target)) {
      unlinkSync(spoolPath); // same content already stored (dedup)
      return;
    }
    renameSync(spoolPath, target);
    await fsyncDir(sub);
    if (created) await fsyncDir(this.dir);
  }
}

class FileSpool implements SpoolWriter {
  private readonly store: BlobStore;
  private fd: number | undefined;
  readonly path: string;
  private readonly hash: Hash = createHash('sha256');
  private written = 0;
  private done = false;

  constructor(store: BlobStore, fd: number, path: string) {
    this.store = store;
    this.fd = fd;
    this.path = path;
  }

  get size(): number {
    return this.written;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.fd === undefined || this.done) throw new Error('spool is closed');
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    const fd = this.fd;
    let off = 0;
    while (off < chunk.length) {
      const n = chunk.length - off <= SYNC_WRITE_MAX
        ? writeSync(fd, chunk, off, chunk.length - off, this.written + off)
        : (await writeAsync(fd, chunk, off, chunk.length - off, this.written + off)).bytesWritten;
      off += n;
    }
    this.written += chunk.length;
  }

  async commit(): Promise<BlobRef> {
    if (this.fd === undefined || this.done) throw new Error('spool is closed');
    this.done = true;
    const fd = this.fd;
    this.fd = undefined;
    try {
      await fdatasyncAsync(fd);
    } finally {
      closeSync(fd);
    }
    const hash = this.hash.digest('hex');
    await this.store.adopt(this.path, hash);
    return { hash, size: this.written };
  }

  async abort(): Promise<void> {
    this.done = true;
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    await rm(this.path, { force: true });
  }
}
