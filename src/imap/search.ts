// SEARCH criteria (RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 5032 WITHIN, RFC 5182 "$"): parsing into a
// tree and evaluating it per message. Flag, size, date and UID keys use only the message record;
// header and body keys read the MIME structure and decode (transfer encoding, charset) on demand.
import type { ArgReader, SequenceSet } from './args.ts';
import { ParseError } from './args.ts';
import { createBodyDecoder, decodeCharset, decodeEncodedWords, knownEncodings, parseAddressList, type MimePart } from '../mime/index.ts';
import type { MessageRecord } from '../store/index.ts';
import type { MessageSource } from './message-source.ts';
import { parseSearchDate } from './fetch-items.ts';
import { canonicalFlag } from './flags.ts';

export type SearchKey =
  | { k: 'all' }
  | { k: 'flag'; flag: string; set: boolean }
  | { k: 'new' } | { k: 'old' } | { k: 'recent' }
  | { k: 'header'; field: string; value: string }
  | { k: 'body'; value: string }
  | { k: 'text'; value: string }
  | { k: 'date'; which: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; day: number }
  | { k: 'size'; op: 'larger' | 'smaller'; n: number }
  | { k: 'age'; op: 'older' | 'younger'; seconds: number }
  | { k: 'seq'; set: SequenceSet; uid: boolean }
  | { k: 'modseq'; n: number }
  | { k: 'not'; key: SearchKey }
  | { k: 'or'; a: SearchKey; b: SearchKey }
  | { k: 'and'; keys: SearchKey[] };

const flagKeys: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true], DELETED: ['\\Deleted', true], DRAFT: ['\\Draft', true], FLAGGED: ['\\Flagged', true], SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false], UNDELETED: ['\\Deleted', false], UNDRAFT: ['\\Draft', false], UNFLAGGED: ['\\Flagged', false], UNSEEN: ['\\Seen', false],
};

const headerKeys: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', SUBJECT: 'subject', TO: 'to' };

function readDate(r: ArgReader): number {
  const raw = r.peekIs('"') ? r.string() : r.atom();
  const d = parseSearchDate(raw);
  if (!d) throw new ParseError(`Invalid date "${raw}"`);
  return d.getTime();
}

/** One search-key (RFC 9051 §9 search-key). */
export function parseSearchKey(r: ArgReader): SearchKey {
  if (r.peekIs('(')) {
    r.expect('(');
    r.enter();
    const keys: SearchKey[] = [parseSearchKey(r)];
    while (r.eat(' ')) keys.push(parseSearchKey(r));
    r.expect(')');
    r.leave();
    return keys.length === 1 ? keys[0]! : { k: 'and', keys };
  }
  const c = r.peek();
  if ((c >= 0x30 && c <= 0x39) || c === 0x2a || c === 0x24) return { k: 'seq', set: r.sequenceSet(), uid: false };
  const w = r.word();
  if (w in flagKeys) {
    const [flag, set] = flagKeys[w]!;
    return { k: 'flag', flag, set };
  }
  if (w in headerKeys) {
    r.sp();
    return { k: 'header', field: headerKeys[w]!, value: r.astring() };
  }
  switch (w) {
    case 'ALL': return { k: 'all' };
    case 'NEW': return { k: 'new' };
    case 'OLD': return { k: 'old' };
    case 'RECENT': return { k: 'recent' };
    case 'KEYWORD': case 'UNKEYWORD': {
      r.sp();
      return { k: 'flag', flag: canonicalFlag(r.flag()), set: w === 'KEYWORD' };
    }
    case 'HEADER': {
      r.sp();
      const field = r.astring().toLowerCase();
      r.sp();
      return { k: 'header', field, value: r.astring() };
    }
    case 'BODY': r.sp(); return { k: 'body', value: r.astring() };
    case 'TEXT': r.sp(); return { k: 'text', value: r.astring() };
    case 'BEFORE': case 'ON': case 'SINCE':
      r.sp();
      return { k: 'date', which: 'internal', op: w.toLowerCase() as 'before', day: readDate(r) };
    case 'SENTBEFORE': case 'SENTON': case 'SENTSINCE':
      r.sp();
      return { k: 'date', which: 'sent', op: w.slice(4).toLowerCase() as 'before', day: readDate(r) };
    case 'LARGER': case 'SMALLER':
      r.sp();
      return { k: 'size', op: w.toLowerCase() as 'larger', n: r.number() };
    case 'OLDER': case 'YOUNGER':
      r.sp();
      return { k: 'age', op: w.toLowerCase() as 'older', seconds: r.nzNumber() };
    case 'UID': r.sp(); return { k: 'seq', set: r.sequenceSet(), uid: true };
    case 'NOT': r.sp(); return { k: 'not', key: parseSearchKey(r) };
    case 'OR': {
      r.sp();
      const a = parseSearchKey(r);
      r.sp();
      return { k: 'or', a, b: parseSearchKey(r) };
    }
    case 'MODSEQ': {
      r.sp();
      // RFC 7162 §3.1.5: optional entry name and type, ignored (one MODSEQ per message).
      if (r.peekIs('"')) {
        r.string();
        r.sp();
        r.word();
        r.sp();
      }
      return { k: 'modseq', n: r.number() };
    }
    default:
      throw new ParseError(`Unknown search key ${w}`);
  }
}

