// FETCH data items (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ): parsing the request and
// cutting the requested section out of a message using its MIME structure.
import type { ArgReader } from './args.ts';
import { ParseError } from './args.ts';
import { createBodyDecoder, findPart, knownEncodings, type MimePart } from '../mime/index.ts';
import type { MessageSource } from './message-source.ts';
import { ImapNo } from './errors.ts';
import { filterHeader } from './header-filter.ts';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME' | null;

export interface Section {
  path: number[];
  text: SectionText;
  fields: string[];
  /** The section spec as the response echoes it, e.g. "1.2.HEADER.FIELDS (FROM TO)". */
  spec: string;
}

export type FetchItem =
  | { kind: 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'UID' | 'MODSEQ' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; binary: boolean; peek: boolean; section: Section; partial: { offset: number; length: number } | null }
  | { kind: 'BINARY.SIZE'; section: Section };

function parseSection(r: ArgReader, binary: boolean): Section {
  r.expect('[');
  const start = r.pos;
  const path: number[] = [];
  let text: SectionText = null;
  const fields: string[] = [];
  if (!r.peekIs(']')) {
    for (;;) {
      const c = r.peek();
      if (c >= 0x30 && c <= 0x39) {
        path.push(r.nzNumber());
        if (r.eat('.')) continue;
        break;
      }
      const w = r.word();
      if (binary) throw new ParseError('BINARY takes only part numbers');
      if (w === 'HEADER' || w === 'TEXT') text = w;
      else if (w === 'MIME' && path.length > 0) text = 'MIME';
      else if (w === 'HEADER.FIELDS' || w === 'HEADER.FIELDS.NOT') {
        text = w;
        r.sp();
        fields.push(...r.list(() => r.astring()));
        if (fields.length === 0) throw new ParseError('HEADER.FIELDS needs at least one field name');
      } else throw new ParseError(`Invalid section ${w}`);
      break;
    }
  }
  const spec = r.buf.subarray(start, r.pos).toString('utf8');
  r.expect(']');
  return { path, text, fields, spec };
}

function parsePartial(r: ArgReader): { offset: number; length: number } | null {
  if (!r.eat('<')) return null;
  const offset = r.number();
  r.expect('.');
  const length = r.nzNumber();
  r.expect('>');
  return { offset, length };
}

function parseItem(r: ArgReader): FetchItem[] {
  const w = r.atom('[]<>.').toUpperCase();
  const bracket = w.indexOf('[');
  const name = bracket < 0 ? w : w.slice(0, bracket);
  if (bracket >= 0) r.pos -= w.length - bracket; // re-read from "["
  switch (name) {
    case 'ALL': return [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }];
    case 'FAST': return [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }];
    case 'FULL': return [{ kind: 'FLAGS' }, { kind: 'INTERNALDATE' }, { kind: 'RFC822.SIZE' }, { kind: 'ENVELOPE' }, { kind: 'BODY' }];
    case 'FLAGS': case 'INTERNALDATE': case 'RFC822.SIZE': case 'ENVELOPE': case 'BODYSTRUCTURE': case 'UID': case 'MODSEQ':
    case 'RFC822': case 'RFC822.HEADER': case 'RFC822.TEXT':
      return [{ kind: name }];
    case 'BODY': case 'BODY.PEEK': case 'BINARY': case 'BINARY.PEEK': {
      if (!r.peekIs('[')) {
        if (name === 'BODY') return [{ kind: 'BODY' }];
        throw new ParseError(`${name} needs a section`);
      }
      const binary = name.startsWith('BINARY');
      const section = parseSection(r, binary);
      return [{ kind: 'section', binary, peek: name.endsWith('.PEEK'), section, partial: parsePartial(r) }];
    }
    case 'BINARY.SIZE':
      return [{ kind: 'BINARY.SIZE', section: parseSection(r, true) }];
    default:
      throw new ParseError(`Unknown FETCH item ${name}`);
  }
}

/** fetch-att list or macro, as after "FETCH seq-set SP". */
export function parseFetchItems(r: ArgReader): FetchItem[] {
  if (r.peekIs('(')) return r.list(() => parseItem(r)).flat();
  return parseItem(r);
}

