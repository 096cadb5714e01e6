// RFC 9051 §6.4.7 COPY, §6.4.8 MOVE (RFC 6851) and their UID forms, answering with the RFC 4315
// COPYUID response code. MOVE announces the source expunges before its tagged OK.
import type { SequenceSet } from '../args.ts';
import { formatOrderedSet } from '../args.ts';
import { ImapNo } from '../errors.ts';
import type { ImapSession } from '../session.ts';
import { readMailboxName, syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';
import { accountOf } from './common.ts';

interface CopyArgs { set: SequenceSet; mailbox: string }

function make(name: string, move: boolean, uid: boolean) {
  return defineCommand({
    name,
    states: selectedState,
    parse(r, s: ImapSession): CopyArgs {
      r.sp();
      const set = r.sequenceSet();
      r.sp();
      return { set, mailbox: readMailboxName(r, s) };
    },
    async run(s, tag, a) {
      const view = viewOf(s);
      if (move && view.readOnly) throw new ImapNo('Mailbox is read-only', 'READ-ONLY');
      const uids = view.resolve(a.set, uid);
      const dst = await s.ctx.store.getMailbox(accountOf(s).id, a.mailbox);
      // RFC 9051 §6.4.7: TRYCREATE tells the client the target can be created.
      if (!dst) throw new ImapNo(`Mailbox does not exist: ${a.mailbox}`, 'TRYCREATE');
      if (uids.length === 0) {
        if (!uid) throw new ImapNo('No messages', undefined, 'BAD');
        await syncSelected(s, true);
        s.tagged(tag, 'OK', `${name} completed (no messages)`);
        return;
      }
      if (!move) {
        const acct = await s.ctx.store.getAccountById(accountOf(s).id);
        if (acct && acct.quotaBytes !== null) {
          const msgs = await s.ctx.store.getMessagesByUid(view.mailbox.id, uids);
          const add = msgs.reduce((n, m) => n + m.size, 0);
          if (acct.usedBytes + add > acct.quotaBytes) throw new ImapNo('Quota exceeded', 'OVERQUOTA');
        }
      }
      const res = move ? await s.ctx.store.moveMessages(view.mailbox.id, uids, dst.id) : await s.ctx.store.copyMessages(view.mailbox.id, uids, dst.id);
      const code = res.srcUids.length > 0 ? `[COPYUID ${res.uidValidity} ${formatOrderedSet(res.srcUids)} ${formatOrderedSet(res.dstUids)}] ` : '';
      if (move) {
        // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
        if (code) s.untagged(`OK ${code.trim()} Moved`);
        await syncSelected(s, true);
        s.tagged(tag, 'OK', `${name} completed`);
        return;
      }
      await syncSelected(s, uid);
      s.tagged(tag, 'OK', `${code}${name} completed`);
    },
  });
}

export const copy = make('COPY', false, false);
export const uidCopy = make('UID COPY', false, true);
export const move = make('MOVE', true, false);
export const uidMove = make('UID MOVE', true, true);
