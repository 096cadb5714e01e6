// Storage quota at RCPT time (RFC 9208 §4.1 on the SMTP side): full mailboxes are refused with
// 552 5.2.2 (or 452 4.2.2 with quota_full_tempfail), never accepted and bounced later.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inbox, SmtpWire, startSmtpServer } from './smtp-wire.ts';

async function send(port: number, rcpt: string, body: string, size?: number): Promise<string[]> {
  const c = await SmtpWire.connect(port);
  await c.reply();
  await c.cmd('EHLO quota.example');
  const out = [(await c.cmd(`MAIL FROM:<sender@remote.example>${size === undefined ? '' : ` SIZE=${size}`}`)).text];
  const r = await c.cmd(`RCPT TO:<${rcpt}>`);
  out.push(r.text);
  if (r.code === 250) {
    await c.cmd('DATA');
    out.push((await c.cmd(`${body}\r\n.`)).text.slice(0, 3));
  }
  await c.cmd('QUIT');
  return out;
}

test('a full mailbox is refused at RCPT; declared sizes count; aliases skip full members', async () => {
  const server = await startSmtpServer();
  try {
    await server.ctx.directory.createUser('small@example.test', 'small-password', { quotaBytes: 2000 });
    await server.ctx.store.addAlias('team@example.test', ['small@example.test', 'alice@example.test']);
    const port = server.port('mx');
    const big = 'Subject: big\r\n\r\n' + 'x'.repeat(1500);
    // Declared too big: refused before DATA.
    assert.deepEqual((await send(port, 'small@example.test', big, 5000)).slice(1), ['552 5.2.2 <small@example.test>: Recipient address rejected: Mailbox full']);
    // Without SIZE a message may take the account over once (grace) …
    assert.deepEqual((await send(port, 'small@example.test', big)).slice(1), ['250 2.1.5 Ok', '250']);
    assert.deepEqual((await send(port, 'small@example.test', big)).slice(1), ['250 2.1.5 Ok', '250']);
    // … and then it is full.
    assert.deepEqual((await send(port, 'small@example.test', 'Subject: s\r\n\r\nsmall')).slice(1), ['552 5.2.2 <small@example.test>: Recipient address rejected: Mailbox full']);
    assert.equal((await inbox(server, 'small@example.test')).length, 2);
    // An alias still delivers to the members with room.
    assert.deepEqual((await send(port, 'team@example.test', 'Subject: team\r\n\r\nhi')).slice(1), ['250 2.1.5 Ok', '250']);
    assert.equal((await inbox(server, 'alice@example.test')).length, 1);
    assert.equal((await inbox(server, 'small@example.test')).length, 2);
  } finally {
    await server.close();
  }
});

test('quota_full_tempfail answers 452 4.2.2 instead', async () => {
  const server = await startSmtpServer({ smtp: { quota_full_tempfail: true } });
  try {
    await server.ctx.directory.createUser('tiny@example.test', 'tiny-password', { quotaBytes: 10 });
    assert.deepEqual((await send(server.port('mx'), 'tiny@example.test', 'x', 100)).slice(1), ['452 4.2.2 <tiny@example.test>: Recipient address rejected: Mailbox full']);
  } finally {
    await server.close();
  }
});