export function sectionLabel(item: Extract<FetchItem, { kind: 'section' }>): string {
  const base = `${item.binary ? 'BINARY' : 'BODY'}[${item.section.spec}]`;
  return item.partial ? `${base}<${item.partial.offset}>` : base;
}

/** Where a section's bytes are, or a header block to filter. */
async function sectionRange(src: MessageSource, root: MimePart, s: Section): Promise<{ start: number; end: number; part: MimePart } | null> {
  if (s.path.length === 0) {
    if (s.text === null) return { start: 0, end: src.size, part: root };
    if (s.text === 'TEXT') return { start: root.bodyStart, end: root.end, part: root };
    return { start: root.start, end: root.bodyStart, part: root };
  }
  const part = findPart(root, s.path);
  if (!part) return null;
  if (s.text === null) return { start: part.bodyStart, end: part.end, part };
  if (s.text === 'MIME') return { start: part.start, end: part.bodyStart, part };
  // HEADER / TEXT of a part apply to an encapsulated message (RFC 9051 §6.4.5).
  const m = part.message;
  if (!m) return null;
  if (s.text === 'TEXT') return { start: m.bodyStart, end: m.end, part: m };
  return { start: m.start, end: m.bodyStart, part: m };
}

/** The content of BODY[section] / BINARY[section] (before any partial). null when the part does not exist. */
export async function sectionContent(src: MessageSource, s: Section, binary: boolean): Promise<Buffer | null> {
  // The whole message's header (the most common fetch of all) comes from the shared cache.
  if (s.path.length === 0 && (s.text === 'HEADER' || s.text === 'HEADER.FIELDS' || s.text === 'HEADER.FIELDS.NOT')) {
    return s.text === 'HEADER' ? src.rootHeader() : src.rootHeaderFields(s.spec, s.fields, s.text === 'HEADER.FIELDS.NOT');
  }
  // BODY[] is the whole message as stored: no structure needed.
  if (!binary && s.path.length === 0 && s.text === null) return src.read(0, src.size);
  const root = await src.structure();
  const range = await sectionRange(src, root, s);
  if (!range) return null;
  const raw = await src.read(range.start, range.end);
  if (s.text === 'HEADER.FIELDS' || s.text === 'HEADER.FIELDS.NOT') return filterHeader(raw, s.fields, s.text === 'HEADER.FIELDS.NOT');
  if (!binary) return raw;
  const enc = range.part.encoding;
  if (range.part.contentType.type === 'multipart' || enc === '7bit' || enc === '8bit' || enc === 'binary') return raw;
  // RFC 3516 §4.3: a transfer encoding the server cannot decode is NO [UNKNOWN-CTE].
  if (!knownEncodings.has(enc)) throw new ImapNo(`Unknown Content-Transfer-Encoding ${enc}`, 'UNKNOWN-CTE');
  const dec = createBodyDecoder(enc);
  const chunks: Buffer[] = [];
  dec.on('data', (c: Buffer) => chunks.push(c));
  await new Promise<void>((resolve, reject) => {
    dec.on('end', resolve);
    dec.on('error', reject);
    dec.end(raw);
  });
  return Buffer.concat(chunks);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 9051 §9 date-time: "17-Jul-1996 02:44:25 -0700" (we answer in UTC). */
export function formatInternalDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `"${p(d.getUTCDate())}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}

/** Parses a date-time ("dd-Mon-yyyy hh:mm:ss +zzzz", day may be space-padded). */
export function parseDateTime(s: string): Date | undefined {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const mon = months.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (mon < 0) return undefined;
  const utc = Date.UTC(Number(m[3]), mon, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const off = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
  const d = new Date(utc - off);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** RFC 9051 §9 date: "1-Feb-1994" (SEARCH dates), with or without quotes. */
export function parseSearchDate(s: string): Date | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return undefined;
  const mon = months.findIndex((x) => x.toLowerCase() === m[2]!.toLowerCase());
  if (mon < 0) return undefined;
  return new Date(Date.UTC(Number(m[3]), mon, Number(m[1])));
}
