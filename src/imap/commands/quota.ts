// RFC 9208 QUOTA: one quota root per account ("") with the STORAGE resource in KiB.
import type { ImapSession } from '../session.ts';
import { ImapNo } from '../errors.ts';
import { accountOf, encodeName, readMailboxName, requireMailbox } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

async function quotaLine(s: ImapSession): Promise<string | null> {
  const acct = await s.ctx.store.getAccountById(accountOf(s).id);
  if (!acct || acct.quotaBytes === null) return null;
  return `QUOTA "" (STORAGE ${Math.ceil(acct.usedBytes / 1024)} ${Math.floor(acct.quotaBytes / 1024)})`;
}

export const getquota = defineCommand({
  name: 'GETQUOTA',
  states: authenticatedStates,
  parse(r) {
    r.sp();
    return r.astring();
  },
  async run(s, tag, root) {
    const line = root === '' ? await quotaLine(s) : null;
    if (!line) throw new ImapNo('No such quota root', 'NONEXISTENT');
    s.untagged(line);
    s.tagged(tag, 'OK', 'GETQUOTA completed');
  },
});

export const getquotaroot = defineCommand({
  name: 'GETQUOTAROOT',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    return readMailboxName(r, s);
  },
  async run(s, tag, name) {
    const mb = await requireMailbox(s, name);
    const line = await quotaLine(s);
    s.untagged(`QUOTAROOT ${encodeName(mb.name, s)}${line ? ' ""' : ''}`);
    if (line) s.untagged(line);
    s.tagged(tag, 'OK', 'GETQUOTAROOT completed');
  },
});

export const setquota = defineCommand({
  name: 'SETQUOTA',
  states: authenticatedStates,
  parse(r) {
    r.rest();
    return undefined;
  },
  async run() {
    // RFC 9208 §4.1.3: quotas are set by the administrator (postern user …), not by users.
    throw new ImapNo('Quotas are set by the administrator', 'NOPERM');
  },
});
