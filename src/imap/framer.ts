// Frames an IMAP byte stream into complete commands (RFC 9051 §2.2.1, §4.3): a command is a line,
// and a line ending in a literal announcement "{n}" / "{n+}" / "~{n}" continues after n raw bytes.
// No I/O (CONVENTIONS.md §2): the session pushes bytes and pulls events; every limit is a
// parameter. Oversized input is drained, never buffered: the session answers with TOOBIG/BAD.
//
// A framed command keeps the client's bytes verbatim, literals inline, so the argument reader
// (args.ts) parses literals the same way whether they were synchronising or not. The exception is a
// large literal of a command that can take one (APPEND): it is handed out as `literalData` events
// while it arrives, for the session to stream to a spool file (CONVENTIONS.md §8); the command keeps
// only its announcement "{n}\r\n", and `spooled` records where its bytes would have been.

/** One shared empty buffer (never written to): 10,000 idle framers need not hold two each. */
const empty = Buffer.alloc(0);

export interface FramerLimits {
  /** Longest line without its literals (RFC 7162 §4 asks servers to accept at least 8192). */
  maxLineBytes: number;
  /** Largest single literal. */
  maxLiteralBytes: number;
  /** Largest whole command held in memory, literals included (spooled literals are not counted). */
  maxCommandBytes: number;
  /** Literals above this size go to the spool when the literal policy allows it; undefined: never. */
  spoolLiteralBytes?: number;
  /** Largest sum of the spooled literals of one command. */
  maxSpooledBytes?: number;
  /**
   * RFC 7888 LITERAL-: non-synchronising literals above 4096 bytes are refused with BAD [TOOBIG]
   * and the rest of the command is discarded (§4, §5).
   */
  literalMinus?: boolean;
}

export interface FramerOptions {
  /**
   * How the command begun by `firstLine` (tag, name, …) may take literals: whether its large ones
   * go to the spool, and the largest it may send (at most maxLiteralBytes; e.g. less before login).
   */
  literalPolicy?: (firstLine: Buffer) => LiteralPolicy;
}

export interface LiteralPolicy { canSpool: boolean; maxLiteralBytes: number }

/** RFC 7888 §4: the largest non-synchronising literal a LITERAL- server must accept. */
export const literalMinusMaxBytes = 4096;

export type FrameEvent =
  | { kind: 'needMore' }
  /**
   * A complete command; `bytes` has no trailing CRLF. `spooled` lists, in order, the offsets in
   * `bytes` (just past "{n}\r\n") of the literals that were handed out as literalData instead.
   */
  | { kind: 'command'; bytes: Buffer; spooled: number[] }
  /**
   * A synchronising literal of `size` bytes was announced: the session must answer "+ …" before
   * the client sends it (RFC 9051 §7.5), or call rejectLiteral() to refuse it. `prefix` is the
   * command so far, so the session can refuse e.g. an APPEND to a missing mailbox early.
   */
  | { kind: 'literal'; size: number; prefix: Buffer }
  /** A literal of `size` bytes is about to be handed out as literalData events (open a spool). */
  | { kind: 'spoolStart'; size: number }
  /** The next bytes of the literal being spooled (a view of the input, not a copy). */
  | { kind: 'literalData'; bytes: Buffer }
  /**
   * The command was too big or malformed and has been (or is being) drained. `tag` is its tag
   * when one could be read. `toobig` asks for the RFC 7889 / RFC 9051 §7.1 TOOBIG response code;
   * `status` is the tagged response: NO for a literal over APPENDLIMIT, BAD otherwise.
   */
  | { kind: 'error'; tag: string | null; toobig: boolean; status: 'NO' | 'BAD'; text: string };

const CR = 0x0d;
const LF = 0x0a;

type State =
  | { kind: 'line' }
  /** Waiting for the session's verdict on a synchronising literal. */
  | { kind: 'await-verdict'; size: number; spool: boolean }
  | { kind: 'literal'; remaining: number }
  /** A literal to hand out: first spoolStart, then literalData events. */
  | { kind: 'spool-start'; remaining: number }
  | { kind: 'spool-literal'; remaining: number }
  /** Dropping a non-synchronising literal that was refused, then the rest of the command. */
  | { kind: 'drain-literal'; remaining: number; reply: Drained }
  /** Dropping input up to the end of the command (a line that was too long, a refused literal). */
  | { kind: 'drain-line'; reply: Drained; line: number };

