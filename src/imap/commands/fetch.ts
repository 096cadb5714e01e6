// RFC 9051 §6.4.5 FETCH and §6.4.9 UID FETCH, with RFC 7162 CHANGEDSINCE/VANISHED modifiers and
// RFC 3516 BINARY. Responses are written message by message with backpressure; no EXPUNGE is sent
// during FETCH (RFC 9051 §7.5.1), UID FETCH may announce them at its end.
import { ParseError, formatSequenceSet, inSequenceSet, type SequenceSet } from '../args.ts';
import { formatBodyStructure } from '../bodystructure.ts';
import { formatEnvelope } from '../envelope.ts';
import { ImapNo } from '../errors.ts';
import { formatInternalDate, parseFetchItems, sectionContent, sectionLabel, type FetchItem } from '../fetch-items.ts';
import { formatFlags } from '../flags.ts';
import { MessageSource } from '../message-source.ts';
import type { ImapSession } from '../session.ts';
import { syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

interface FetchArgs {
  set: SequenceSet;
  items: FetchItem[];
  changedSince: number | null;
  vanished: boolean;
}

const BATCH = 500;

function parseFetch(r: import('../args.ts').ArgReader, uid: boolean): FetchArgs {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  const items = parseFetchItems(r);
  let changedSince: number | null = null;
  let vanished = false;
  if (r.eat(' ')) {
    r.list(() => {
      const w = r.word();
      if (w === 'CHANGEDSINCE') {
        r.sp();
        changedSince = r.number();
      } else if (w === 'VANISHED' && uid) vanished = true;
      else throw new ParseError(`Unknown FETCH modifier ${w}`);
      return w;
    });
    if (vanished && changedSince === null) throw new ParseError('VANISHED needs CHANGEDSINCE');
  }
  return { set, items, changedSince, vanished };
}

/** One FETCH item with its response label, deduplicated once per command rather than per message. */
interface PlannedItem { item: FetchItem; label: string }

function planItems(items: readonly FetchItem[], uid: boolean): PlannedItem[] {
  const seen = new Set<string>();
  const out: PlannedItem[] = [];
  if (uid) {
    out.push({ item: { kind: 'UID' }, label: 'UID' });
    seen.add('UID');
  }
  for (const it of items) {
    const key = it.kind === 'section' ? sectionLabel(it) : it.kind === 'BINARY.SIZE' ? `BINARY.SIZE[${it.section.spec}]` : it.kind;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ item: it, label: key });
  }
  return out;
}

type Piece = string | Uint8Array;

/** One message's response pieces: items without bytes gather into one string; a literal closes it. */
class Pieces {
  private readonly out: Piece[] = [];
  private text = '';

  add(item: string): void {
    this.text += item;
  }

  literal(label: string, data: Uint8Array, binary = false): void {
    this.out.push(`${this.text}${label} ${binary ? '~' : ''}{${data.length}}\r\n`, data);
    this.text = '';
  }

  done(): Piece[] {
    if (this.text) this.out.push(this.text);
    return this.out;
  }
}

/**
 * Renders an item without waiting when it is at hand: record fields, and structures and filtered
 * root headers in the shared cache (a mail client's FETCH of its message list, every time it opens
 * a mailbox). False, with nothing written, when the item needs the store or the file.
 */
