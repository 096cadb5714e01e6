// RFC 3516 §4.4: APPEND of a literal8 ("~{n}") may carry parts in Content-Transfer-Encoding
// "binary" (NULs, bare line ends, long lines). Such bytes cannot go back out in a plain BODY[]
// literal (RFC 9051 §4.3: a literal has no NUL), so, as Dovecot does, the message is stored with each
// binary leaf part re-encoded in base64 (its header rewritten to say so) and each binary composite
// part relabelled "8bit". BINARY[] (RFC 3516 §4.2) still returns the original decoded bytes.
// The rewrite streams from the original (memory or spool file) by the offsets of the MIME structure,
// so memory stays bounded for large messages.
import type { MimePart } from '../mime/index.ts';

/** Reads [start, end) of the original message. */
export type RangeReader = (start: number, end: number) => AsyncIterable<Uint8Array>;

/** A part header larger than this is left as is (not rewritten): no real header comes close. */
const maxRewrittenHeaderBytes = 1 << 20;

type Edit = { start: number; end: number; kind: 'header'; encoding: string } | { start: number; end: number; kind: 'base64' };

function isComposite(p: MimePart): boolean {
  return p.children.length > 0 || p.message !== null || p.contentType.type === 'multipart';
}

/** The edits that make a message free of binary content, in message order. */
function editsOf(p: MimePart, out: Edit[] = []): Edit[] {
  if (p.encoding === 'binary' && p.bodyStart - p.start <= maxRewrittenHeaderBytes) {
    if (isComposite(p)) out.push({ start: p.start, end: p.bodyStart, kind: 'header', encoding: '8bit' });
    else {
      out.push({ start: p.start, end: p.bodyStart, kind: 'header', encoding: 'base64' });
      out.push({ start: p.bodyStart, end: p.end, kind: 'base64' });
      return out;
    }
  }
  if (p.message) editsOf(p.message, out);
  for (const c of p.children) editsOf(c, out);
  return out;
}

/** Whether the message has parts in the binary encoding (and so needs convertBinary). */
export function hasBinaryParts(root: MimePart): boolean {
  return editsOf(root).length > 0;
}

/** Replaces the value of the Content-Transfer-Encoding field (folded lines included). */
function rewriteHeader(header: Buffer, encoding: string): Buffer {
  const text = header.toString('latin1');
  const out = text.replace(/^(Content-Transfer-Encoding[ \t]*:)[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im, `$1 ${encoding}`);
  return Buffer.from(out, 'latin1');
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

/** RFC 2045 §6.8: base64 in lines of 76 characters (57 bytes), CRLF between lines. */
async function* base64Lines(it: AsyncIterable<Uint8Array>, finalBreak: boolean): AsyncGenerator<Uint8Array> {
  let carry: Buffer = Buffer.alloc(0);
  let first = true;
  for await (const c of it) {
    const b = carry.length > 0 ? Buffer.concat([carry, c]) : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    const whole = b.length - (b.length % 57);
    if (whole > 0) {
      const lines: string[] = [];
      for (let i = 0; i < whole; i += 57) lines.push(b.subarray(i, i + 57).toString('base64'));
      yield Buffer.from((first ? '' : '\r\n') + lines.join('\r\n'), 'latin1');
      first = false;
    }
    carry = Buffer.from(b.subarray(whole));
  }
  if (carry.length > 0) {
    yield Buffer.from((first ? '' : '\r\n') + carry.toString('base64'), 'latin1');
    first = false;
  }
  if (finalBreak && !first) yield Buffer.from('\r\n');
}

/** The message with its binary parts re-encoded; `size` is the original's length. */
export async function* convertBinary(root: MimePart, size: number, read: RangeReader): AsyncGenerator<Uint8Array> {
  let pos = 0;
  for (const e of editsOf(root)) {
    if (e.start > pos) yield* read(pos, e.start);
    if (e.kind === 'header') yield rewriteHeader(await collect(read(e.start, e.end)), e.encoding);
    // A part that runs to the end of the message gets a final line break; inside a multipart the
    // CRLF before the next boundary follows (RFC 2046 §5.1.1).
    else yield* base64Lines(read(e.start, e.end), e.end >= size);
    pos = e.end;
  }
  if (pos < size) yield* read(pos, size);
}
