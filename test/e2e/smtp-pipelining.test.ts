// PIPELINING (RFC 2920), CHUNKING/BDAT (RFC 3030) and the STARTTLS injection defence (RFC 3207 §5).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { inbox, plain, SmtpWire, startSmtpServer } from './smtp-wire.ts';

let server: TestServer;
before(async () => {
  server = await startSmtpServer({ limits: { max_message_bytes: 2000 }, captureLogs: true });
});
after(async () => {
  await server.close();
});

async function replies(c: SmtpWire, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await c.reply()).lines.at(-1)!);
  return out;
}

test('a whole pipelined transaction in one write gets every reply, in order', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.reply();
  c.send('EHLO pipe.example\r\nMAIL FROM:<p@example.org>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\nSubject: pipelined\r\n\r\nhi\r\n.\r\nMAIL FROM:<p2@example.org>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\nSubject: second\r\n\r\n.\r\nQUIT\r\n');
  const r = await replies(c, 11);
  assert.deepEqual(r.map((l) => l.slice(0, 3)), ['250', '250', '250', '550', '250', '354', '250', '250', '250', '354', '250']);
  assert.equal((await c.reply()).code, 221);
  await c.closed();
  const a = await inbox(server, 'alice@example.test');
  assert.ok(a.some((m) => m.includes('Subject: pipelined')) && a.some((m) => m.includes('Subject: second')));
});

test('BDAT: chunks, BDAT LAST, CRLF.CRLF inside a chunk is data, one shared blob for two recipients', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.reply();
  await c.cmd('EHLO chunk.example');
  assert.equal((await c.cmd('MAIL FROM:<c@example.org> BODY=BINARYMIME')).code, 250);
  assert.equal((await c.cmd('RCPT TO:<alice@example.test>')).code, 250);
  assert.equal((await c.cmd('RCPT TO:<bob@example.test>')).code, 250);
  const part1 = 'Subject: chunky\r\n\r\nline one\r\n.\r\nMAIL FROM:<smuggled@x>\r\n';
  c.send(`BDAT ${part1.length}\r\n${part1}`);
  assert.equal((await c.reply()).text, `250 2.0.0 ${part1.length} octets received`);
  const part2 = 'bin\0ary\r\n';
  c.send(`BDAT ${part2.length} LAST\r\n${part2}`);
  const done = await c.reply();
  assert.match(done.text, /^250 2\.0\.0 Ok: queued as /);
  // BDAT 0 LAST after a finished transaction: no transaction, data consumed, 503.
  c.send('BDAT 3 LAST\r\nabcNOOP\r\n');
  assert.equal((await c.reply()).text, '503 5.5.1 Error: need MAIL command');
  assert.equal((await c.reply()).code, 250, 'the octets were data, NOOP the next command');
  c.end();
  const a = (await inbox(server, 'alice@example.test')).find((m) => m.includes('Subject: chunky'))!;
  assert.ok(a.endsWith(part1 + part2));
  const acct = await server.ctx.store.getAccount('bob@example.test');
  const mb = await server.ctx.store.getMailbox(acct!.id, 'INBOX');
  const acctA = await server.ctx.store.getAccount('alice@example.test');
  const mbA = await server.ctx.store.getMailbox(acctA!.id, 'INBOX');
  const lastB = (await server.ctx.store.listMessages(mb!.id)).at(-1)!;
  const lastA = (await server.ctx.store.listMessages(mbA!.id)).at(-1)!;
  assert.equal(lastA.blobHash, lastB.blobHash, 'one blob shared by both recipients');
  assert.notDeepEqual(Buffer.from(lastA.prefix), Buffer.from(lastB.prefix), 'Delivered-To differs per recipient');
});

test('BDAT over the size limit: 552 5.3.4, the transaction is gone, the session goes on', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.reply();
  await c.cmd('EHLO chunk.example');
  await c.cmd('MAIL FROM:<c@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  const big = 'x'.repeat(1500);
  c.send(`BDAT 1500\r\n${big}`);
  assert.equal((await c.reply()).code, 250);
  c.send(`BDAT 1500 LAST\r\n${big}`);
  assert.equal((await c.reply()).text, '552 5.3.4 Error: message size exceeds fixed maximum message size');
  assert.equal((await c.cmd('RCPT TO:<alice@example.test>')).text, '503 5.5.1 Error: need MAIL command');
  // A single chunk larger than the whole limit cannot be skipped: 552 and close.
  await c.cmd('MAIL FROM:<c@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  c.send('BDAT 999999\r\n');
  assert.equal((await c.reply()).code, 552);
  assert.equal((await c.reply()).code, 421);
  await c.closed();
});

test('DATA with BODY=BINARYMIME is refused (RFC 3030 §3); DATA after BDAT is refused', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.reply();
  await c.cmd('EHLO chunk.example');
  await c.cmd('MAIL FROM:<c@example.org> BODY=BINARYMIME');
  await c.cmd('RCPT TO:<alice@example.test>');
  assert.equal((await c.cmd('DATA')).text, '503 5.5.1 Error: BODY=BINARYMIME requires BDAT');
  c.send('BDAT 2\r\nab');
  assert.equal((await c.reply()).code, 250);
  assert.equal((await c.cmd('DATA')).text, '503 5.5.1 Error: DATA is not allowed in a BDAT transaction');
  assert.equal((await c.cmd('RSET')).code, 250);
  c.end();
});

test('STARTTLS injection: commands pipelined after STARTTLS are discarded, the session starts over', async () => {
  const c = await SmtpWire.connect(server.port('sub'));
  await c.reply();
  await c.cmd('EHLO inject.example');
  // An attacker in the middle appends plaintext commands after STARTTLS (CVE-2011-0411 style).
  c.send(`STARTTLS\r\nAUTH PLAIN ${plain('alice@example.test', 'alice-password')}\r\nMAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n`);
  assert.equal((await c.reply()).text, '220 2.0.0 Ready to start TLS');
  await c.startTls(server.certPem);
  // Nothing of the injected commands was executed: not authenticated, no transaction, EHLO needed again.
  assert.equal((await c.cmd('RCPT TO:<bob@example.test>')).text, '503 5.5.1 Error: need MAIL command');
  assert.equal((await c.cmd('MAIL FROM:<alice@example.test>')).text, '503 5.5.1 Error: send HELO/EHLO first');
  const ehlo = await c.cmd('EHLO inject.example');
  assert.ok(ehlo.lines.includes('250-AUTH SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1-PLUS SCRAM-SHA-1 PLAIN LOGIN') && !ehlo.lines.some((l) => l.includes('STARTTLS')), ehlo.text);
  assert.equal((await c.cmd('MAIL FROM:<alice@example.test>')).text, '530 5.7.0 Authentication required');
  assert.equal((await c.cmd(`AUTH PLAIN ${plain('alice@example.test', 'alice-password')}`)).code, 235);
  assert.equal((await c.cmd('STARTTLS')).text, '503 5.5.1 Error: TLS already active');
  c.end();
  assert.ok(server.logLines.some((l) => l.event === 'smtp.starttls.discarded' && Number(l.bytes) > 50), 'the discarded bytes are logged');
});
