// Splits a byte stream into CRLF-terminated lines with a hard length limit, without I/O
// (CONVENTIONS.md §2). A line over the limit is reported once and then discarded up to its LF, so
// a client cannot make the server buffer without bound (RFC 5321 §4.5.3.1.4 and the like).

export type LineEvent =
  /** A complete line, without its line ending. `bareLf` is true when it ended in LF alone. */
  | { kind: 'line'; line: Buffer; bareLf: boolean }
  /** A line longer than the limit began; its bytes up to the next LF are dropped. */
  | { kind: 'too-long' };

export class LineReader {
  private readonly maxBytes: number;
  private buf: Buffer = Buffer.alloc(0);
  private discarding = false;

  /** maxBytes counts the line ending too (SMTP's 512 octets include CRLF). */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes received but not yet part of a complete line. */
  get pending(): number {
    return this.buf.length;
  }

  /** Feeds bytes; returns the events they complete, in order. */
  push(chunk: Uint8Array): LineEvent[] {
    const out: LineEvent[] = [];
    let data = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const lf = data.indexOf(0x0a, start);
      if (lf < 0) break;
      if (this.discarding) {
        this.discarding = false;
      } else if (lf + 1 - start > this.maxBytes) {
        out.push({ kind: 'too-long' });
      } else {
        const cr = lf > start && data[lf - 1] === 0x0d;
        out.push({ kind: 'line', line: Buffer.from(data.subarray(start, cr ? lf - 1 : lf)), bareLf: !cr });
      }
      start = lf + 1;
    }
    const rest = data.subarray(start);
    if (this.discarding) {
      this.buf = Buffer.alloc(0);
    } else if (rest.length >= this.maxBytes) {
      out.push({ kind: 'too-long' });
      this.discarding = true;
      this.buf = Buffer.alloc(0);
    } else {
      this.buf = Buffer.from(rest);
    }
    data = Buffer.alloc(0);
    return out;
  }

  /** Hands back the buffered bytes (for switching to a raw/literal mode) and empties the reader. */
  takeRest(): Buffer {
    const r = this.buf;
    this.buf = Buffer.alloc(0);
    this.discarding = false;
    return r;
  }
}
