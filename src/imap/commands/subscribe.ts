// RFC 9051 §6.3.7 SUBSCRIBE and §6.3.8 UNSUBSCRIBE.
import { ImapNo } from '../errors.ts';
import { accountOf, readMailboxName } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

function make(name: 'SUBSCRIBE' | 'UNSUBSCRIBE', on: boolean) {
  return defineCommand({
    name,
    states: authenticatedStates,
    parse(r, s) {
      r.sp();
      return readMailboxName(r, s);
    },
    async run(s, tag, mailbox) {
      const account = accountOf(s);
      if (on && !(await s.ctx.store.getMailbox(account.id, mailbox))) throw new ImapNo(`Mailbox does not exist: ${mailbox}`, 'NONEXISTENT');
      await s.ctx.store.setSubscribed(account.id, mailbox, on);
      s.tagged(tag, 'OK', `${name} completed`);
    },
  });
}

export const subscribe = make('SUBSCRIBE', true);
export const unsubscribe = make('UNSUBSCRIBE', false);
