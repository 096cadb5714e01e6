// RFC 9051 §6.3.2 SELECT and §6.3.3 EXAMINE, with RFC 7162 CONDSTORE/QRESYNC select parameters.
import type { ArgReader } from '../args.ts';
import { formatSequenceSet, inSequenceSet, type SeqRange } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { formatFlags } from '../flags.ts';
import { MailboxView } from '../mailbox-view.ts';
import type { ImapSession } from '../session.ts';
import { accountOf, encodeName, readMailboxName } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

interface SelectArgs {
  name: string;
  condstore: boolean;
  qresync: { uidValidity: number; modseq: number; knownUids: SeqRange[] | null } | null;
}

function parseSelect(r: ArgReader, s: ImapSession): SelectArgs {
  r.sp();
  const name = readMailboxName(r, s);
  const a: SelectArgs = { name, condstore: false, qresync: null };
  if (r.eat(' ')) {
    r.list(() => {
      const p = r.word();
      if (p === 'CONDSTORE') a.condstore = true;
      else if (p === 'QRESYNC') {
        r.sp();
        r.expect('(');
        const uidValidity = r.nzNumber();
        r.sp();
        const modseq = r.number();
        let knownUids: SeqRange[] | null = null;
        if (r.eat(' ') && !r.peekIs('(')) {
          const set = r.sequenceSet();
          if (set.kind === 'saved') throw new ImapNo('"$" is not allowed here', undefined, 'BAD');
          knownUids = set.ranges;
          r.eat(' ');
        }
        // RFC 7162 §3.2.5: the optional sequence-match data is accepted and not needed.
        if (r.peekIs('(')) r.list(() => r.sequenceSet());
        r.expect(')');
        a.qresync = { uidValidity, modseq, knownUids };
      } else throw new ImapNo(`Unknown SELECT parameter ${p}`, undefined, 'BAD');
      return p;
    });
  }
  return a;
}

async function runSelect(s: ImapSession, tag: string, a: SelectArgs, readOnly: boolean): Promise<void> {
  const account = accountOf(s);
  if (a.qresync && !s.qresync) throw new ImapNo('Enable QRESYNC first', undefined, 'BAD');
  if (s.state.kind === 'selected') {
    // RFC 9051 §6.3.2 / RFC 7162 §3.2.11: the previous mailbox is closed (without expunge).
    s.state = { kind: 'authenticated', account };
    if (s.isImap4rev2 || s.qresync) s.untagged('OK [CLOSED] Previous mailbox closed');
  }
  if (a.condstore) s.enableCondstore();
  const mb = await s.ctx.store.getMailbox(account.id, a.name);
  if (!mb) throw new ImapNo(`Mailbox does not exist: ${a.name}`, 'NONEXISTENT');
  const all = await s.ctx.store.changesSince(mb.id, 0);
  const view = new MailboxView({ ...mb, highestModseq: all.highestModseq, uidNext: all.uidNext }, all.changed.map((c) => c.uid), readOnly);
  view.claimRecent(s.recentClaims, view.uids);
  s.state = { kind: 'selected', account, view };
  s.mailboxDirty = false;
  for (const c of all.changed) for (const f of c.flags) if (!f.startsWith('\\')) view.keywords.add(f);
  s.untagged(`${view.exists} EXISTS`);
  if (!s.isImap4rev2) s.untagged(`${view.recentCount} RECENT`);
  for (const l of view.flagsLines()) s.untagged(l);
  s.untagged(`OK [UIDVALIDITY ${mb.uidValidity}] UIDs valid`);
  s.untagged(`OK [UIDNEXT ${all.uidNext}] Predicted next UID`);
  s.untagged(`OK [HIGHESTMODSEQ ${all.highestModseq}] Highest`);
  if (!s.isImap4rev2) {
    const firstUnseen = all.changed.findIndex((c) => !c.flags.includes('\\Seen'));
    if (firstUnseen >= 0) s.untagged(`OK [UNSEEN ${firstUnseen + 1}] First unseen`);
  }
  if (s.isImap4rev2) s.untagged(`LIST () "/" ${encodeName(mb.name, s)}`);
  if (a.qresync && a.qresync.uidValidity === mb.uidValidity) {
    // RFC 7162 §3.2.5.2: what was expunged, then what changed, since the client's MODSEQ.
    const since = await s.ctx.store.changesSince(mb.id, a.qresync.modseq);
    const known = a.qresync.knownUids;
    const star = all.uidNext - 1;
    const vanished = since.expunged.filter((u) => !known || inSequenceSet(known, u, star));
    if (vanished.length > 0) s.untagged(`VANISHED (EARLIER) ${formatSequenceSet(vanished)}`);
    for (const c of since.changed) {
      const seq = view.seqOf(c.uid);
      if (seq > 0) s.untagged(`${seq} FETCH (UID ${c.uid} FLAGS ${formatFlags(view.flagsOf(c.uid, c.flags, s.isImap4rev2))} MODSEQ (${c.modseq}))`);
    }
  }
  s.tagged(tag, 'OK', `[${readOnly ? 'READ-ONLY' : 'READ-WRITE'}] ${readOnly ? 'EXAMINE' : 'SELECT'} completed`);
}

export const select = defineCommand({
  name: 'SELECT',
  states: authenticatedStates,
  parse: parseSelect,
  run: (s, tag, a) => runSelect(s, tag, a, false),
});

export const examine = defineCommand({
  name: 'EXAMINE',
  states: authenticatedStates,
  parse: parseSelect,
  run: (s, tag, a) => runSelect(s, tag, a, true),
});
