// A cache shared by all IMAP sessions of a server, in the spirit of Dovecot's index cache: the
// parsed MIME structure and the root header block of recently used messages, so FETCH of headers
// and SEARCH over many messages neither re-parse stored JSON nor open one file per message.
// Keys are content addresses (the blob hash, plus the per-copy prefix for structures, whose
// offsets and header fields include it), and blobs are immutable, so an entry never goes stale. Bounded LRU on both entry count and bytes.
import type { MimePart } from '../mime/index.ts';

export interface MessageCacheLimits {
  maxStructures: number;
  maxHeaderBytes: number;
}

export const defaultMessageCacheLimits: MessageCacheLimits = { maxStructures: 20_000, maxHeaderBytes: 32 * 1024 * 1024 };

/** Map insertion order is recency: a hit moves the key to the end; eviction takes from the front. */
class Lru<V> {
  private readonly map = new Map<string, V>();
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
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, v: V): void {
    const w = this.weigh(v);
    if (w > this.maxWeight || this.maxCount === 0) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.weight -= this.weigh(old);
      this.map.delete(key);
    }
    this.map.set(key, v);
    this.weight += w;
    for (const [k, x] of this.map) {
      if (this.map.size <= this.maxCount && this.weight <= this.maxWeight) break;
      this.map.delete(k);
      this.weight -= this.weigh(x);
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

  constructor(limits: MessageCacheLimits = defaultMessageCacheLimits) {
    this.structures = new Lru(limits.maxStructures, Number.POSITIVE_INFINITY, () => 1);
    this.headers = new Lru(Number.MAX_SAFE_INTEGER, limits.maxHeaderBytes, (b) => b.length);
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

  stats(): { structures: number; headerBytes: number } {
    return { structures: this.structures.size, headerBytes: this.headers.bytes };
  }
}
