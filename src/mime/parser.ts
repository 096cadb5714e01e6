// Streaming MIME structure parser: RFC 5322 §2.1 (header, blank line, body), RFC 2045 (MIME
// header fields), RFC 2046 §5.1 (multipart: boundaries, preamble, epilogue), RFC 2046 §5.2.1 and
// RFC 6532 §3.7 (message/rfc822 and message/global encapsulation).
//
// The parser is fed chunks and keeps only state: the stack of open parts, the current line's first
// bytes (enough to recognise a boundary) and the headers of the part whose header is being read.
// It records byte offsets, so IMAP can later read any part from the stored message without parsing
// it again. It never throws on mail: broken structure yields a sensible tree; the limits in
// `MimeLimits` stop descent and leave the rest as opaque bodies.
//
// Security note: every buffer is bounded (line prefix by the longest accepted boundary, headers by
// maxHeaderBytes/maxTotalHeaderBytes, the stack by maxDepth, the tree by maxParts); the scan is one
// pass with O(depth) work per line that starts with "--".

import { firstValue, parseContentType, parseDisposition, parseEncoding, parseHeaderFields, parseLanguage, simpleField } from './header.ts';
import { defaultMimeLimits, maxMimeDepth, type MimeLimits, type MimePart } from './types.ts';

const LF = 0x0a;
const CR = 0x0d;
const HYPHEN = 0x2d;
const SP = 0x20;
const HT = 0x09;

/** RFC 2046 §5.1.1: boundaries are 1 to 70 characters; we accept longer ones up to this, for real mail. */
const maxBoundaryBytes = 256;
const emptyBytes = new Uint8Array(0);
const utf8 = new TextEncoder();

/** Bytes of each line kept: "--" + boundary + "--". */
const prefixCap = maxBoundaryBytes + 4;

type Frame =
  | { kind: 'header'; part: MimePart; depth: number; inDigest: boolean; buf: Uint8Array; kept: number; bodyLF: number }
  | { kind: 'leaf'; part: MimePart; depth: number; bodyLF: number }
  | { kind: 'message'; part: MimePart; depth: number; bodyLF: number }
  | {
      kind: 'multipart';
      part: MimePart;
      depth: number;
      bodyLF: number;
      boundary: Uint8Array;
      /** preamble: before the first delimiter; parts: reading parts; full: no more parts (maxParts); epilogue: after the close delimiter. */
      phase: 'preamble' | 'parts' | 'full' | 'epilogue';
      isDigest: boolean;
    };

function newPart(start: number): MimePart {
  return {
    start,
    bodyStart: start,
    end: start,
    bodyLines: 0,
    headers: [],
    contentType: { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } },
    encoding: '7bit',
    id: null,
    description: null,
    md5: null,
    location: null,
    disposition: null,
    language: null,
    children: [],
    message: null,
  };
}

/** RFC 2046 §5.2.1 / RFC 6532 §3.7: encapsulated messages we descend into. */
function isEncapsulated(type: string, subtype: string): boolean {
  return type === 'message' && (subtype === 'rfc822' || subtype === 'global');
}

export class MimeParser {
  readonly #limits: MimeLimits;
  readonly #root: MimePart;
  readonly #stack: Frame[] = [];
  #parts = 1;
  #totalHeaderBytes = 0;
  #activeBoundaries = 0;
  #ended = false;

  /** Absolute offset of the next byte to arrive. */
  #offset = 0;
  /** Line feeds seen so far. */
  #lfCount = 0;

  // The current line.
  #lineStart = 0;
  #lineLen = 0;
  readonly #prefix = new Uint8Array(prefixCap);
  #prefixLen = 0;
  #lastByte = -1;
  #byteBeforeLast = -1;
  /** Header bytes kept before this line started (to drop a boundary line read as header). */
  #headerKeptAtLineStart = 0;

  // The previous complete line.
  #prevEol = 0;

  constructor(limits?: Partial<MimeLimits>) {
    const l = { ...defaultMimeLimits, ...limits };
    this.#limits = { ...l, maxDepth: Math.min(l.maxDepth, maxMimeDepth) };
    this.#root = newPart(0);
    this.#pushHeader(this.#root, 0, false);
  }