export function usesModseq(k: SearchKey): boolean {
  if (k.k === 'modseq') return true;
  if (k.k === 'not') return usesModseq(k.key);
  if (k.k === 'or') return usesModseq(k.a) || usesModseq(k.b);
  if (k.k === 'and') return k.keys.some(usesModseq);
  return false;
}

/** What evaluation needs about the message being tested. */
export interface SearchSubject {
  msg: MessageRecord;
  /** The message's bytes and structure (made on first use). */
  readonly src: MessageSource;
  seq: number;
  /** Resolves a sequence set to UIDs for this mailbox. */
  inSet(set: SequenceSet, uid: boolean, seq: number, msgUid: number): boolean;
  now: number;
  /** Whether the message is \Recent in this session. */
  recent: boolean;
}

/** Case-insensitive substring match (RFC 9051 §6.4.4 "case-insensitive"). */
function contains(hay: string, needle: string): boolean {
  return hay.toLowerCase().includes(needle.toLowerCase());
}

function utcDay(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

async function decodedBody(src: MessageSource, part: MimePart): Promise<string> {
  if (part.contentType.type === 'multipart') {
    const texts = await Promise.all(part.children.map((c) => decodedBody(src, c)));
    return texts.join('\n');
  }
  if (part.message) return decodedBody(src, part.message);
  if (part.contentType.type !== 'text') return '';
  let raw = await src.read(part.bodyStart, part.end);
  if (knownEncodings.has(part.encoding) && part.encoding !== '7bit' && part.encoding !== '8bit' && part.encoding !== 'binary') {
    const dec = createBodyDecoder(part.encoding);
    const chunks: Buffer[] = [];
    dec.on('data', (c: Buffer) => chunks.push(c));
    await new Promise<void>((resolve, reject) => {
      dec.on('end', resolve);
      dec.on('error', reject);
      dec.end(raw);
    });
    raw = Buffer.concat(chunks);
  }
  return decodeCharset(raw, part.contentType.params.charset ?? 'us-ascii');
}

/**
 * Decoded, unfolded values of one header field. Kept beside the parsed
 * structure (which the shared message cache holds), so repeated SEARCHes decode each header once.
 */
const decodedHeaders = new WeakMap<MimePart, Map<string, string[]>>();

function headerText(root: MimePart, field: string): string[] {
  let byField = decodedHeaders.get(root);
  if (!byField) decodedHeaders.set(root, (byField = new Map()));
  let v = byField.get(field);
  if (!v) {
    v = root.headers.filter((h) => h.name.toLowerCase() === field).map((h) => decodeEncodedWords(h.value.replace(/\r?\n[ \t]/g, ' ')));
    byField.set(field, v);
  }
  return v;
}

/**
 * Evaluates a key that needs only the message record (isCheap): synchronously, so a SEARCH over
 * flags, sizes and dates costs no promise per message.
 */
export function matchesRecord(k: SearchKey, m: SearchSubject): boolean {
  const msg = m.msg;
  switch (k.k) {
    case 'all': return true;
    case 'flag': return msg.flags.some((f) => f.toLowerCase() === k.flag.toLowerCase()) === k.set;
    // RFC 3501 §6.4.4: NEW = RECENT UNSEEN, OLD = NOT RECENT.
    case 'new': return m.recent && !msg.flags.includes('\\Seen');
    case 'recent': return m.recent;
    case 'old': return !m.recent;
    case 'size': return k.op === 'larger' ? msg.size > k.n : msg.size < k.n;
    case 'age': {
      const age = (m.now - msg.internalDate.getTime()) / 1000;
      return k.op === 'older' ? age >= k.seconds : age <= k.seconds;
    }
    case 'modseq': return msg.modseq >= k.n;
    case 'seq': return m.inSet(k.set, k.uid, m.seq, msg.uid);
    case 'not': return !matchesRecord(k.key, m);
    case 'or': return matchesRecord(k.a, m) || matchesRecord(k.b, m);
    case 'and': return k.keys.every((x) => matchesRecord(x, m));
    case 'date': {
      if (k.which !== 'internal') break;
      const day = utcDay(msg.internalDate.getTime());
      return k.op === 'before' ? day < k.day : k.op === 'on' ? day === k.day : day >= k.day;
    }
    default: break;
  }
  throw new Error(`search key ${k.k} needs the message content`);
}

export async function matches(k: SearchKey, m: SearchSubject): Promise<boolean> {
  switch (k.k) {
    case 'not': return !(await matches(k.key, m));
    case 'or': return (await matches(k.a, m)) || (await matches(k.b, m));
    case 'and': {
      for (const x of k.keys) if (!(await matches(x, m))) return false;
      return true;
    }
    case 'date': {
      if (k.which === 'internal') return matchesRecord(k, m);
      // SENT*: the Date header.
      const root = await m.src.structure();
      const v = headerText(root, 'date')[0];
      // RFC 9051 §6.4.4: SENT* compare the date of the Date header, in its own time zone.
      const dm = v ? /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(v) : null;
      const sent = dm ? parseSearchDate(`${dm[1]}-${dm[2]}-${dm[3]!.length === 2 ? '20' + dm[3] : dm[3]}`) : undefined;
      const t = sent ? sent.getTime() : v ? Date.parse(v.replace(/\([^)]*\)/g, '').trim()) : NaN;
      if (Number.isNaN(t)) return false;
      const day = utcDay(t);
      return k.op === 'before' ? day < k.day : k.op === 'on' ? day === k.day : day >= k.day;
    }
    case 'header': {
      const root = await m.src.structure();
      const values = [...headerText(root, k.field)];
      if (['from', 'to', 'cc', 'bcc', 'sender', 'reply-to'].includes(k.field)) {
        // Addresses also match in their normalized form (comments and spacing removed).
        for (const v of headerText(root, k.field)) {
          for (const a of parseAddressList(v)) values.push(`${a.name ? decodeEncodedWords(a.name) + ' ' : ''}<${a.mailbox ?? ''}@${a.host ?? ''}>`);
        }
      }
      // RFC 9051 §6.4.4: HEADER with an empty string matches every message that has the field.
      if (k.value === '') return values.length > 0;
      return values.some((v) => contains(v, k.value));
    }
    case 'body': {
      const root = await m.src.structure();
      return contains(await decodedBody(m.src, root), k.value);
    }
    case 'text': {
      const root = await m.src.structure();
      const head = root.headers.map((h) => `${h.name}: ${decodeEncodedWords(h.value)}`).join('\n');
      return contains(head, k.value) || contains(await decodedBody(m.src, root), k.value);
    }
    default: return matchesRecord(k, m);
  }
}

/** True when evaluating the key needs only the message record (no structure or body). */
export function isCheap(k: SearchKey): boolean {
  switch (k.k) {
    case 'header': case 'body': case 'text': return false;
    case 'date': return k.which === 'internal';
    case 'not': return isCheap(k.key);
    case 'or': return isCheap(k.a) && isCheap(k.b);
    case 'and': return k.keys.every(isCheap);
    default: return true;
  }
}
