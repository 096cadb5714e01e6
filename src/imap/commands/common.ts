// Helpers shared by several commands: mailbox names on the wire, the account of the session,
// the selected view, and the sync that ends most commands.
import type { Account, Mailbox } from '../../store/index.ts';
import type { ArgReader } from '../args.ts';
import { ImapNo } from '../errors.ts';
import type { MailboxView } from '../mailbox-view.ts';
import { decodeMutf7, encodeMutf7 } from '../mutf7.ts';
import { astring } from '../imap-string.ts';
import type { ImapSession } from '../session.ts';

/** Reads a mailbox name: modified UTF-7 for IMAP4rev1, UTF-8 once IMAP4rev2/UTF8=ACCEPT is on. */
export function readMailboxName(r: ArgReader, s: ImapSession): string {
  return decodeName(r.astring(), s);
}

export function decodeName(raw: string, s: ImapSession): string {
  let name = raw;
  if (!s.utf8) {
    // A name that is not valid modified UTF-7 is taken as it is (it then names no mailbox), as Dovecot does.
    name = decodeMutf7(raw) ?? raw;
  }
  // RFC 9051 §5.1: INBOX is case-insensitive.
  if (/^inbox$/i.test(name)) return 'INBOX';
  if (/^inbox\//i.test(name)) return 'INBOX' + name.slice(5);
  return name;
}

/** A mailbox name as the client should see it. */
export function encodeName(name: string, s: ImapSession): string {
  return astring(s.utf8 ? name : encodeMutf7(name), { utf8: s.utf8 });
}

export function accountOf(s: ImapSession): Account {
  if (s.state.kind === 'authenticated' || s.state.kind === 'selected') return s.state.account;
  throw new Error('no account in this state');
}

export function viewOf(s: ImapSession): MailboxView {
  if (s.state.kind !== 'selected') throw new Error('no mailbox selected');
  return s.state.view;
}

export async function requireMailbox(s: ImapSession, name: string): Promise<Mailbox> {
  const mb = await s.ctx.store.getMailbox(accountOf(s).id, name);
  if (!mb) throw new ImapNo(`Mailbox does not exist: ${name}`, 'NONEXISTENT');
  return mb;
}

/**
 * Announces pending changes of the selected mailbox at the end of a command. RFC 9051 §7.5.1:
 * no EXPUNGE during FETCH, STORE or SEARCH (UID variants excepted), so `expunge` is false there.
 */
export async function syncSelected(s: ImapSession, expunge = true): Promise<void> {
  if (s.state.kind !== 'selected') return;
  s.mailboxDirty = false;
  await s.state.view.sync(s, s.ctx.store, { expunge });
}
