// A cache shared by all IMAP sessions of a server, in the spirit of Dovecot's index cache: the
// parsed MIME structure, the root header block and its filtered forms of recently used messages, so FETCH of headers
// and SEARCH over many messages neither re-parse stored JSON nor open one file per message.
// Keys are content addresses (the blob hash, plus the per-copy prefix for structures, whose
// offsets and header fields include it), and blobs are immutable, so an entry never goes stale. Bounded LRU on both entry count and bytes.
import type { MimePart } from '../mime/index.ts';

export interface MessageCacheLimits {
  maxStructures: number;
  maxHeaderBytes: number;
  /** Filtered header blocks (BODY[HEADER.FIELDS …]), by bytes; default a quarter of maxHeaderBytes. */
  maxFieldBytes?: number;
}

/** Distinct HEADER.FIELDS specs cached at once; each gets an equal share of maxFieldBytes. */
const maxFieldSpecs = 4;

export const defaultMessageCacheLimits: MessageCacheLimits = { maxStructures: 20_000, maxHeaderBytes: 32 * 1024 * 1024 };

/**
 * A bounded cache with CLOCK (second-chance) eviction, an approximation of LRU: a hit only marks
 * the entry, so lookups never reorder the map (a FETCH of a thousand headers makes a thousand of
 * them); eviction walks from the oldest insertion, giving marked entries one more round.
 */
class Lru<V> {
  private readonly map = new Map<string, { v: V; hot: boolean }>();
  private weight = 0;
  private readonly maxCount: number;
  private readonly maxWeight: number;
  private readonly weigh: (v: V) => number;

  constructor(maxCount: number, maxWeight: number, weigh: (v: V) => number) {
    this.maxCount = maxCount;
    this.maxWeight = maxWeight;
    this.weigh = weigh;
  }

  get(key: string): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.hot = true;
    return e.v;
  }

  set(key: string, v: V): void {
    const w = this.weigh(v);
    if (w > this.maxWeight || this.maxCount === 0) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.weight -= this.weigh(old.v);
      this.map.delete(key);
    }
    this.map.set(key, { v, hot: false });
    this.weight += w;
    for (const [k, e] of this.map) {
      if (this.map.size <= this.maxCount && this.weight <= this.maxWeight) break;
      this.map.delete(k);
      if (e.hot && k !== key) {
        // Second chance: to the back of the queue, unmarked.
        e.hot = false;
        this.map.set(k, e);
      } else this.weight -= this.weigh(e.v);
    }
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.weight;
  }
}

export class MessageCache {
  private readonly structures: Lru<MimePart>;
  private readonly headers: Lru<Buffer>;
  /** Per section spec (clients use one or two), so lookups hash keys V8 has already hashed. */
  private readonly filtered = new Map<string, Lru<Buffer>>();
  private readonly fieldBytesPerSpec: number;

  constructor(limits: MessageCacheLimits = defaultMessageCacheLimits) {
    this.structures = new Lru(limits.maxStructures, Number.POSITIVE_INFINITY, () => 1);
    this.headers = new Lru(Number.MAX_SAFE_INTEGER, limits.maxHeaderBytes, (b) => b.length);
    this.fieldBytesPerSpec = (limits.maxFieldBytes ?? limits.maxHeaderBytes / 4) / maxFieldSpecs;
  }

  static key(blobHash: string, prefix: Uint8Array): string {
    return prefix.length === 0 ? blobHash : `${blobHash}:${Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).toString('latin1')}`;
  }

  structure(key: string): MimePart | undefined {
    return this.structures.get(key);
  }

  setStructure(key: string, root: MimePart): void {
    this.structures.set(key, root);
  }

  /** The root header block of the blob (without the per-copy prefix), by blob hash. */
  header(blobHash: string): Buffer | undefined {
    return this.headers.get(blobHash);
  }

  setHeader(blobHash: string, header: Buffer): void {
    this.headers.set(blobHash, header);
  }

  /** The header block of message `key` (key(blob, prefix)) filtered by a section spec. */
  fields(spec: string, key: string): Buffer | undefined {
    return this.filtered.get(spec)?.get(key);
  }

  setFields(spec: string, key: string, block: Buffer): void {
    let lru = this.filtered.get(spec);
    if (!lru) {
      // A new spec pushes out the least recently added one beyond maxFieldSpecs.
      if (this.filtered.size >= maxFieldSpecs) this.filtered.delete(this.filtered.keys().next().value!);
      // Each entry also costs its key (a 64-character hash): counted as 96 bytes.
      this.filtered.set(spec, (lru = new Lru(Number.MAX_SAFE_INTEGER, this.fieldBytesPerSpec, (b) => b.length + 96)));
    }
    lru.set(key, block);
  }

  stats(): { structures: number; headerBytes: number; fieldBytes: number } {
    let fieldBytes = 0;
    for (const l of this.filtered.values()) fieldBytes += l.bytes;
    return { structures: this.structures.size, headerBytes: this.headers.bytes, fieldBytes };
  }
}
