// Large APPEND literals stream to a spool file as they arrive (CONVENTIONS.md §8): the framer hands
// out their bytes (framer.ts, literalData), this writes them to a BlobStore spool file, which hashes
// them as they pass, and feeds the MIME structure parser at the same time, so the memory one APPEND
// needs stays bounded whatever the message size. The command then commits the spool file as a
// blob, or the session aborts it: a failed or interrupted command leaves no spool file behind.
import { MimeParser, type MimeLimits, type MimePart } from '../mime/index.ts';
import type { BlobRef, SpoolWriter } from '../store/index.ts';
import { ImapNo } from './errors.ts';

/**
 * A literal that went to the spool instead of memory; ArgReader hands it to the command. When the
 * spool file cannot be written (disk full), the rest of the literal is still read and dropped, and
 * the command is answered NO when it commits: the client gets a reply, not a closed connection.
 */
export class SpooledLiteral {
  readonly size: number;
  readonly spool: SpoolWriter | undefined;
  private readonly mime: MimeParser;
  private structure: MimePart | undefined;
  /** Why the spool file could not be written, if it could not. */
  failure: unknown;

  constructor(size: number, spool: SpoolWriter | undefined, mimeLimits: MimeLimits, failure?: unknown) {
    this.size = size;
    this.spool = spool;
    this.mime = new MimeParser(mimeLimits);
    this.failure = failure;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (this.failure !== undefined || !this.spool) return;
    this.mime.push(bytes);
    try {
      await this.spool.write(bytes);
    } catch (err) {
      this.failure = err;
      await this.spool.abort();
    }
  }

  /** Throws the spool file away (safe after commit: nothing is left to remove). */
  abort(): Promise<void> {
    return this.spool?.abort() ?? Promise.resolve();
  }

  /** The MIME structure, parsed while the bytes arrived. */
  mimeStructure(): MimePart {
    this.structure ??= this.mime.end();
    return this.structure;
  }

  /** Makes the spool file a durable blob (fsynced before this resolves). */
  commit(): Promise<BlobRef> {
    if (this.failure !== undefined || !this.spool) {
      const code = (this.failure as { code?: unknown } | undefined)?.code;
      throw new ImapNo(`Cannot store the message now${typeof code === 'string' ? ` (${code})` : ''}; try again later`, 'UNAVAILABLE');
    }
    return this.spool.commit();
  }
}

/** The spooled literals of the command being read, in order. */
export class LiteralSpooler {
  private readonly createSpool: () => Promise<SpoolWriter>;
  private readonly mimeLimits: MimeLimits;
  private literals: SpooledLiteral[] = [];
  private current: SpooledLiteral | undefined;

  constructor(createSpool: () => Promise<SpoolWriter>, mimeLimits: MimeLimits) {
    this.createSpool = createSpool;
    this.mimeLimits = mimeLimits;
  }

  /** Opens the spool file of the next literal. */
  async start(size: number): Promise<void> {
    try {
      this.current = new SpooledLiteral(size, await this.createSpool(), this.mimeLimits);
    } catch (err) {
      this.current = new SpooledLiteral(size, undefined, this.mimeLimits, err);
    }
    this.literals.push(this.current);
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.current) throw new Error('no spooled literal is open');
    await this.current.write(bytes);
  }

  /** The literals of the framed command, by their offset in its bytes (framer `spooled`). */
  take(offsets: readonly number[]): Map<number, SpooledLiteral> {
    if (offsets.length !== this.literals.length) throw new Error(`framer reported ${offsets.length} spooled literals, ${this.literals.length} were spooled`);
    const out = new Map<number, SpooledLiteral>();
    offsets.forEach((o, i) => out.set(o, this.literals[i]!));
    this.literals = [];
    this.current = undefined;
    return out;
  }

  /** Throws away the spool files of a command that was not completed (an error, a closed connection). */
  async abortPending(): Promise<void> {
    const list = this.literals;
    this.literals = [];
    this.current = undefined;
    await abortSpooled(list);
  }
}

/** Throws away spool files; harmless for those already committed (nothing is left to remove). */
export async function abortSpooled(literals: Iterable<SpooledLiteral>): Promise<void> {
  await Promise.all([...literals].map((l) => l.abort()));
}
