// Golden transcripts (C:/S:) played against a real server over 127.0.0.1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { inbox, plain, SmtpWire, startSmtpServer } from './smtp-wire.ts';

const dir = join(import.meta.dirname, 'smtp-transcripts');
const transcript = (name: string) => readFileSync(join(dir, name), 'utf8');
let server: TestServer;

before(async () => {
  server = await startSmtpServer();
});
after(async () => {
  await server.close();
});

test('mx-basic: a local recipient is delivered, unknown users and relaying are refused', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.play(transcript('mx-basic.txt'));
  const msgs = await inbox(server, 'alice@example.test');
  assert.equal(msgs.length, 1);
  const m = msgs[0]!;
  assert.match(m, /^Return-Path: <sender@example\.org>\r\nDelivered-To: alice@example\.test\r\nReceived: from client\.example\.org \(\[127\.0\.0\.1\]\)\r\n\tby mail\.example\.test \(Postern\) with ESMTP id \S+\r\n\tfor <Alice@example\.test>;\r\n\t\w{3}, /);
  assert.ok(m.endsWith('Subject: hello\r\n\r\n.a stuffed line\r\n'), JSON.stringify(m));
});

test('sequence-errors: out-of-order commands and bad syntax', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.play(transcript('sequence-errors.txt'));
});

test('submission-plain: no AUTH and no MAIL before STARTTLS', async () => {
  const c = await SmtpWire.connect(server.port('sub'));
  await c.play(transcript('submission-plain.txt'));
  c.end();
});

test('submission-tls: AUTH, sender check, relay for authenticated users, DSN stored with the queue entry', async () => {
  const c = await SmtpWire.connect(server.port('subs'), { tls: { ca: server.certPem } });
  await c.play(transcript('submission-tls.txt'), { plain: plain('alice@example.test', 'alice-password'), badPlain: plain('alice@example.test', 'wrong') });
  c.end();
  const q = await server.ctx.store.listQueue();
  const entry = q.find((e) => e.recipients.some((r) => r.address === 'friend@remote.example'));
  assert.ok(entry, 'queued for the remote recipient');
  assert.equal(entry.sender, 'alice+lists@example.test');
  assert.equal(entry.ret, 'HDRS');
  assert.equal(entry.envid, 'abc+2Bdef');
  assert.equal(entry.requireTls, true);
  assert.deepEqual(entry.recipients.map((r) => [r.address, r.notify, r.orcpt]), [['friend@remote.example', ['SUCCESS', 'FAILURE'], 'rfc822;friend@remote.example']]);
  const bob = await inbox(server, 'bob@example.test');
  assert.equal(bob.length, 1);
  assert.match(bob[0]!, /\(using TLSv1\.3 with cipher TLS_\w+\)\r\n\t\(authenticated user alice@example\.test\)\r\n\tby mail\.example\.test \(Postern\) with ESMTPSA id/);
});

test('mx-extensions: SMTPUTF8 paths, DSN parameters and BDAT on the MX', async () => {
  const c = await SmtpWire.connect(server.port('mx'));
  await c.play(transcript('mx-extensions.txt'));
  const m = (await inbox(server, 'alice@example.test')).find((x) => x.includes('grüße'));
  assert.ok(m, 'delivered');
  assert.match(m, /^Return-Path: <jörg@xn--exmple-cua\.org>\r\n/);
  assert.match(m, /with UTF8SMTP id/);
  assert.ok(m.endsWith('Subject: grüße\r\n\r\nok\r\n'));
});
