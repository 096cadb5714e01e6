// The DATA body decoder (RFC 5321 §4.5.2 transparency, §4.1.1.4 end of data), byte-level and
// streaming: no I/O, no whole-message buffer. It removes dot-stuffing, finds the <CRLF>.<CRLF>
// terminator, counts bytes against a limit and flags bare CR / bare LF.
//
// Security (SMTP smuggling): only a "." line that starts after a real CRLF (or at the start of
// the body) and ends in a real CRLF ends the data. "\n.\r\n", "\r\n.\n", "\r.\r" are never an
// end; every bare CR or LF is flagged so the session rejects the message (RFC 5321 §2.3.8: lines
// end in CRLF only) or, when configured, turns it into CRLF. A dot line after a bare line ending
// is kept as data and never unstuffed, so normalising cannot create a terminator or an empty line.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const DOT_CRLF = Buffer.from('.\r\n');

type State =
  /** At the start of a line. */
  | 'line-start'
  /** Saw "." at the start of a line that began after a real CRLF. */
  | 'dot'
  /** Saw ".\r" at such a line start. */
  | 'dot-cr'
  /** Inside a line. */
  | 'mid'
  /** Saw CR, waiting for LF. */
  | 'cr';

export interface DotDecodeStep {
  /** Decoded body bytes (slices of the input where possible); empty once the limit is passed. */
  chunks: Buffer[];
  /** Input bytes used; less than the input only when `done`. */
  consumed: number;
  /** The terminating <CRLF>.<CRLF> was seen; bytes after it belong to the command stream. */
  done: boolean;
}

export class DotDecoder {
  private readonly maxBytes: number;
  private state: State = 'line-start';
  /** The current line start follows a real CRLF (or the start of the body). */
  private cleanStart = true;
  /** Decoded body bytes so far, counted even past the limit. */
  size = 0;
  /** More than maxBytes bytes were decoded; output stopped at the limit. */
  overflow = false;
  /** A bare CR or bare LF was seen (and turned into CRLF in the output). */
  bareLineEnding = false;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  private emit(out: Buffer[], b: Buffer): void {
    if (b.length === 0) return;
    const room = this.maxBytes - this.size;
    this.size += b.length;
    if (this.overflow) return;
    if (b.length > room) {
      // Keep exactly the first maxBytes bytes, however the input was split.
      this.overflow = true;
      if (room > 0) out.push(b.subarray(0, room));
      return;
    }
    out.push(b);
  }

  /** A bare CR or LF: flag it and end the line with CRLF; the next line start is not clean. */
  private bare(out: Buffer[]): void {
    this.bareLineEnding = true;
    this.emit(out, CRLF);
    this.state = 'line-start';
    this.cleanStart = false;
  }

  feed(input: Buffer): DotDecodeStep {
    const out: Buffer[] = [];
    let runStart = 0;
    let i = 0;
    const n = input.length;
    while (i < n) {
      const b = input[i]!;
      switch (this.state) {
        case 'mid':
          if (b === CR) {
            this.emit(out, input.subarray(runStart, i));
            this.state = 'cr';
          } else if (b === LF) {
            this.emit(out, input.subarray(runStart, i));
            this.bare(out);
          }
          i++;
          break;
        case 'cr':
          if (b === LF) {
            this.emit(out, CRLF);
            this.state = 'line-start';
            this.cleanStart = true;
            i++;
          } else {
            this.bare(out); // bare CR; b is looked at again as the first byte of a line
          }
          break;
        case 'line-start':
          if (b === DOT && this.cleanStart) {
            this.state = 'dot';
          } else if (b === CR) {
            this.state = 'cr';
          } else if (b === LF) {
            this.bare(out);
          } else {
            runStart = i;
            this.state = 'mid';
          }
          i++;
          break;
        case 'dot':
          if (b === CR) {
            this.state = 'dot-cr';
            i++;
          } else if (b === LF) {
            // ".\n": not an end of data (RFC 5321 §4.1.1.4 needs CRLF); keep the dot as data.
            this.emit(out, Buffer.from('.'));
            this.bare(out);
            i++;
          } else {
            // RFC 5321 §4.5.2: the first of the leading dots is removed; the rest of the line is data.
            runStart = i;
            this.state = 'mid';
            i++;
          }
          break;
        case 'dot-cr':
          if (b === LF) {
            this.state = 'line-start';
            this.cleanStart = true;
            return { chunks: out, consumed: i + 1, done: true };
          }
          // ".\r" then not LF: a line "." ended by a bare CR; b is looked at again.
          this.emit(out, DOT_CRLF.subarray(0, 1));
          this.bare(out);
          break;
      }
    }
    if (this.state === 'mid') this.emit(out, input.subarray(runStart, n));
    return { chunks: out, consumed: n, done: false };
  }
}
