// RFC 9051 §6.3.5 DELETE: INBOX cannot be deleted; a mailbox with children is refused
// (it has no \Noselect state here), as Dovecot does.
import { ImapNo } from '../errors.ts';
import { accountOf, readMailboxName } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

export const del = defineCommand({
  name: 'DELETE',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    return readMailboxName(r, s);
  },
  async run(s, tag, name) {
    const account = accountOf(s);
    if (name === 'INBOX') throw new ImapNo('INBOX cannot be deleted', 'CANNOT');
    const mb = await s.ctx.store.getMailbox(account.id, name);
    if (!mb) throw new ImapNo(`Mailbox does not exist: ${name}`, 'NONEXISTENT');
    const all = await s.ctx.store.listMailboxes(account.id);
    if (all.some((m) => m.name.startsWith(name + '/'))) throw new ImapNo('Mailbox has children; delete them first', 'INUSE');
    if (s.state.kind === 'selected' && s.state.view.mailbox.id === mb.id) {
      s.state = { kind: 'authenticated', account };
      if (s.isImap4rev2) s.untagged('OK [CLOSED] Mailbox deleted');
    }
    await s.ctx.store.deleteMailbox(account.id, name);
    s.tagged(tag, 'OK', 'DELETE completed');
  },
});