/** The reply owed for a command being drained. */
interface Drained { tag: string | null; text: string; toobig: boolean; status: 'NO' | 'BAD' }

/** The tail of a drained line, kept to see whether it announces a further literal. */
const tailBytes = 16;

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
  private buf: Buffer = empty;
  /** Pieces of the command framed so far (lines with their CRLF, literal bytes). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current line seen so far (for the line limit). */
  private lineStart = 0;
  private state: State = { kind: 'line' };
  private readonly literalPolicy: ((firstLine: Buffer) => LiteralPolicy) | undefined;
  /** Offsets of the spooled literals of the command so far, and their total size. */
  private spooled: number[] = [];
  private spooledBytes = 0;
  /** The last bytes of the line being drained (a literal announcement at its end continues it). */
  private drainTail: Buffer = empty;

  constructor(limits: FramerLimits, options: FramerOptions = {}) {
    this.limits = limits;
    this.literalPolicy = options.literalPolicy;
  }

  push(chunk: Uint8Array): void {
    const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buf = this.buf.length === 0 ? Buffer.from(b) : Buffer.concat([this.buf, b]);
  }

  /** Bytes held (unframed input plus the command so far): bounded by the limits. */
  get buffered(): number {
    return this.buf.length + this.partBytes;
  }

  /** True while a literal is being handed out as literalData events. */
  get spooling(): boolean {
    return this.state.kind === 'spool-start' || this.state.kind === 'spool-literal';
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
    } else if (this.state.spool) {
      this.spooledBytes += this.state.size;
      this.state = { kind: 'spool-start', remaining: this.state.size };
    }
    else this.state = { kind: 'literal', remaining: this.state.size };
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
    this.spooled = [];
    this.spooledBytes = 0;
    this.state = { kind: 'line' };
  }

  /** Drops the command so far and drains the rest of it, then reports `reply`. */
  private drain(reply: Drained, literal = 0, lineSoFar = 0): void {
    this.reset();
    this.drainTail = empty;
    this.state = literal > 0 ? { kind: 'drain-literal', remaining: literal, reply } : { kind: 'drain-line', reply, line: lineSoFar };
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
        this.buf = empty;
        return undefined;
      }
      this.buf = this.buf.subarray(lf + 1);
      this.state = { kind: 'line' };
      return 'too-long';
    }
    const lf = this.buf.indexOf(LF);
    if (lf < 0) {
      if (this.buf.length > this.limits.maxLineBytes) {
        this.buf = empty;
        this.state = { kind: 'drain-line', reply: { tag: null, text: '', toobig: true, status: 'BAD' }, line: 0 };
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
        case 'spool-start':
          this.state = { kind: 'spool-literal', remaining: s.remaining };
          return { kind: 'spoolStart', size: s.remaining };
        case 'spool-literal': {
          if (this.buf.length === 0) return { kind: 'needMore' };
          const take = Math.min(s.remaining, this.buf.length);
          const bytes = this.buf.subarray(0, take);
          this.buf = this.buf.subarray(take);
          s.remaining -= take;
          if (s.remaining === 0) {
            this.spooled.push(this.partBytes);
            this.state = { kind: 'line' };
            this.lineStart = this.partBytes;
          }
          return { kind: 'literalData', bytes };
        }
        case 'drain-literal': {
          const take = Math.min(s.remaining, this.buf.length);
          this.buf = this.buf.subarray(take);
          s.remaining -= take;
          if (s.remaining > 0) return { kind: 'needMore' };
          this.drainTail = empty;
          this.state = { kind: 'drain-line', reply: s.reply, line: 0 };
          continue;
        }
        case 'drain-line': {
          const lf = this.buf.indexOf(LF);
          const piece = this.buf.subarray(0, lf < 0 ? this.buf.length : lf);
          this.drainTail = Buffer.concat([this.drainTail, piece.subarray(Math.max(0, piece.length - tailBytes))]).subarray(-tailBytes);
          s.line += piece.length;
          this.buf = lf < 0 ? empty : this.buf.subarray(lf + 1);
          if (lf < 0) return { kind: 'needMore' };
          // RFC 7888 §4: a discarded command's further non-synchronising literals are discarded with
          // it (a line longer than the limit is never a literal announcement: it was too long).
          const tail = this.drainTail.length > 0 && this.drainTail[this.drainTail.length - 1] === CR ? this.drainTail.subarray(0, -1) : this.drainTail;
          const ann = s.line <= this.limits.maxLineBytes + 2 ? literalAnnouncement(tail) : undefined;
          this.drainTail = empty;
          if (ann !== undefined && ann !== 'bad' && !ann.sync) {
            this.state = ann.size > 0 ? { kind: 'drain-literal', remaining: ann.size, reply: s.reply } : { kind: 'drain-line', reply: s.reply, line: 0 };
            continue;
          }
          this.reset();
          return { kind: 'error', ...s.reply };
        }
        case 'line': {
          const lf = this.buf.indexOf(LF);
          const lineBytes = (lf < 0 ? this.buf.length : lf + 1) + (this.partBytes - this.lineStart);
          if (lineBytes > this.limits.maxLineBytes + 2) {
            // RFC 9051 §7.1: TOOBIG. Drain up to the end of this line without buffering it.
            // The line is too long, so what is drained of it does not count as announcing a literal.
            this.drain({ tag: tagOf(this.firstPart()), text: 'Command line too long', toobig: true, status: 'BAD' }, 0, lineBytes);
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
            const spooled = this.spooled;
            this.reset();
            return { kind: 'command', bytes, spooled };
          }
          const tag = tagOf(this.parts[0]!);
          if (ann === 'bad') {
            this.reset();
            return { kind: 'error', tag, toobig: false, status: 'BAD', text: 'Invalid literal size' };
          }
          // Record the CRLF so the argument reader sees "{n}\r\n" + bytes.
          this.parts.push(Buffer.from('\r\n'));
          this.partBytes += 2;
          const policy = this.literalPolicy?.(this.parts[0]!);
          const spool = this.limits.spoolLiteralBytes !== undefined && ann.size > this.limits.spoolLiteralBytes && policy?.canSpool === true;
          const tooBig = ann.size > Math.min(this.limits.maxLiteralBytes, policy?.maxLiteralBytes ?? Infinity)
            || (spool ? this.spooledBytes + ann.size > (this.limits.maxSpooledBytes ?? Infinity) : this.partBytes + ann.size > this.limits.maxCommandBytes);
          if (ann.sync) {
            if (tooBig) {
              this.reset();
              return { kind: 'error', tag, toobig: true, status: 'NO', text: 'Literal too big' };
            }
            this.state = { kind: 'await-verdict', size: ann.size, spool };
            return { kind: 'literal', size: ann.size, prefix: Buffer.concat(this.parts) };
          }
          if (this.limits.literalMinus && ann.size > literalMinusMaxBytes) {
            // RFC 7888 §4: under LITERAL-, a larger non-synchronising literal gets BAD [TOOBIG], and
            // the server reads and discards it with the rest of the command (§5).
            this.drain({ tag, text: `Non-synchronizing literals are limited to ${literalMinusMaxBytes} bytes (LITERAL-)`, toobig: true, status: 'BAD' }, ann.size);
            continue;
          }
          if (tooBig) {
            // RFC 7888 §4: a non-synchronising literal the server will not take is read and dropped.
            this.drain({ tag, text: 'Literal too big', toobig: true, status: 'NO' }, ann.size);
            continue;
          }
          if (ann.size === 0) {
            this.lineStart = this.partBytes;
            continue;
          }
          if (spool) {
            this.spooledBytes += ann.size;
            this.state = { kind: 'spool-start', remaining: ann.size };
          } else this.state = { kind: 'literal', remaining: ann.size };
          continue;
        }
      }
    }
  }
}
