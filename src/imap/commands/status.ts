// RFC 9051 §6.3.11 STATUS, with RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ and IMAP4rev1 RECENT.
import type { Mailbox } from '../../store/index.ts';
import type { ArgReader } from '../args.ts';
import { ParseError } from '../args.ts';
import { MailboxView } from '../mailbox-view.ts';
import type { ImapSession } from '../session.ts';
import { encodeName, readMailboxName, requireMailbox } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

const items = new Set(['MESSAGES', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'DELETED', 'SIZE', 'HIGHESTMODSEQ', 'RECENT', 'APPENDLIMIT']);

export function parseStatusItems(r: ArgReader): string[] {
  return r.list(() => {
    const w = r.word();
    if (!items.has(w)) throw new ParseError(`Unknown STATUS item ${w}`);
    return w;
  });
}

/** The parenthesised status data of one mailbox. */
export async function statusData(s: ImapSession, mb: Mailbox, want: readonly string[]): Promise<string> {
  const needFlags = want.includes('UNSEEN') || want.includes('DELETED');
  const all = needFlags || want.includes('HIGHESTMODSEQ') || want.includes('UIDNEXT') ? await s.ctx.store.changesSince(mb.id, 0) : undefined;
  const out: string[] = [];
  for (const w of want) {
    switch (w) {
      case 'MESSAGES': out.push(`MESSAGES ${mb.messageCount}`); break;
      case 'UIDNEXT': out.push(`UIDNEXT ${all?.uidNext ?? mb.uidNext}`); break;
      case 'UIDVALIDITY': out.push(`UIDVALIDITY ${mb.uidValidity}`); break;
      case 'UNSEEN': out.push(`UNSEEN ${all!.changed.filter((c) => !c.flags.includes('\\Seen')).length}`); break;
      case 'DELETED': out.push(`DELETED ${all!.changed.filter((c) => c.flags.includes('\\Deleted')).length}`); break;
      case 'SIZE': out.push(`SIZE ${mb.totalBytes}`); break;
      case 'HIGHESTMODSEQ': out.push(`HIGHESTMODSEQ ${all?.highestModseq ?? mb.highestModseq}`); break;
      case 'RECENT': {
        // Messages no session has claimed yet would be \Recent for the next SELECT.
        const mark = s.recentClaims.get(MailboxView.claimKey(mb.id, mb.uidValidity)) ?? 0;
        out.push(`RECENT ${(all ?? (await s.ctx.store.changesSince(mb.id, 0))).changed.filter((c) => c.uid > mark).length}`);
        break;
      }
      case 'APPENDLIMIT': out.push(`APPENDLIMIT ${s.limits.maxLiteralBytes}`); break;
    }
  }
  return `(${out.join(' ')})`;
}

export const status = defineCommand({
  name: 'STATUS',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    const name = readMailboxName(r, s);
    r.sp();
    return { name, items: parseStatusItems(r) };
  },
  async run(s, tag, a) {
    const mb = await requireMailbox(s, a.name);
    s.untagged(`STATUS ${encodeName(mb.name, s)} ${await statusData(s, mb, a.items)}`);
    s.tagged(tag, 'OK', 'STATUS completed');
  },
});