function renderAtHand(s: ImapSession, src: MessageSource, { item: it, label }: PlannedItem, flags: readonly string[], modseq: number, p: Pieces): boolean {
  const msg = src.msg;
  switch (it.kind) {
    case 'UID': p.add(`UID ${msg.uid}`); return true;
    case 'FLAGS': p.add(`FLAGS ${formatFlags(flags)}`); return true; // \Recent already added by the caller
    case 'INTERNALDATE': p.add(`INTERNALDATE ${formatInternalDate(msg.internalDate)}`); return true;
    case 'RFC822.SIZE': p.add(`RFC822.SIZE ${msg.size}`); return true;
    case 'MODSEQ': p.add(`MODSEQ (${modseq})`); return true;
    case 'ENVELOPE': case 'BODYSTRUCTURE': case 'BODY': {
      const root = src.cachedStructure();
      if (!root) return false;
      const opts = { utf8: s.utf8 };
      p.add(it.kind === 'ENVELOPE' ? `ENVELOPE ${formatEnvelope(root, opts)}` : `${it.kind} ${formatBodyStructure(root, it.kind === 'BODYSTRUCTURE', opts)}`);
      return true;
    }
    case 'section': {
      if (it.binary || it.partial || it.section.path.length > 0 || (it.section.text !== 'HEADER.FIELDS' && it.section.text !== 'HEADER.FIELDS.NOT')) return false;
      const c = src.cachedRootHeaderFields(it.section.spec);
      if (!c) return false;
      p.literal(label, c);
      return true;
    }
    default: return false;
  }
}

/** Renders an item that needs the structure or the message's bytes. */
async function renderFromStore(src: MessageSource, { item: it, label }: PlannedItem, utf8: boolean, p: Pieces): Promise<void> {
  const msg = src.msg;
  const opts = { utf8 };
  switch (it.kind) {
    case 'ENVELOPE': p.add(`ENVELOPE ${formatEnvelope(await src.structure(), opts)}`); break;
    case 'BODYSTRUCTURE': p.add(`BODYSTRUCTURE ${formatBodyStructure(await src.structure(), true, opts)}`); break;
    case 'BODY': p.add(`BODY ${formatBodyStructure(await src.structure(), false, opts)}`); break;
    case 'RFC822': p.literal('RFC822', await src.read(0, msg.size)); break;
    case 'RFC822.HEADER': {
      const root = await src.structure();
      p.literal('RFC822.HEADER', await src.read(root.start, root.bodyStart));
      break;
    }
    case 'RFC822.TEXT': {
      const root = await src.structure();
      p.literal('RFC822.TEXT', await src.read(root.bodyStart, root.end));
      break;
    }
    case 'BINARY.SIZE': {
      const c = await sectionContent(src, it.section, true);
      if (!c) throw new ImapNo('No such message part', 'NONEXISTENT');
      p.add(`${label} ${c.length}`);
      break;
    }
    case 'section': {
      let c = await sectionContent(src, it.section, it.binary);
      if (c === null && it.binary) throw new ImapNo('No such message part', 'NONEXISTENT');
      // RFC 9051 §6.4.5: a part that does not exist reads as empty.
      c ??= Buffer.alloc(0);
      if (it.partial) c = c.subarray(Math.min(it.partial.offset, c.length), Math.min(it.partial.offset + it.partial.length, c.length));
      p.literal(label, c, it.binary && c.includes(0));
      break;
    }
    default: throw new Error(`FETCH item ${it.kind} is always at hand`);
  }
}

/**
 * One message's FETCH response pieces: without waiting while every item is at hand, then going
 * on from the first item that needs the store.
 */
function renderMessage(s: ImapSession, src: MessageSource, plan: readonly PlannedItem[], flags: readonly string[], modseq: number): Piece[] | Promise<Piece[]> {
  const p = new Pieces();
  for (let i = 0; i < plan.length; i++) {
    if (i > 0) p.add(' ');
    if (!renderAtHand(s, src, plan[i]!, flags, modseq, p)) return renderRest(s, src, plan, i, flags, modseq, p);
  }
  return p.done();
}

async function renderRest(s: ImapSession, src: MessageSource, plan: readonly PlannedItem[], from: number, flags: readonly string[], modseq: number, p: Pieces): Promise<Piece[]> {
  for (let i = from; i < plan.length; i++) {
    if (i > from) p.add(' ');
    if (!renderAtHand(s, src, plan[i]!, flags, modseq, p)) await renderFromStore(src, plan[i]!, s.utf8, p);
  }
  return p.done();
}

