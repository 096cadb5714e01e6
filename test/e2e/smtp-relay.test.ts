// Relay control over the wire: the relay-trick battery, mynetworks, relay_domains, the
// sender-login check, and recipient resolution (aliases, catch-all, plus-addressing, duplicates).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { inbox, plain, SmtpWire, startSmtpServer } from './smtp-wire.ts';

let server: TestServer;
before(async () => {
  server = await startSmtpServer({
    domains: ['example.test', 'catch.test'],
    users: { 'alice@example.test': 'alice-password', 'bob@example.test': 'bob-password', 'carol@catch.test': 'carol-password' },
    aliases: { 'team@example.test': ['alice@example.test', 'bob@example.test', 'partner@remote.example'], '@catch.test': ['carol@catch.test'], 'sales@example.test': ['alice@example.test'] },
    config: { relay_domains: ['backup.example'] },
    limits: { max_errors: 200 },
  });
});
after(async () => {
  await server.close();
});

async function mx(port = server.port('mx'), helo = 'stranger.example'): Promise<SmtpWire> {
  const c = await SmtpWire.connect(port);
  await c.reply();
  await c.cmd(`EHLO ${helo}`);
  return c;
}

test('relay battery: no trick gets a remote recipient accepted from an unauthenticated client', async () => {
  const c = await mx();
  assert.equal((await c.cmd('MAIL FROM:<spammer@example.org> SMTPUTF8')).code, 250);
  const tricks = [
    'victim@remote.example', 'VICTIM@REMOTE.EXAMPLE', 'victim@remote.example.',
    'victim%remote.example@example.test', 'remote.example!victim@example.test', '@example.test:victim@remote.example',
    '@example.test,@mail.example.test:victim@remote.example', '"victim@remote.example"@example.test', '"victim%remote.example"@example.test',
    '"remote.example!victim"@example.test', '"victim\\@remote.example"@example.test', 'victim@[127.0.0.1]', 'victim@[IPv6:::1]',
    'alice@example.test@remote.example', 'victim@remote.example@example.test', ' victim@remote.example', 'victim@remote.example ',
    'victim@ example.test', 'victim＠remote.example@example.test', 'victim％remote.example@example.test', 'victim@example\u3002test',
    'victim@example.test\u200b', 'victim@example.test%00', 'victim@example.test>', '<victim@example.test', 'alice@example.test\tx',
    'victim@xn--rmote-5ra.example', 'victim@rémote.example', '=?utf-8?q?victim=40remote.example?=@example.test',
  ];
  for (const t of tricks) {
    const r = await c.cmd(`RCPT TO:<${t}>`);
    assert.notEqual(r.code, 250, `${t} was accepted: ${r.text}`);
    assert.ok([500, 501, 550, 553, 554].includes(r.code), `${t}: ${r.text}`);
  }
  assert.equal((await c.cmd('DATA')).code, 554, 'no recipient was accepted');
  c.end();
});

test('unknown local users: 550 5.1.1 at RCPT time; the catch-all accepts anything of its domain', async () => {
  const c = await mx();
  await c.cmd('MAIL FROM:<a@example.org>');
  assert.equal((await c.cmd('RCPT TO:<ghost@example.test>')).text, '550 5.1.1 <ghost@example.test>: Recipient address rejected: User unknown');
  assert.equal((await c.cmd('RCPT TO:<anything-at-all@catch.test>')).code, 250);
  c.end();
});

test('aliases (local and remote targets), plus-addressing, case and duplicates collapse to one copy each', async () => {
  const before = (await inbox(server, 'alice@example.test')).length;
  const beforeBob = (await inbox(server, 'bob@example.test')).length;
  const c = await mx();
  await c.cmd('MAIL FROM:<a@example.org>');
  for (const r of ['team@example.test', 'ALICE+news@example.test', 'alice@EXAMPLE.test', 'sales@example.test']) assert.equal((await c.cmd(`RCPT TO:<${r}>`)).code, 250, r);
  await c.cmd('DATA');
  c.send('Subject: fan-out\r\n\r\nx\r\n.\r\n');
  assert.equal((await c.reply()).code, 250);
  c.end();
  assert.equal((await inbox(server, 'alice@example.test')).length, before + 1, 'one copy for alice');
  assert.equal((await inbox(server, 'bob@example.test')).length, beforeBob + 1);
  const q = (await server.ctx.store.listQueue()).find((e) => e.recipients.some((r) => r.address === 'partner@remote.example'));
  assert.ok(q, 'the remote alias target is queued');
  assert.equal(q.recipients[0]!.orcpt, 'rfc822;team@example.test', 'ORCPT keeps the original recipient');
});

test('mynetworks may relay; relay_domains are accepted from anyone', async () => {
  const c = await mx();
  await c.cmd('MAIL FROM:<a@example.org>');
  assert.equal((await c.cmd('RCPT TO:<user@backup.example>')).code, 250);
  assert.equal((await c.cmd('RCPT TO:<user@sub.backup.example>')).code, 554);
  c.end();
  const trusted = await startSmtpServer({ config: { mynetworks: ['127.0.0.0/8'] } });
  try {
    const t = await mx(trusted.port('mx'));
    await t.cmd('MAIL FROM:<app@example.test>');
    assert.equal((await t.cmd('RCPT TO:<user@remote.example>')).code, 250);
    t.end();
  } finally {
    await trusted.close();
  }
});

test('sender login mismatch: own address, plus-address and owning alias pass; others and the catch-all do not', async () => {
  const c = await SmtpWire.connect(server.port('subs'), { tls: { ca: server.certPem } });
  await c.reply();
  await c.cmd('EHLO laptop.example');
  assert.equal((await c.cmd(`AUTH PLAIN ${plain('carol@catch.test', 'carol-password')}`)).code, 235);
  for (const [from, code] of [['carol@catch.test', 250], ['Carol+x@CATCH.test', 250], ['', 250], ['someone@catch.test', 553], ['alice@example.test', 553], ['ceo@bank.example', 553]] as const) {
    const r = await c.cmd(`MAIL FROM:<${from}>`);
    assert.equal(r.code, code, `${from}: ${r.text}`);
    if (code === 250) await c.cmd('RSET');
  }
  c.end();
  const a = await SmtpWire.connect(server.port('subs'), { tls: { ca: server.certPem } });
  await a.reply();
  await a.cmd('EHLO laptop.example');
  await a.cmd(`AUTH PLAIN ${plain('alice@example.test', 'alice-password')}`);
  assert.equal((await a.cmd('MAIL FROM:<sales@example.test>')).code, 250, 'alias delivering to alice');
  await a.cmd('RSET');
  assert.equal((await a.cmd('MAIL FROM:<team@example.test>')).code, 250, 'alias with alice among its targets');
  a.end();
});

test('recipient_delimiter is configurable: "-" instead of "+"', async () => {
  const s = await startSmtpServer({ smtp: { recipient_delimiter: '-' } });
  try {
    const c = await mx(s.port('mx'));
    await c.cmd('MAIL FROM:<a@example.org>');
    assert.equal((await c.cmd('RCPT TO:<alice-newsletters@example.test>')).code, 250);
    assert.equal((await c.cmd('RCPT TO:<alice+newsletters@example.test>')).code, 550, '"+" is no longer a delimiter');
    c.end();
  } finally {
    await s.close();
  }
});
