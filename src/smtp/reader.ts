// The SMTP input parser: bytes in, events out, no I/O (CONVENTIONS.md §2). It frames command lines
// with a hard length limit, then, when the session asks, decodes a DATA body (dot-decoder.ts) or
// passes through exactly N octets of a BDAT chunk (RFC 3030 §2), and returns to command lines.
// The session pulls one event at a time, so pipelined commands (RFC 2920) wait their turn and
// the session can switch modes between two of them.

import { DotDecoder } from './dot-decoder.ts';

export type ReaderEvent =
  /** Nothing complete yet: feed more bytes. */
  | { kind: 'need-more' }
  /** One command line, without its line ending. */
  | { kind: 'command'; line: Buffer }
  /** A command line over the limit; its bytes up to the next LF are dropped. */
  | { kind: 'line-too-long' }
  /** Message bytes: DATA decoded (dot-stuffing removed), or BDAT octets as sent. */
  | { kind: 'data'; chunks: Buffer[] }
  /** End of the DATA body or of the BDAT chunk. */
  | { kind: 'data-end'; size: number; overflow: boolean; bareLineEnding: boolean };

type Mode =
  | { kind: 'command'; discarding: boolean }
  | { kind: 'data'; decoder: DotDecoder; ended: boolean }
  | { kind: 'chunk'; remaining: number; size: number };

const empty = Buffer.alloc(0);

export class SmtpReader {
  private readonly maxLineBytes: number;
  private buf: Buffer = empty;
  private off = 0;
  private mode: Mode = { kind: 'command', discarding: false };

  /** maxLineBytes counts the CRLF (RFC 5321 §4.5.3.1.4: 512 octets "including the CRLF"). */
  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes received and not yet turned into events. */
  get buffered(): number {
    return this.buf.length - this.off;
  }

  get modeKind(): Mode['kind'] {
    return this.mode.kind;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.off >= this.buf.length ? c : Buffer.concat([this.buf.subarray(this.off), c]);
    this.off = 0;
  }

  /** Drops every buffered byte; returns how many (RFC 3207 §5: nothing sent before TLS counts after it). */
  discardBuffered(): number {
    const n = this.buffered;
    this.buf = empty;
    this.off = 0;
    if (this.mode.kind === 'command') this.mode.discarding = false;
    return n;
  }

  /** After "354": the next bytes are a dot-stuffed body of at most maxBytes (more is counted, not kept). */
  startData(maxBytes: number): void {
    this.mode = { kind: 'data', decoder: new DotDecoder(maxBytes), ended: false };
  }

  /** After "BDAT size": the next `size` octets are message data (RFC 3030 §2), whatever they contain. */
  startChunk(size: number): void {
    this.mode = { kind: 'chunk', remaining: size, size };
  }

  next(): ReaderEvent {
    const m = this.mode;
    if (m.kind === 'data') return this.nextData(m);
    if (m.kind === 'chunk') return this.nextChunk(m);
    return this.nextLine(m);
  }

  private nextLine(m: { kind: 'command'; discarding: boolean }): ReaderEvent {
    for (;;) {
      const lf = this.buf.indexOf(0x0a, this.off);
      if (m.discarding) {
        if (lf < 0) {
          this.buf = empty;
          this.off = 0;
          return { kind: 'need-more' };
        }
        this.off = lf + 1;
        m.discarding = false;
        continue;
      }
      if (lf < 0) {
        if (this.buffered >= this.maxLineBytes) {
          m.discarding = true;
          this.buf = empty;
          this.off = 0;
          return { kind: 'line-too-long' };
        }
        return { kind: 'need-more' };
      }
      const start = this.off;
      this.off = lf + 1;
      if (lf + 1 - start > this.maxLineBytes) return { kind: 'line-too-long' };
      // RFC 5321 §2.3.8 wants CRLF; a command ended by a bare LF is accepted (it carries no body).
      const end = lf > start && this.buf[lf - 1] === 0x0d ? lf - 1 : lf;
      return { kind: 'command', line: this.buf.subarray(start, end) };
    }
  }

  private nextData(m: { kind: 'data'; decoder: DotDecoder; ended: boolean }): ReaderEvent {
    if (m.ended) {
      this.mode = { kind: 'command', discarding: false };
      return { kind: 'data-end', size: m.decoder.size, overflow: m.decoder.overflow, bareLineEnding: m.decoder.bareLineEnding };
    }
    if (this.buffered === 0) return { kind: 'need-more' };
    const step = m.decoder.feed(this.buf.subarray(this.off));
    this.off += step.consumed;
    if (step.done) m.ended = true;
    if (step.chunks.length > 0) return { kind: 'data', chunks: step.chunks };
    return m.ended ? this.nextData(m) : { kind: 'need-more' };
  }

  private nextChunk(m: { kind: 'chunk'; remaining: number; size: number }): ReaderEvent {
    if (m.remaining === 0) {
      this.mode = { kind: 'command', discarding: false };
      return { kind: 'data-end', size: m.size, overflow: false, bareLineEnding: false };
    }
    if (this.buffered === 0) return { kind: 'need-more' };
    const take = Math.min(m.remaining, this.buffered);
    const chunk = this.buf.subarray(this.off, this.off + take);
    this.off += take;
    m.remaining -= take;
    return { kind: 'data', chunks: [chunk] };
  }
}
