// RFC 9051 §6.4.4 SEARCH and UID SEARCH with RFC 4731 ESEARCH return options (MIN MAX ALL COUNT),
// RFC 5182 SAVE, RFC 7162 MODSEQ. IMAP4rev2 sessions always get ESEARCH (RFC 9051 §7.3.4).
import type { ArgReader } from '../args.ts';
import { ParseError, formatSequenceSet, inSequenceSet } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { MessageSource } from '../message-source.ts';
import type { MessageRecord } from '../../store/index.ts';
import { isCheap, matches, matchesRecord, parseSearchKey, usesModseq, type SearchKey, type SearchSubject } from '../search.ts';
import type { ImapSession } from '../session.ts';
import { syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

interface SearchArgs { ret: Set<string> | null; key: SearchKey }

export function parseSearchProgram(r: ArgReader): SearchArgs {
  r.sp();
  let ret: Set<string> | null = null;
  if (r.keyword('RETURN')) {
    r.sp();
    ret = new Set(r.list(() => {
      const w = r.word();
      if (!['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'].includes(w)) throw new ParseError(`Unknown RETURN option ${w}`);
      return w;
    }));
    r.sp();
  }
  if (r.keyword('CHARSET')) {
    r.sp();
    const cs = r.astring().toUpperCase();
    // RFC 9051 §6.4.4: US-ASCII and UTF-8 are required; others get [BADCHARSET].
    if (cs !== 'UTF-8' && cs !== 'US-ASCII') throw new ImapNo(`Unsupported charset ${cs}`, 'BADCHARSET (UTF-8 US-ASCII)');
    r.sp();
  }
  const keys: SearchKey[] = [parseSearchKey(r)];
  while (r.eat(' ')) keys.push(parseSearchKey(r));
  return { ret, key: keys.length === 1 ? keys[0]! : { k: 'and', keys } };
}

/** The message a search key is evaluated against: one object per SEARCH, reset per message. */
class Subject implements SearchSubject {
  msg!: MessageRecord;
  seq = 0;
  recent = false;
  readonly inSet: SearchSubject['inSet'];
  readonly now: number;
  private readonly session: ImapSession;
  private source: MessageSource | undefined;

  constructor(session: ImapSession, inSet: SearchSubject['inSet'], now: number) {
    this.session = session;
    this.inSet = inSet;
    this.now = now;
  }

  reset(msg: MessageRecord, seq: number, recent: boolean): void {
    this.msg = msg;
    this.seq = seq;
    this.recent = recent;
    this.source = undefined;
  }

  /** Made on first use: record-only keys never need it. */
  get src(): MessageSource {
    return (this.source ??= new MessageSource(this.session.ctx, this.msg, this.session.structures, this.session.messageCache));
  }
}

/** Runs a search over the selected mailbox; returns matching UIDs ascending and the highest MODSEQ. */
export async function evaluate(s: ImapSession, key: SearchKey): Promise<{ uids: number[]; maxModseq: number; modseqs: Map<number, number> }> {
  const view = viewOf(s);
  const out: number[] = [];
  let maxModseq = 0;
  const modseqs = new Map<number, number>();
  const now = s.ctx.clock.now().getTime();
  const star = view.uids.last;
  const inSet = (set: import('../args.ts').SequenceSet, uid: boolean, seq: number, msgUid: number) => {
    if (set.kind === 'saved') return view.saved.includes(msgUid);
    return uid ? inSequenceSet(set.ranges, msgUid, star) : inSequenceSet(set.ranges, seq, view.uids.length);
  };
  const cheap = isCheap(key);
  const subject = new Subject(s, inSet, now);
  for (let i = 0; i < view.uids.length; i += 500) {
    const batch = await s.ctx.store.getMessagesByUid(view.mailbox.id, view.uids.slice(i, i + 500));
    for (const msg of batch) {
      const seq = view.seqOf(msg.uid);
      if (seq === 0) continue;
      subject.reset(msg, seq, view.recent.has(msg.uid));
      if (cheap ? matchesRecord(key, subject) : await matches(key, subject)) {
        out.push(msg.uid);
        modseqs.set(msg.uid, msg.modseq);
        if (msg.modseq > maxModseq) maxModseq = msg.modseq;
      }
    }
  }
  return { uids: out, maxModseq, modseqs };
}

async function runSearch(s: ImapSession, tag: string, a: SearchArgs, uid: boolean): Promise<void> {
  const view = viewOf(s);
  const { uids, maxModseq, modseqs } = await evaluate(s, a.key);
  const modseq = usesModseq(a.key);
  if (modseq) s.enableCondstore();
  const nums = uid ? uids : uids.map((u) => view.seqOf(u));
  const esearch = a.ret !== null || s.isImap4rev2;
  let ret = a.ret ?? new Set(['ALL']);
  if (ret.size === 0) ret = new Set(['ALL']);
  if (ret.has('SAVE')) {
    // RFC 5182 §2.1: SAVE alone returns nothing but saves the result.
    view.saved = uids;
    if (ret.size === 1 && a.ret !== null) ret = new Set();
  }
  if (!esearch) {
    s.untagged(`SEARCH${nums.map((n) => ' ' + n).join('')}${modseq && nums.length > 0 ? ` (MODSEQ ${maxModseq})` : ''}`);
  } else if (ret.size > 0) {
    const parts = [`ESEARCH (TAG "${tag.replace(/["\\]/g, '')}")`];
    if (uid) parts.push('UID');
    if (ret.has('MIN') && nums.length > 0) parts.push(`MIN ${Math.min(...nums)}`);
    if (ret.has('MAX') && nums.length > 0) parts.push(`MAX ${Math.max(...nums)}`);
    if (ret.has('COUNT')) parts.push(`COUNT ${nums.length}`);
    if (ret.has('ALL') && nums.length > 0) parts.push(`ALL ${formatSequenceSet(nums)}`);
    if (modseq && nums.length > 0) {
      // RFC 7162 §3.1.5 / RFC 4731: with only MIN and/or MAX, MODSEQ is that of the returned messages.
      let m = maxModseq;
      if (!ret.has('ALL') && !ret.has('COUNT')) {
        const pick = [ret.has('MIN') ? Math.min(...nums) : 0, ret.has('MAX') ? Math.max(...nums) : 0].filter((n) => n > 0);
        m = Math.max(...pick.map((n) => modseqs.get(uid ? n : view.uids.at(n - 1)) ?? 0));
      }
      parts.push(`MODSEQ ${m}`);
    }
    s.untagged(parts.join(' '));
  }
  await syncSelected(s, uid);
  s.tagged(tag, 'OK', `${uid ? 'UID SEARCH' : 'SEARCH'} completed`);
}

export const search = defineCommand({
  name: 'SEARCH',
  states: selectedState,
  parse: parseSearchProgram,
  run: (s, tag, a) => runSearch(s, tag, a, false),
});

export const uidSearch = defineCommand({
  name: 'UID SEARCH',
  states: selectedState,
  parse: parseSearchProgram,
  run: (s, tag, a) => runSearch(s, tag, a, true),
});
