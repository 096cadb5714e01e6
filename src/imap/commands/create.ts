// RFC 9051 §6.3.4 CREATE, with RFC 6154 §3 CREATE-SPECIAL-USE ("USE (\Sent)").
import { UserError } from '../../errors/index.ts';
import { ImapNo } from '../errors.ts';
import { accountOf, readMailboxName } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

export const specialUses = ['\\All', '\\Archive', '\\Drafts', '\\Flagged', '\\Junk', '\\Sent', '\\Trash'];

export function validMailboxName(name: string): boolean {
  return name.length > 0 && name.length <= 512 && !name.startsWith('/') && !name.includes('//') && !/[\x00-\x1f\x7f*%]/.test(name);
}

export const create = defineCommand({
  name: 'CREATE',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    let name = readMailboxName(r, s);
    // RFC 9051 §6.3.4: a trailing delimiter means the client intends to create children.
    if (name.endsWith('/')) name = name.slice(0, -1);
    let use: string | null = null;
    if (r.eat(' ')) {
      r.list(() => {
        if (!r.keyword('USE')) throw new ImapNo('Unknown CREATE parameter', undefined, 'BAD');
        r.sp();
        const uses = r.list(() => r.flag());
        if (uses.length > 1) throw new ImapNo('Only one special use per mailbox', 'USEATTR');
        use = uses[0] ?? null;
        return use;
      });
    }
    return { name, use: use as string | null };
  },
  async run(s, tag, a) {
    const account = accountOf(s);
    if (a.name === 'INBOX') throw new ImapNo('INBOX always exists', 'ALREADYEXISTS');
    if (!validMailboxName(a.name)) throw new ImapNo(`Invalid mailbox name: ${a.name}`, 'CANNOT');
    let use: string | null = null;
    if (a.use) {
      use = specialUses.find((u) => u.toLowerCase() === a.use!.toLowerCase()) ?? null;
      if (!use) throw new ImapNo(`Unsupported special use ${a.use}`, 'USEATTR');
    }
    const existing = await s.ctx.store.getMailbox(account.id, a.name);
    if (existing) throw new ImapNo('Mailbox already exists', 'ALREADYEXISTS');
    // RFC 9051 §6.3.4: missing superior levels are created too.
    const levels = a.name.split('/');
    for (let i = 1; i < levels.length; i++) {
      const parent = levels.slice(0, i).join('/');
      if (!(await s.ctx.store.getMailbox(account.id, parent))) await s.ctx.store.createMailbox(account.id, parent, { subscribed: false });
    }
    try {
      // RFC 9051 §6.3.4: CREATE does not subscribe (clients SUBSCRIBE explicitly).
      await s.ctx.store.createMailbox(account.id, a.name, { specialUse: use, subscribed: false });
    } catch (err) {
      if (err instanceof UserError && err.code === 'exists') throw new ImapNo('Mailbox already exists', 'ALREADYEXISTS');
      throw err;
    }
    s.tagged(tag, 'OK', 'CREATE completed');
  },
});
