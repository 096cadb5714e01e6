// The bytes and MIME structure of one stored message as FETCH and SEARCH need them. A message is
// its per-copy prefix followed by its blob; offsets here are over that whole. The MIME structure
// is parsed on first need (SMTP does not parse MIME) and saved, so later requests read only the
// byte ranges they ask for (RFC 9051 §6.4.5 partial fetch).
import type { Context } from '../context.ts';
import { parseMime, type MimePart } from '../mime/index.ts';
import type { MessageRecord } from '../store/index.ts';

export class MessageSource {
  private readonly ctx: Context;
  readonly msg: MessageRecord;
  private root: MimePart | undefined;

  constructor(ctx: Context, msg: MessageRecord) {
    this.ctx = ctx;
    this.msg = msg;
    if (msg.structure && typeof msg.structure === 'object' && 'bodyStart' in (msg.structure as object)) this.root = msg.structure as MimePart;
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
    if (be > bs) parts.push(await this.ctx.blobs.read(this.msg.blobHash, bs, be));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Streams the whole message (for parsing and whole-message fetches). */
  async *stream(): AsyncGenerator<Uint8Array> {
    if (this.msg.prefix.length > 0) yield this.msg.prefix;
    for await (const c of this.ctx.blobs.open(this.msg.blobHash)) yield c as Buffer;
  }

  async structure(): Promise<MimePart> {
    if (this.root) return this.root;
    const root = await parseMime(this.stream());
    this.root = root;
    await this.ctx.store.saveStructure(this.msg.id, root);
    return root;
  }
}