async function runFetch(s: ImapSession, tag: string, a: FetchArgs, uid: boolean): Promise<void> {
  const view = viewOf(s);
  const uids = view.resolve(a.set, uid);
  let items = a.items;
  if (a.changedSince !== null) {
    s.enableCondstore();
    if (!items.some((i) => i.kind === 'MODSEQ')) items = [...items, { kind: 'MODSEQ' }];
  }
  if (items.some((i) => i.kind === 'MODSEQ')) s.enableCondstore();
  if (a.vanished) {
    if (!s.qresync) throw new ImapNo('Enable QRESYNC first', undefined, 'BAD');
    // RFC 7162 §3.2.6: expunged UIDs of the set, since CHANGEDSINCE.
    const ch = await s.ctx.store.changesSince(view.mailbox.id, a.changedSince!);
    const star = view.uids.last;
    const gone = a.set.kind === 'set' ? ch.expunged.filter((u) => inSequenceSet(a.set.kind === 'set' ? a.set.ranges : [], u, star)) : [];
    if (gone.length > 0) s.untagged(`VANISHED (EARLIER) ${formatSequenceSet(gone)}`);
  }
  const plan = planItems(items, uid);
  let planWithFlags: PlannedItem[] | undefined;
  const setsSeen = !view.readOnly && items.some((i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');
  let failure: ImapNo | undefined;
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = await s.ctx.store.getMessagesByUid(view.mailbox.id, uids.slice(i, i + BATCH));
    // RFC 9051 §6.4.5: BODY[] (not .PEEK) sets \Seen, and the new flags are returned. One flag
    // update (one commit) for the whole batch.
    let seen: Map<number, { flags: string[]; modseq: number }> | undefined;
    if (setsSeen) {
      const unseen = batch.filter((m) => (a.changedSince === null || m.modseq > a.changedSince) && !m.flags.includes('\\Seen')).map((m) => m.uid);
      if (unseen.length > 0) {
        const r = await s.ctx.store.updateFlags(view.mailbox.id, unseen, 'add', ['\\Seen']);
        seen = new Map(r.updated.map((u) => [u.uid, u]));
        for (const u of r.updated) view.ownModseqs.add(u.modseq);
      }
    }
    for (const msg of batch) {
      if (a.changedSince !== null && msg.modseq <= a.changedSince) continue;
      const u = seen?.get(msg.uid);
      const flags = u ? u.flags : msg.flags;
      const modseq = u ? u.modseq : msg.modseq;
      const withFlags = u && !items.some((x) => x.kind === 'FLAGS') ? (planWithFlags ??= planItems([...items, { kind: 'FLAGS' }], uid)) : plan;
      const seq = view.seqOf(msg.uid);
      if (seq === 0) continue;
      try {
        const shown = view.flagsOf(msg.uid, flags, s.isImap4rev2);
        const src = new MessageSource(s.ctx, msg, s.structures, s.messageCache);
        const rendered = renderMessage(s, src, withFlags, shown, modseq);
        const pieces = Array.isArray(rendered) ? rendered : await rendered;
        s.write(`* ${seq} FETCH (`);
        for (const p of pieces) s.write(p);
        s.write(')\r\n');
      } catch (err) {
        if (!(err instanceof ImapNo)) throw err;
        failure = err;
      }
      if (s.shouldDrain) await s.drain();
    }
    await s.flushStructures();
  }
  await syncSelected(s, uid);
  if (failure) throw failure;
  s.tagged(tag, 'OK', `${uid ? 'UID FETCH' : 'FETCH'} completed`);
}

export const fetch = defineCommand({
  name: 'FETCH',
  states: selectedState,
  parse: (r) => parseFetch(r, false),
  run: (s, tag, a) => runFetch(s, tag, a, false),
});

export const uidFetch = defineCommand({
  name: 'UID FETCH',
  states: selectedState,
  parse: (r) => parseFetch(r, true),
  run: (s, tag, a) => runFetch(s, tag, a, true),
});
