// Frames an IMAP byte stream into complete commands (RFC 9051 §2.2.1, §4.3): a command is a line,
// and a line ending in a literal announcement "{n}" / "{n+}" / "~{n}" continues after n raw bytes.
// No I/O (CONVENTIONS.md §2): the session pushes bytes and pulls events; every limit is a
// parameter. Oversized input is drained, never buffered: the session answers with TOOBIG/BAD.
//
// A framed command keeps the client's bytes verbatim, literals inline, so the argument reader
// (args.ts) parses literals the same way whether they were synchronising or not.

export interface FramerLimits {
  /** Longest line without its literals (RFC 7162 §4 asks servers to accept at least 8192). */
  maxLineBytes: number;
  /** Largest single literal. */
  maxLiteralBytes: number;
  /** Largest whole command, literals included. */
  maxCommandBytes: number;
}

export type FrameEvent =
  | { kind: 'needMore' }
  /** A complete command; `bytes` has no trailing CRLF. */
  | { kind: 'command'; bytes: Buffer }
  /**
   * A synchronising literal of `size` bytes was announced: the session must answer "+ …" before
   * the client sends it (RFC 9051 §7.5), or call rejectLiteral() to refuse it. `prefix` is the
   * command so far, so the session can refuse e.g. an APPEND to a missing mailbox early.
   */
  | { kind: 'literal'; size: number; prefix: Buffer }
  /**
   * The command was too big or malformed and has been (or is being) drained. `tag` is its tag
   * when one could be read. `toobig` asks for the RFC 7889 / RFC 9051 §7.1 TOOBIG response code.
   */
  | { kind: 'error'; tag: string | null; toobig: boolean; text: string };

const CR = 0x0d;
const LF = 0x0a;

type State =
  | { kind: 'line' }
  /** Waiting for the session's verdict on a synchronising literal. */
  | { kind: 'await-verdict'; size: number }
  | { kind: 'literal'; remaining: number }
  /** Dropping a non-synchronising literal that was too big, then the rest of the line. */
  | { kind: 'drain-literal'; remaining: number; tag: string | null; text: string }
  /** Dropping input up to the next LF (a line that was too long). */
  | { kind: 'drain-line'; tag: string | null; text: string; toobig: boolean };

/** Parses a literal announcement at the end of a line: "{12}", "{12+}", "~{12}". */
export function literalAnnouncement(line: Buffer): { size: number; sync: boolean } | 'bad' | undefined {
  if (line.length < 3 || line[line.length - 1] !== 0x7d /* } */) return undefined;
  let i = line.length - 2;
  let sync = true;
  if (line[i] === 0x2b /* + */ || line[i] === 0x2d /* - (RFC 7888 LITERAL- uses +) */) {
    if (line[i] === 0x2d) return undefined;
    sync = false;
    i--;
  }
  const end = i + 1;
  while (i >= 0 && line[i]! >= 0x30 && line[i]! <= 0x39) i--;
  if (i < 0 || line[i] !== 0x7b /* { */ || end - i - 1 === 0) return undefined;
  const digits = line.subarray(i + 1, end).toString('latin1');
  // RFC 9051 §9: number = 1*DIGIT, an unsigned 32-bit integer.
  if (digits.length > 10 || Number(digits) > 0xffffffff) return 'bad';
  return { size: Number(digits), sync };
}