  /** Feed the next bytes of the message. The chunk is not retained beyond header bytes it copies. */
  push(chunk: Uint8Array): void {
    if (this.#ended) throw new Error('MimeParser.push after end');
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      const lf = chunk.indexOf(LF, pos);
      const segEnd = lf === -1 ? n : lf + 1;
      this.#feed(chunk, pos, segEnd);
      if (lf !== -1) this.#finishLine(true);
      pos = segEnd;
    }
  }

  /** Close every open part at the end of input and return the root of the tree. */
  end(): MimePart {
    if (this.#ended) return this.#root;
    if (this.#lineLen > 0) this.#finishLine(false);
    this.#ended = true;
    const total = this.#offset;
    let floor = 0;
    while (this.#stack.length > 0) floor = this.#close(this.#stack.pop()!, total, this.#lfCount, floor, false);
    return this.#root;
  }

  /** Append bytes [from, to) of chunk to the current line. */
  #feed(chunk: Uint8Array, from: number, to: number): void {
    if (this.#lineLen === 0) {
      this.#lineStart = this.#offset;
      const top = this.#stack[this.#stack.length - 1];
      this.#headerKeptAtLineStart = top?.kind === 'header' ? top.kept : 0;
    }
    const len = to - from;
    // Keep the line's first bytes while it could still be a boundary line ("--" first).
    if (this.#prefixLen < prefixCap && (this.#prefixLen < 2 || (this.#prefix[0] === HYPHEN && this.#prefix[1] === HYPHEN))) {
      const take = Math.min(len, prefixCap - this.#prefixLen);
      this.#prefix.set(chunk.subarray(from, from + take), this.#prefixLen);
      this.#prefixLen += take;
    }
    const top = this.#stack[this.#stack.length - 1];
    if (top?.kind === 'header') this.#keepHeader(top, chunk, from, to);
    if (len >= 2) {
      this.#byteBeforeLast = chunk[to - 2]!;
      this.#lastByte = chunk[to - 1]!;
    } else if (len === 1) {
      this.#byteBeforeLast = this.#lastByte;
      this.#lastByte = chunk[from]!;
    }
    this.#lineLen += len;
    this.#offset += len;
  }

  /** Copy header bytes, within maxHeaderBytes for the part and maxTotalHeaderBytes overall. */
  #keepHeader(frame: Extract<Frame, { kind: 'header' }>, chunk: Uint8Array, from: number, to: number): void {
    const room = Math.min(this.#limits.maxHeaderBytes - frame.kept, this.#limits.maxTotalHeaderBytes - this.#totalHeaderBytes);
    const take = Math.min(room, to - from);
    if (take <= 0) return;
    if (frame.kept + take > frame.buf.length) {
      // Grow by doubling (bounded by the limits above), so tiny chunks cost no per-chunk objects.
      const grown = new Uint8Array(Math.max(frame.kept + take, Math.min(frame.buf.length * 2 || 256, this.#limits.maxHeaderBytes)));
      grown.set(frame.buf.subarray(0, frame.kept));
      frame.buf = grown;
    }
    frame.buf.set(chunk.subarray(from, from + take), frame.kept);
    frame.kept += take;
    this.#totalHeaderBytes += take;
  }

  #finishLine(complete: boolean): void {
    let eol = 0;
    if (complete) {
      this.#lfCount++;
      eol = this.#lineLen >= 2 && this.#byteBeforeLast === CR ? 2 : 1;
    }
    const contentLen = this.#lineLen - eol;
    const lineEnd = this.#lineStart + this.#lineLen;
    const matched = this.#activeBoundaries > 0 && this.#prefixLen >= 2 && this.#prefix[0] === HYPHEN && this.#prefix[1] === HYPHEN
      ? this.#matchDelimiter(contentLen)
      : null;
    if (matched) this.#onDelimiter(matched.index, matched.close, lineEnd, complete);
    else {
      const top = this.#stack[this.#stack.length - 1];
      if (top?.kind === 'header' && contentLen === 0 && complete) this.#endHeader(top, lineEnd);
    }
    this.#prevEol = eol;
    this.#lineLen = 0;
    this.#prefixLen = 0;
  }

  /**
   * RFC 2046 §5.1.1: a delimiter line is "--" boundary, then "--" for the close delimiter, then
   * transport padding (LWSP). Real mail puts other text after a close delimiter
   * ("--b--</BODY></HTML>"), so, as deployed servers do, anything may follow "--" boundary "--";
   * after "--" boundary alone only white space may follow, which also tells boundary "foo" from
   * "foo-bar". When several open multiparts match, the longest boundary wins, then the innermost,
   * so a missing inner close delimiter is recovered by an outer boundary.
   */
  #matchDelimiter(contentLen: number): { index: number; close: boolean } | null {
    const p = this.#prefix;
    const have = Math.min(this.#prefixLen, contentLen);
    let best: { index: number; close: boolean } | null = null;
    let bestLen = -1;
    for (let i = this.#stack.length - 1; i >= 0; i--) {
      const f = this.#stack[i]!;
      if (f.kind !== 'multipart' || f.phase === 'epilogue') continue;
      const b = f.boundary;
      if (have < 2 + b.length || b.length <= bestLen) continue;
      let ok = true;
      for (let k = 0; k < b.length && ok; k++) ok = p[2 + k] === b[k];
      if (!ok) continue;
      const at = 2 + b.length;
      const close = at + 1 < have && p[at] === HYPHEN && p[at + 1] === HYPHEN;
      if (!close) {
        // Only transport padding may follow; a line longer than the kept prefix is not a delimiter.
        if (contentLen > this.#prefixLen) continue;
        for (let k = at; k < have && ok; k++) ok = p[k] === SP || p[k] === HT;
        if (!ok) continue;
      }
      best = { index: i, close };
      bestLen = b.length;
    }
    return best;
  }

  #onDelimiter(index: number, close: boolean, lineEnd: number, complete: boolean): void {
    const lineStart = this.#lineStart;
    // RFC 2046 §5.1.1: the CRLF preceding the delimiter line belongs to the delimiter.
    const endAt = lineStart - this.#prevEol;
    const lfBeforeLine = complete ? this.#lfCount - 1 : this.#lfCount;
    const lfAt = lfBeforeLine - (this.#prevEol > 0 ? 1 : 0);
    let floor = 0;
    while (this.#stack.length - 1 > index) floor = this.#close(this.#stack.pop()!, endAt, lfAt, floor, true);
    const mp = this.#stack[index] as Extract<Frame, { kind: 'multipart' }>;
    if (close) {
      mp.phase = 'epilogue';
      this.#activeBoundaries--;
      return;
    }
    if (mp.phase === 'full') return;
    if (this.#parts >= this.#limits.maxParts) {
      mp.phase = 'full';
      return;
    }
    mp.phase = 'parts';
    const child = newPart(lineEnd);
    mp.part.children.push(child);
    this.#parts++;
    this.#pushHeader(child, mp.depth + 1, mp.isDigest);
  }

  #pushHeader(part: MimePart, depth: number, inDigest: boolean): void {
    this.#stack.push({ kind: 'header', part, depth, inDigest, buf: emptyBytes, kept: 0, bodyLF: 0 });
  }

  /** Parse the kept header bytes into the part's fields. */
  #applyHeader(frame: Extract<Frame, { kind: 'header' }>, keep: number): void {
    const bytes = frame.buf.subarray(0, keep);
    frame.buf = emptyBytes;
    const part = frame.part;
    const headers = parseHeaderFields(bytes);
    part.headers = headers;
    const ct = firstValue(headers, 'content-type');
    part.contentType = parseContentType(ct, frame.inDigest);
    part.encoding = parseEncoding(firstValue(headers, 'content-transfer-encoding'));
    part.id = simpleField(firstValue(headers, 'content-id'));
    part.description = simpleField(firstValue(headers, 'content-description'));
    part.md5 = simpleField(firstValue(headers, 'content-md5'));
    part.location = simpleField(firstValue(headers, 'content-location'));
    part.disposition = parseDisposition(firstValue(headers, 'content-disposition'));
    part.language = parseLanguage(firstValue(headers, 'content-language'));
  }

  /** The blank line after a header: decide what the body is. */
  #endHeader(frame: Extract<Frame, { kind: 'header' }>, bodyStart: number): void {
    this.#applyHeader(frame, frame.kept);
    const part = frame.part;
    part.bodyStart = bodyStart;
    const bodyLF = this.#lfCount;
    const { type, subtype, params } = part.contentType;
    const canDescend = frame.depth < this.#limits.maxDepth;
    this.#stack.pop();
    // RFC 2046 §5.1.1: a boundary does not end in white space; a transport may have stripped it from the lines.
    const boundary = params.boundary !== undefined ? utf8.encode(params.boundary.replace(/[ \t]+$/, '')) : null;
    if (type === 'multipart' && canDescend && boundary && boundary.length > 0 && boundary.length <= maxBoundaryBytes) {
      this.#stack.push({ kind: 'multipart', part, depth: frame.depth, bodyLF, boundary, phase: 'preamble', isDigest: subtype === 'digest' });
      this.#activeBoundaries++;
    } else if (
      isEncapsulated(type, subtype) &&
      canDescend &&
      // RFC 2046 §5.2.1: only 7bit, 8bit or binary; an encoded message is opaque to us.
      (part.encoding === '7bit' || part.encoding === '8bit' || part.encoding === 'binary') &&
      this.#parts < this.#limits.maxParts
    ) {
      this.#stack.push({ kind: 'message', part, depth: frame.depth, bodyLF });
      const inner = newPart(bodyStart);
      part.message = inner;
      this.#parts++;
      this.#pushHeader(inner, frame.depth + 1, false);
    } else {
      this.#stack.push({ kind: 'leaf', part, depth: frame.depth, bodyLF });
    }
  }

  /**
   * Close a frame and return its end. `endAt`/`lfAt` say where a body ends: before the CRLF of a
   * delimiter line (RFC 2046 §5.1.1), or at the end of input. `floor` is the end of the child just
   * closed: when a delimiter line directly follows another ("--inner" CRLF "--outer"), the CRLF is
   * shared, and a parent must not end before its child.
   */
  #close(frame: Frame, endAt: number, lfAt: number, floor: number, atDelimiter: boolean): number {
    const part = frame.part;
    if (frame.kind === 'header') {
      // A header cut off by a delimiter or the end of input: no body. A delimiter line was read as
      // header bytes (the header frame is the top of the stack), so drop it.
      this.#applyHeader(frame, atDelimiter ? this.#headerKeptAtLineStart : frame.kept);
      part.bodyStart = Math.max(part.start, endAt);
      part.end = part.bodyStart;
      part.bodyLines = 0;
      return part.end;
    }
    if (frame.kind === 'multipart' && frame.phase !== 'epilogue') this.#activeBoundaries--;
    const end = Math.max(endAt, floor);
    if (end <= part.bodyStart) {
      part.end = part.bodyStart;
      part.bodyLines = 0;
      return part.end;
    }
    part.end = end;
    // Lines are counted as line feeds in the body, as Dovecot does: a last line cut short by a
    // boundary (whose CRLF belongs to the boundary) or by the end of input is not counted. A
    // body extended to its child's end takes in the shared line feed.
    part.bodyLines = lfAt - frame.bodyLF + (end > endAt && this.#prevEol > 0 ? 1 : 0);
    return end;
  }
}

/** Parse a whole message, given as bytes or as a stream of chunks. */
export async function parseMime(input: Uint8Array | AsyncIterable<Uint8Array>, limits?: Partial<MimeLimits>): Promise<MimePart> {
  const parser = new MimeParser(limits);
  if (input instanceof Uint8Array) parser.push(input);
  else for await (const chunk of input) parser.push(chunk);
  return parser.end();
}
