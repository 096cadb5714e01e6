// RCPT TO (RFC 5321 §4.1.1.3): parse the forward-path strictly (address.ts refuses the relay
// tricks), resolve it in directory/, and ask policy/relay. Unknown local users are refused now
// (550 5.1.1), never accepted and bounced later (no backscatter).
import { checkQuota, decideRelay } from '../../policy/index.ts';
import { parsePath } from '../address.ts';
import { defineCommand } from '../command.ts';
import { parseRcptParams } from '../params.ts';
import { reply } from '../reply.ts';

export const rcpt = defineCommand({
  name: 'RCPT',
  states: ['mail'],
  outOfSequence: (st) => st === 'bdat' ? reply(503, '5.5.1', 'Error: RCPT during BDAT transfer') : reply(503, '5.5.1', 'Error: need MAIL command'),
  async run(s, args, state) {
    const m = /^TO: *(.*)$/is.exec(args);
    if (!m) {
      await s.send(reply(501, '5.5.4', 'Syntax: RCPT TO:<address>'));
      return;
    }
    const tx = state.tx;
    const path = parsePath(m[1]!, 'rcpt', tx.params.smtputf8);
    if (!path.ok) {
      s.log.info('smtp.rcpt.rejected', { reason: 'syntax', detail: path.text });
      await s.send(reply(path.code, path.enhanced, path.text));
      return;
    }
    const params = parseRcptParams(path.rest);
    if (!params.ok) {
      await s.send(reply(params.error.code, params.error.enhanced, params.error.text));
      return;
    }
    // RFC 5321 §4.5.3.1.10: too many recipients is a temporary condition for the rest.
    if (tx.recipients.length >= s.limits.max_recipients) {
      s.log.info('smtp.limit.recipients', { max: s.limits.max_recipients });
      await s.send(reply(452, '4.5.3', 'Error: too many recipients'));
      return;
    }
    // RFC 5321 §4.1.1.3: "Postmaster" without a domain is always accepted, for this host.
    const address = path.postmaster ? `postmaster@${s.hostname}` : path.mailbox!.address;
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const res = await s.ctx.directory.resolve(address);
    const verdict = decideRelay({
      resolution: res.kind === 'deliver' ? 'local' : res.kind,
      recipientDomain: domain,
      authenticated: s.account !== null,
      clientIp: s.conn.remoteAddress,
    }, { mynetworks: s.shared.mynetworks, relayDomains: s.ctx.config.relay_domains });
    switch (verdict.kind) {
      case 'unknown-user':
        s.log.info('smtp.rcpt.rejected', { rcpt: address, reason: 'unknown-user' });
        await s.send(reply(550, '5.1.1', `<${address}>: Recipient address rejected: User unknown`));
        return;
      case 'deny':
        s.log.info('smtp.rcpt.rejected', { rcpt: address, reason: 'relay-denied', detail: verdict.detail });
        await s.send(reply(554, '5.7.1', `<${address}>: Relay access denied`));
        return;
      case 'local': {
        if (res.kind !== 'deliver') throw new Error('local verdict without a delivery');
        // A direct mailbox that is full is refused now; an alias delivers to its members with room.
        const room = [];
        for (const l of res.local) {
          const acct = await s.ctx.store.getAccountById(l.accountId);
          const q = checkQuota({ usedBytes: acct?.usedBytes ?? 0, quotaBytes: acct?.quotaBytes ?? null, declaredBytes: tx.params.size });
          if (q.kind === 'ok') room.push(l);
          else s.log.info('smtp.rcpt.over_quota', { rcpt: address, account: l.address, detail: q.detail });
        }
        if (room.length === 0 && res.remote.length === 0) {
          const temp = s.ctx.config.smtp.quota_full_tempfail;
          await s.send(reply(temp ? 452 : 552, temp ? '4.2.2' : '5.2.2', `<${address}>: Recipient address rejected: Mailbox full`));
          return;
        }
        tx.recipients.push({ address, notify: params.params.notify, orcpt: params.params.orcpt, local: room.map((l) => ({ accountId: l.accountId, address: l.address })), remote: res.remote });
        break;
      }
      case 'relay':
        tx.recipients.push({ address, notify: params.params.notify, orcpt: params.params.orcpt, local: [], remote: [address] });
        break;
    }
    await s.send(reply(250, '2.1.5', 'Ok'));
  },
});
