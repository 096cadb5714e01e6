// The bytes and MIME structure of one stored message as FETCH and SEARCH need them. A message is
// its per-copy prefix followed by its blob; offsets here are over that whole. The MIME structure
// is parsed on first need (SMTP does not parse MIME) and saved, so later requests read only the
// byte ranges they ask for (RFC 9051 §6.4.5 partial fetch).
import { closeSync, openSync, read, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Context } from '../context.ts';
import { mimeLimitsFromConfig, parseMime, type MimePart } from '../mime/index.ts';
import type { MessageRecord } from '../store/index.ts';
import { filterHeader } from './header-filter.ts';
import { MessageCache } from './message-cache.ts';

const readAsync = promisify(read);

/** Ranges up to this size are read synchronously. */
const SYNC_READ_MAX = 64 * 1024;

/** Structures parsed during one command, saved together at its end (one transaction, one fsync). */
export type StructureSink = { messageId: number; structure: unknown }[];

export class MessageSource {
  private readonly ctx: Context;
  readonly msg: MessageRecord;
  private root: MimePart | undefined;
  private readonly sink: StructureSink | undefined;
  private readonly cache: MessageCache | undefined;

  constructor(ctx: Context, msg: MessageRecord, sink?: StructureSink, cache?: MessageCache) {
    this.ctx = ctx;
    this.msg = msg;
    this.sink = sink;
    this.cache = cache;
  }

  private get cacheKey(): string {
    return MessageCache.key(this.msg.blobHash, this.msg.prefix);
  }

  /**
   * The root header block (prefix included): BODY[HEADER] and BODY[HEADER.FIELDS …] of the whole
   * message. Served from the shared cache when it can be, without the structure or the file.
   */
  async rootHeader(): Promise<Buffer> {
    const p = this.msg.prefix;
    const cached = this.cache?.header(this.msg.blobHash);
    if (cached) return p.length === 0 ? cached : Buffer.concat([p, cached]);
    const root = await this.structure();
    const raw = await this.read(root.start, root.bodyStart);
    if (this.cache && root.start === 0 && raw.length >= p.length) this.cache.setHeader(this.msg.blobHash, Buffer.from(raw.subarray(p.length)));
    return raw;
  }

  /**
   * BODY[HEADER.FIELDS (…)] / BODY[HEADER.FIELDS.NOT (…)] of the whole message, by section spec:
   * clients ask for the same few fields of every message, so the filtered block is cached too.
   */
  async rootHeaderFields(spec: string, fields: readonly string[], not: boolean): Promise<Buffer> {
    const hit = this.cachedRootHeaderFields(spec);
    if (hit) return hit;
    const out = filterHeader(await this.rootHeader(), fields, not);
    this.cache?.setFields(spec, this.cacheKey, out);
    return out;
  }

  /** rootHeaderFields when the shared cache has it, without waiting (FETCH's fast path). */
  cachedRootHeaderFields(spec: string): Buffer | undefined {
    return this.cache?.fields(spec, this.cacheKey);
  }

  /** The structure when it is already at hand (parsed or in the shared cache), without waiting. */
  cachedStructure(): MimePart | undefined {
    return (this.root ??= this.cache?.structure(this.cacheKey));
  }

  get size(): number {
    return this.msg.size;
  }

  /** Bytes [start, end) of the message (prefix + blob). */
  async read(start: number, end: number): Promise<Buffer> {
    const p = this.msg.prefix;
    end = Math.min(end, this.msg.size);
    if (end <= start) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    if (start < p.length) parts.push(Buffer.from(p.subarray(start, Math.min(end, p.length))));
    const bs = Math.max(0, start - p.length);
    const be = end - p.length;
    if (be > bs && be - bs <= SYNC_READ_MAX) {
      // Small ranges (headers, single parts) are one positioned read from the page cache; doing it
      // synchronously costs microseconds, where a thread-pool round trip per message costs far more.
      const fd = openSync(this.ctx.blobs.path(this.msg.blobHash), 'r');
      try {
        const buf = Buffer.allocUnsafe(be - bs);
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, bs + got);
          if (n === 0) break;
          got += n;
        }
        parts.push(got === buf.length ? buf : buf.subarray(0, got));
      } finally {
        closeSync(fd);
      }
    } else if (be > bs) {
      // Larger ranges: one positioned read on the thread pool (a plain fd: no FileHandle round trips).
      const fd = openSync(this.ctx.blobs.path(this.msg.blobHash), 'r');
      try {
        const buf = Buffer.allocUnsafe(be - bs);
        let got = 0;
        while (got < buf.length) {
          const { bytesRead } = await readAsync(fd, buf, got, buf.length - got, bs + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        parts.push(got === buf.length ? buf : buf.subarray(0, got));
      } finally {
        closeSync(fd);
      }
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Streams the whole message (for parsing and whole-message fetches). */
  async *stream(): AsyncGenerator<Uint8Array> {
    if (this.msg.prefix.length > 0) yield this.msg.prefix;
    for await (const c of this.ctx.blobs.open(this.msg.blobHash)) yield c as Buffer;
  }

  async structure(): Promise<MimePart> {
    const hit = this.cachedStructure();
    if (hit) return hit;
    // The record's structure is parsed from JSON on first access (store), so it is read only here.
    const stored = this.msg.structure;
    if (stored && typeof stored === 'object' && 'bodyStart' in stored) {
      this.root = stored as MimePart;
      this.cache?.setStructure(this.cacheKey, this.root);
      return this.root;
    }
    const root = await parseMime(this.msg.size <= 1 << 20 ? await this.read(0, this.msg.size) : this.stream(), mimeLimitsFromConfig(this.ctx.config.mime));
    this.root = root;
    this.cache?.setStructure(this.cacheKey, root);
    if (this.sink) this.sink.push({ messageId: this.msg.id, structure: root });
    else await this.ctx.store.saveStructure(this.msg.id, root);
    return root;
  }
}
