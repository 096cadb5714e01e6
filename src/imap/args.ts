// Reads the arguments of one framed IMAP command (RFC 9051 §9 formal syntax): atoms, quoted
// strings, literals, numbers, parenthesised lists, sequence sets. No I/O; every limit is a
// parameter. A syntax error throws ParseError, which the session answers with "BAD".
import type { SpooledLiteral } from './literal-spool.ts';

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface ArgLimits {
  maxNesting: number;
  maxSequenceRanges: number;
}

/** One range of a sequence set; `*` is Infinity until resolved against the mailbox. */
export interface SeqRange { from: number; to: number }
/** A sequence set (RFC 9051 §9 sequence-set), or "$" (RFC 5182 SEARCHRES). */
export type SequenceSet = { kind: 'set'; ranges: SeqRange[] } | { kind: 'saved' };

function isAtomChar(c: number): boolean {
  // RFC 9051 §9: ATOM-CHAR = <any CHAR except atom-specials>;
  // atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
  if (c <= 0x20 || c >= 0x7f) return false;
  return !(c === 0x28 || c === 0x29 || c === 0x7b || c === 0x25 || c === 0x2a || c === 0x22 || c === 0x5c || c === 0x5d);
}

export class ArgReader {
  readonly buf: Buffer;
  pos = 0;
  private readonly limits: ArgLimits;
  private depth = 0;
  /** Literals the framer handed to the spool, by the offset their bytes would have had in `buf`. */
  private readonly spooled: ReadonlyMap<number, SpooledLiteral>;

  constructor(buf: Buffer, limits: ArgLimits, pos = 0, spooled: ReadonlyMap<number, SpooledLiteral> = new Map()) {
    this.buf = buf;
    this.limits = limits;
    this.pos = pos;
    this.spooled = spooled;
  }

  get atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  peek(): number {
    return this.pos < this.buf.length ? this.buf[this.pos]! : -1;
  }

  peekIs(ch: string): boolean {
    return this.peek() === ch.charCodeAt(0);
  }

