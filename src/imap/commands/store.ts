// RFC 9051 §6.4.6 STORE and UID STORE, with RFC 7162 §3.1.3 UNCHANGEDSINCE.
import type { ArgReader, SequenceSet } from '../args.ts';
import { ParseError, formatSequenceSet } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { canonicalFlag, formatFlags, isStorableFlag } from '../flags.ts';
import type { ImapSession } from '../session.ts';
import { syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

interface StoreArgs {
  set: SequenceSet;
  unchangedSince: number | null;
  op: 'add' | 'remove' | 'replace';
  silent: boolean;
  flags: string[];
}

function parseStore(r: ArgReader): StoreArgs {
  r.sp();
  const set = r.sequenceSet();
  r.sp();
  let unchangedSince: number | null = null;
  if (r.peekIs('(')) {
    r.list(() => {
      const w = r.word();
      if (w !== 'UNCHANGEDSINCE') throw new ParseError(`Unknown STORE modifier ${w}`);
      r.sp();
      unchangedSince = r.number();
      return w;
    });
    r.sp();
  }
  const item = r.atom().toUpperCase();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(item);
  if (!m) throw new ParseError(`Unknown STORE item ${item}`);
  r.sp();
  const flags = r.flagList();
  return { set, unchangedSince, op: m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace', silent: !!m[2], flags };
}

async function runStore(s: ImapSession, tag: string, a: StoreArgs, uid: boolean): Promise<void> {
  const view = viewOf(s);
  if (view.readOnly) throw new ImapNo('Mailbox is read-only', 'READ-ONLY');
  const uids = view.resolve(a.set, uid);
  const flags = a.flags.map(canonicalFlag);
  for (const f of flags) if (!isStorableFlag(f)) throw new ImapNo(`Flag ${f} cannot be stored`, undefined, 'BAD');
  if (a.unchangedSince !== null) s.enableCondstore();
  const res = await s.ctx.store.updateFlags(view.mailbox.id, uids, a.op, flags, a.unchangedSince === null ? {} : { unchangedSince: a.unchangedSince });
  for (const u of res.updated) view.ownModseqs.add(u.modseq);
  view.announceKeywords(s, flags);
  const changed = new Map(res.updated.map((u) => [u.uid, u]));
  const modified = new Set(res.modified);
  // RFC 9051 §6.4.6: the new flags of every message of the set, unless .SILENT. RFC 7162 §3.1.3:
  // with CONDSTORE the MODSEQ is included, and .SILENT still reports changes made by others.
  const report = a.silent ? [] : uids.filter((u) => !modified.has(u));
  if (report.length > 0) {
    const current = await s.ctx.store.getMessagesByUid(view.mailbox.id, report);
    for (const m of current) {
      const seq = view.seqOf(m.uid);
      if (seq === 0) continue;
      const parts = [`FLAGS ${formatFlags(view.flagsOf(m.uid, m.flags, s.isImap4rev2))}`];
      if (uid) parts.unshift(`UID ${m.uid}`);
      if (s.condstore) parts.push(`MODSEQ (${m.modseq})`);
      s.untagged(`${seq} FETCH (${parts.join(' ')})`);
    }
  } else if (a.silent && s.condstore) {
    for (const u of changed.values()) {
      const seq = view.seqOf(u.uid);
      if (seq > 0 && a.unchangedSince !== null) s.untagged(`${seq} FETCH (${uid ? `UID ${u.uid} ` : ''}MODSEQ (${u.modseq}))`);
    }
  }
  await syncSelected(s, uid);
  if (res.modified.length > 0) {
    const set = uid ? res.modified : res.modified.map((u) => view.seqOf(u)).filter((n) => n > 0);
    s.tagged(tag, 'OK', `[MODIFIED ${formatSequenceSet(set)}] Conditional STORE failed for some messages`);
    return;
  }
  s.tagged(tag, 'OK', `${uid ? 'UID STORE' : 'STORE'} completed`);
}

export const store = defineCommand({
  name: 'STORE',
  states: selectedState,
  parse: parseStore,
  run: (s, tag, a) => runStore(s, tag, a, false),
});

export const uidStore = defineCommand({
  name: 'UID STORE',
  states: selectedState,
  parse: parseStore,
  run: (s, tag, a) => runStore(s, tag, a, true),
});
