// MAIL FROM (RFC 5321 §4.1.1.2) with its parameters (params.ts). Submission listeners require
// AUTH first (RFC 6409 §4.3, RFC 4954 §6: 530 5.7.0); authenticated senders may use only their
// own addresses (policy/sender).
import { checkSenderLogin } from '../../policy/index.ts';
import { parsePath } from '../address.ts';
import { defineCommand } from '../command.ts';
import { parseMailParams } from '../params.ts';
import { reply } from '../reply.ts';

export const mail = defineCommand({
  name: 'MAIL',
  states: ['ready'],
  outOfSequence: (st) => st === 'initial' ? reply(503, '5.5.1', 'Error: send HELO/EHLO first') : reply(503, '5.5.1', 'Error: nested MAIL command'),
  async run(s, args, state) {
    if (s.isSubmission && s.account === null) {
      if (!s.isSecure && s.conn.listener.tls === 'starttls' && !s.conn.listener.allow_plaintext_auth) {
        await s.send(reply(530, '5.7.0', 'Must issue a STARTTLS command first'));
      } else {
        await s.send(reply(530, '5.7.0', 'Authentication required'));
      }
      return;
    }
    const m = /^FROM: *(.*)$/is.exec(args);
    if (!m) {
      await s.send(reply(501, '5.5.4', 'Syntax: MAIL FROM:<address>'));
      return;
    }
    const rest = m[1]!;
    // SMTPUTF8 is a parameter after the path, but it decides whether the path may be UTF-8.
    const wantsUtf8 = / SMTPUTF8(?: |$)/i.test(rest);
    const path = parsePath(rest, 'mail', wantsUtf8);
    if (!path.ok) {
      await s.send(reply(path.code, path.enhanced, path.text));
      return;
    }
    const params = parseMailParams(path.rest, { maxMessageBytes: s.limits.max_message_bytes });
    if (!params.ok) {
      await s.send(reply(params.error.code, params.error.enhanced, params.error.text));
      return;
    }
    const p = params.params;
    // RFC 8689 §4.1: REQUIRETLS is only valid on a TLS-protected session.
    if (p.requireTls && !s.isSecure) {
      await s.send(reply(530, '5.7.10', 'REQUIRETLS needs a TLS session'));
      return;
    }
    // RFC 4954 §5: AUTH= from an unauthenticated client is not trusted; it is dropped.
    if (s.account === null) p.auth = null;
    const sender = path.mailbox;
    if (s.account !== null) {
      let owners: number[] = [];
      if (sender) {
        const r = await s.ctx.directory.resolve(sender.address, { catchAll: false });
        if (r.kind === 'deliver') owners = r.local.map((l) => l.accountId);
      }
      const v = checkSenderLogin({ accountId: s.account.id, accountAddress: s.account.address, sender: sender?.address ?? '', senderOwners: owners }, { rejectSenderLoginMismatch: s.settings.reject_sender_login_mismatch });
      if (v.kind === 'reject') {
        s.log.info('smtp.mail.rejected', { sender: sender?.address, reason: 'sender-login-mismatch', detail: v.detail });
        await s.send(reply(553, '5.7.1', `<${sender?.address ?? ''}>: Sender address rejected: not owned by user ${s.account.address}`));
        return;
      }
    }
    s.state = { kind: 'mail', helo: state.helo, tx: { sender, params: p, recipients: [] } };
    await s.send(reply(250, '2.1.0', 'Ok'));
  },
});