  /** Consumes `ch` if it is next. */
  eat(ch: string): boolean {
    if (this.peekIs(ch)) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) throw new ParseError(`Expected "${ch}" at position ${this.pos}`);
  }

  sp(): void {
    if (!this.eat(' ')) throw new ParseError(this.atEnd ? 'Missing argument' : `Expected a space at position ${this.pos}`);
  }

  end(): void {
    if (!this.atEnd) throw new ParseError(`Unexpected characters at the end: "${this.buf.subarray(this.pos, this.pos + 20).toString('latin1')}"`);
  }

  /** Case-insensitively consumes a keyword (followed by a non-atom character or the end). */
  keyword(word: string): boolean {
    const n = word.length;
    if (this.pos + n > this.buf.length) return false;
    if (this.buf.subarray(this.pos, this.pos + n).toString('latin1').toUpperCase() !== word.toUpperCase()) return false;
    const next = this.buf[this.pos + n];
    if (next !== undefined && isAtomChar(next) && /[A-Z0-9]$/i.test(word)) return false;
    this.pos += n;
    return true;
  }

  /** 1*ATOM-CHAR; `extra` allows further characters such as "]" or "\\". */
  atom(extra = ''): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if (isAtomChar(c) || (extra && extra.includes(String.fromCharCode(c)))) this.pos++;
      else break;
    }
    if (this.pos === start) throw new ParseError(this.atEnd ? 'Missing argument' : `Expected an atom at position ${start}`);
    return this.buf.subarray(start, this.pos).toString('utf8');
  }

  /** An atom made only of the allowed characters, upper-cased (command names, keywords). */
  word(): string {
    const start = this.pos;
    while (this.pos < this.buf.length) {
      const c = this.buf[this.pos]!;
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f || c === 0x3d) this.pos++;
      else break;
    }
    if (this.pos === start) throw new ParseError(this.atEnd ? 'Missing argument' : `Expected a keyword at position ${start}`);
    return this.buf.subarray(start, this.pos).toString('latin1').toUpperCase();
  }

  number(): number {
    const start = this.pos;
    while (this.pos < this.buf.length && this.buf[this.pos]! >= 0x30 && this.buf[this.pos]! <= 0x39) this.pos++;
    if (this.pos === start) throw new ParseError(`Expected a number at position ${start}`);
    const s = this.buf.subarray(start, this.pos).toString('latin1');
    if (s.length > 20) throw new ParseError('Number too large');
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw new ParseError('Number too large');
    return n;
  }

  /** RFC 9051 §9: number = 1*DIGIT (32-bit), nz-number starts with a non-zero digit. */
  nzNumber(): number {
    const n = this.number();
    if (n === 0 || n > 0xffffffff) throw new ParseError('Expected a non-zero 32-bit number');
    return n;
  }

  /** A quoted string or literal (RFC 9051 §4.3) as bytes. */
  stringBytes(): Buffer {
    const c = this.peek();
    if (c === 0x22) return this.quotedBytes();
    if (c === 0x7b || c === 0x7e) return this.literalBytes();
    throw new ParseError(`Expected a string at position ${this.pos}`);
  }

  private quotedBytes(): Buffer {
    this.pos++;
    const out: number[] = [];
    for (;;) {
      if (this.pos >= this.buf.length) throw new ParseError('Unterminated quoted string');
      const c = this.buf[this.pos++]!;
      if (c === 0x22) break;
      if (c === 0x0d || c === 0x0a) throw new ParseError('CR or LF in a quoted string');
      if (c === 0x5c) {
        const n = this.buf[this.pos++];
        if (n !== 0x22 && n !== 0x5c) throw new ParseError('Invalid escape in a quoted string');
        out.push(n);
      } else out.push(c);
    }
    return Buffer.from(out);
  }

  /** "{n}\r\n" + n bytes, "{n+}", or "~{n}" (RFC 3516 literal8); the framer has checked the size. */
  literalBytes(allowBinary = false): Buffer {
    const l = this.literal(allowBinary);
    if (!Buffer.isBuffer(l.data)) throw new ParseError('Literal too large for this argument');
    return l.data;
  }

  /**
   * A literal whose bytes may have gone to the spool (APPEND, framer.ts): the bytes, or the
   * spooled literal. `binary` is true for literal8 ("~{n}").
   */
  literal(allowBinary = false): { binary: boolean; data: Buffer | SpooledLiteral } {
    const binary = this.eat('~');
    if (binary && !allowBinary) throw new ParseError('literal8 is allowed only in APPEND');
    this.expect('{');
    const n = this.number();
    this.eat('+');
    this.expect('}');
    if (!(this.eat('\r') && this.eat('\n'))) throw new ParseError('Expected CRLF after a literal size');
    const spooled = this.spooled.get(this.pos);
    if (spooled && spooled.size === n) return { binary, data: spooled };
    if (this.pos + n > this.buf.length) throw new ParseError('Literal shorter than announced');
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return { binary, data: b };
  }

  string(): string {
    return this.stringBytes().toString('utf8');
  }

  /** astring = 1*ASTRING-CHAR / string. ASTRING-CHAR adds "]" to ATOM-CHAR. */
  astring(): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    return this.atom(']');
  }

  nstring(): string | null {
    if (this.keyword('NIL')) return null;
    return this.string();
  }

  /** RFC 9051 §9 list-mailbox: list-char includes "%" and "*". */
  listMailbox(): string {
    const c = this.peek();
    if (c === 0x22 || c === 0x7b) return this.string();
    return this.atom(']%*');
  }

  /** A flag: "\\Seen" or a keyword atom (RFC 9051 §9 flag). */
  flag(): string {
    if (this.eat('\\')) {
      if (this.eat('*')) return '\\*';
      return '\\' + this.atom();
    }
    return this.atom();
  }

  /** A parenthesised, space-separated list; `item` reads one element. Empty lists allowed. */
  list<T>(item: () => T): T[] {
    this.expect('(');
    if (++this.depth > this.limits.maxNesting) throw new ParseError('Too deeply nested');
    const out: T[] = [];
    if (!this.eat(')')) {
      for (;;) {
        out.push(item());
        if (this.eat(')')) break;
        this.sp();
      }
    }
    this.depth--;
    return out;
  }

  /** Enters a nested parenthesised group (SEARCH keys) with the nesting limit. */
  enter(): void {
    if (++this.depth > this.limits.maxNesting) throw new ParseError('Too deeply nested');
  }

  leave(): void {
    this.depth--;
  }

  /** Flags as one flag or a parenthesised list (STORE accepts both). */
  flagList(): string[] {
    if (this.peekIs('(')) return this.list(() => this.flag());
    const out = [this.flag()];
    while (this.peekIs(' ') && (this.buf[this.pos + 1] === 0x5c || isAtomChar(this.buf[this.pos + 1] ?? 0))) {
      this.sp();
      out.push(this.flag());
    }
    return out;
  }

  /** RFC 9051 §9 sequence-set; "$" for the saved search result (RFC 5182). */
  sequenceSet(): SequenceSet {
    if (this.eat('$')) return { kind: 'saved' };
    const ranges: SeqRange[] = [];
    for (;;) {
      const a = this.seqNumber();
      let b = a;
      if (this.eat(':')) b = this.seqNumber();
      ranges.push(a <= b ? { from: a, to: b } : { from: b, to: a });
      if (ranges.length > this.limits.maxSequenceRanges) throw new ParseError('Too many ranges in the sequence set');
      if (!this.eat(',')) break;
    }
    return { kind: 'set', ranges };
  }

  private seqNumber(): number {
    if (this.eat('*')) return Infinity;
    return this.nzNumber();
  }

  /** The rest of the command from here, as text (for logging or free-form arguments). */
  rest(): string {
    const s = this.buf.subarray(this.pos).toString('utf8');
    this.pos = this.buf.length;
    return s;
  }
}

/** Whether `n` lies in the set, with "*" meaning `star` (the largest number in use). */
export function inSequenceSet(ranges: readonly SeqRange[], n: number, star: number): boolean {
  for (const r of ranges) {
    const from = r.from === Infinity ? star : r.from;
    const to = r.to === Infinity ? star : r.to;
    const lo = Math.min(from, to);
    const hi = Math.max(from, to);
    if (n >= lo && n <= hi) return true;
  }
  return false;
}

/** Formats sorted numbers as a compact sequence set ("1:3,7,9:10"). */
export function formatSequenceSet(nums: readonly number[]): string {
  const sorted = [...nums].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!;
    let end = start;
    while (i + 1 < sorted.length && (sorted[i + 1] === end + 1 || sorted[i + 1] === end)) end = sorted[++i]!;
    out.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return out.join(',');
}

/** Like formatSequenceSet but keeps the given order (COPYUID pairs source and destination UIDs). */
export function formatOrderedSet(nums: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < nums.length) {
    const start = nums[i]!;
    let end = start;
    while (i + 1 < nums.length && nums[i + 1] === end + 1) end = nums[++i]!;
    out.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return out.join(',');
}
