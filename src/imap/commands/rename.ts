// RFC 9051 §6.3.6 RENAME: children move with their parent; renaming INBOX moves its messages
// to the new mailbox and leaves INBOX empty.
import { ImapNo } from '../errors.ts';
import { accountOf, readMailboxName } from './common.ts';
import { validMailboxName } from './create.ts';
import { authenticatedStates, defineCommand } from './types.ts';

export const rename = defineCommand({
  name: 'RENAME',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    const from = readMailboxName(r, s);
    r.sp();
    let to = readMailboxName(r, s);
    if (to.endsWith('/')) to = to.slice(0, -1);
    return { from, to };
  },
  async run(s, tag, a) {
    const account = accountOf(s);
    const store = s.ctx.store;
    const src = await store.getMailbox(account.id, a.from);
    if (!src) throw new ImapNo(`Mailbox does not exist: ${a.from}`, 'NONEXISTENT');
    if (!validMailboxName(a.to) || a.to === 'INBOX' || a.to.startsWith(a.from + '/')) throw new ImapNo(`Cannot rename to ${a.to}`, 'CANNOT');
    if (await store.getMailbox(account.id, a.to)) throw new ImapNo('Target mailbox already exists', 'ALREADYEXISTS');
    const levels = a.to.split('/');
    for (let i = 1; i < levels.length; i++) {
      const parent = levels.slice(0, i).join('/');
      if (!(await store.getMailbox(account.id, parent))) await store.createMailbox(account.id, parent, { subscribed: false });
    }
    if (src.name === 'INBOX') {
      const dst = await store.createMailbox(account.id, a.to);
      const uids = await store.listUids(src.id);
      if (uids.length > 0) await store.moveMessages(src.id, uids, dst.id);
    } else {
      await store.renameMailbox(account.id, a.from, a.to);
    }
    s.tagged(tag, 'OK', 'RENAME completed');
  },
});