function tagOf(b: Buffer): string | null {
  const sp = b.indexOf(0x20);
  const t = b.subarray(0, sp < 0 ? Math.min(b.length, 64) : Math.min(sp, 64)).toString('latin1');
  return /^[\x21-\x7e]+$/.test(t) && !/[(){%*"\\+]/.test(t) ? t : null;
}

export class CommandFramer {
  private readonly limits: FramerLimits;
  private buf: Buffer = Buffer.alloc(0);
  /** Pieces of the command framed so far (lines with their CRLF, literal bytes). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current line seen so far (for the line limit). */
  private lineStart = 0;
  private state: State = { kind: 'line' };

  constructor(limits: FramerLimits) {
    this.limits = limits;
  }

  push(chunk: Uint8Array): void {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? Buffer.from(b) : Buffer.concat([this.buf, b]);
  }

  /** Bytes held (unframed input plus the command so far): bounded by the limits. */
  get buffered(): number {
    return this.buf.length + this.partBytes;
  }

  /** True when nothing of a next command has arrived. */
  get idle(): boolean {
    return this.buf.length === 0 && this.parts.length === 0 && this.state.kind === 'line';
  }

  /** Accepts the announced synchronising literal: the session has sent "+ …". */
  acceptLiteral(): void {
    if (this.state.kind !== 'await-verdict') throw new Error('no literal awaits a verdict');
    if (this.state.size === 0) {
      this.state = { kind: 'line' };
      this.lineStart = this.partBytes;
    } else this.state = { kind: 'literal', remaining: this.state.size };
  }

  /** Refuses the announced synchronising literal; the client will not send it (RFC 7888 §4). */
  rejectLiteral(): void {
    if (this.state.kind !== 'await-verdict') throw new Error('no literal awaits a verdict');
    this.reset();
  }

  private reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.lineStart = 0;
    this.state = { kind: 'line' };
  }

  private firstPart(): Buffer {
    return this.parts[0] ?? this.buf;
  }

  /**
   * Reads one plain line, for the SASL exchange and IDLE's DONE (no literals there). Returns
   * undefined when more input is needed; 'too-long' when the line was over the limit (drained).
   */
  nextLine(): Buffer | 'too-long' | undefined {
    if (this.state.kind === 'drain-line') {
      const lf = this.buf.indexOf(LF);
      if (lf < 0) {
        this.buf = Buffer.alloc(0);
        return undefined;
      }
      this.buf = this.buf.subarray(lf + 1);
      this.state = { kind: 'line' };
      return 'too-long';
    }
    const lf = this.buf.indexOf(LF);
    if (lf < 0) {
      if (this.buf.length > this.limits.maxLineBytes) {
        this.buf = Buffer.alloc(0);
        this.state = { kind: 'drain-line', tag: null, text: '', toobig: true };
      }
      return undefined;
    }
    if (lf > this.limits.maxLineBytes) {
      this.buf = this.buf.subarray(lf + 1);
      return 'too-long';
    }
    const line = this.buf.subarray(0, lf > 0 && this.buf[lf - 1] === CR ? lf - 1 : lf);
    this.buf = this.buf.subarray(lf + 1);
    return Buffer.from(line);
  }

  next(): FrameEvent {
    for (;;) {
      const s = this.state;
      switch (s.kind) {
        case 'await-verdict':
          return { kind: 'needMore' };
        case 'literal': {
          if (this.buf.length === 0) return { kind: 'needMore' };
          const take = Math.min(s.remaining, this.buf.length);
          this.parts.push(Buffer.from(this.buf.subarray(0, take)));
          this.partBytes += take;
          this.buf = this.buf.subarray(take);
          s.remaining -= take;
          if (s.remaining === 0) {
            this.state = { kind: 'line' };
            this.lineStart = this.partBytes;
          }
          continue;
        }
        case 'drain-literal': {
          const take = Math.min(s.remaining, this.buf.length);
          this.buf = this.buf.subarray(take);
          s.remaining -= take;
          if (s.remaining > 0) return { kind: 'needMore' };
          this.state = { kind: 'drain-line', tag: s.tag, text: s.text, toobig: true };
          continue;
        }
        case 'drain-line': {
          const lf = this.buf.indexOf(LF);
          if (lf < 0) {
            this.buf = Buffer.alloc(0);
            return { kind: 'needMore' };
          }
          this.buf = this.buf.subarray(lf + 1);
          this.reset();
          return { kind: 'error', tag: s.tag, toobig: s.toobig, text: s.text };
        }
        case 'line': {
          const lf = this.buf.indexOf(LF);
          const lineBytes = (lf < 0 ? this.buf.length : lf + 1) + (this.partBytes - this.lineStart);
          if (lineBytes > this.limits.maxLineBytes + 2) {
            // RFC 9051 §7.1: TOOBIG. Drain up to the end of this line without buffering it.
            const tag = tagOf(this.firstPart());
            this.parts = [];
            this.partBytes = 0;
            this.lineStart = 0;
            this.state = { kind: 'drain-line', tag, text: 'Command line too long', toobig: true };
            continue;
          }
          if (lf < 0) return { kind: 'needMore' };
          const end = lf > 0 && this.buf[lf - 1] === CR ? lf - 1 : lf;
          const line = this.buf.subarray(0, end);
          const ann = literalAnnouncement(line);
          if (this.parts.length === 0 && this.lineStart === 0 && end === 0) {
            // An empty line between commands: ignore it, as Dovecot does.
            this.buf = this.buf.subarray(lf + 1);
            continue;
          }
          this.parts.push(Buffer.from(this.buf.subarray(0, end)));
          this.partBytes += end;
          this.buf = this.buf.subarray(lf + 1);
          if (ann === undefined) {
            const bytes = Buffer.concat(this.parts);
            this.reset();
            this.lineStart = 0;
            return { kind: 'command', bytes };
          }
          const tag = tagOf(this.parts[0]!);
          if (ann === 'bad') {
            this.parts = [];
            this.partBytes = 0;
            this.lineStart = 0;
            this.state = { kind: 'line' };
            return { kind: 'error', tag, toobig: false, text: 'Invalid literal size' };
          }
          // Record the CRLF so the argument reader sees "{n}\r\n" + bytes.
          this.parts.push(Buffer.from('\r\n'));
          this.partBytes += 2;
          const tooBig = ann.size > this.limits.maxLiteralBytes || this.partBytes + ann.size > this.limits.maxCommandBytes;
          if (ann.sync) {
            if (tooBig) {
              this.parts = [];
              this.partBytes = 0;
              this.lineStart = 0;
              this.state = { kind: 'line' };
              return { kind: 'error', tag, toobig: true, text: 'Literal too big' };
            }
            this.state = { kind: 'await-verdict', size: ann.size };
            return { kind: 'literal', size: ann.size, prefix: Buffer.concat(this.parts) };
          }
          if (tooBig) {
            // RFC 7888 §4: a non-synchronising literal the server will not take is read and dropped.
            this.parts = [];
            this.partBytes = 0;
            this.lineStart = 0;
            this.state = { kind: 'drain-literal', remaining: ann.size, tag, text: 'Literal too big' };
            continue;
          }
          this.state = { kind: 'literal', remaining: ann.size };
          if (ann.size === 0) {
            this.state = { kind: 'line' };
            this.lineStart = this.partBytes;
          }
          continue;
        }
      }
    }
  }
}
