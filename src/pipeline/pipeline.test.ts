import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobStore, SqliteStore } from '../store/index.ts';
import { DeliveryBatcher } from './group-commit.ts';
import { HeaderScanner } from './header-scanner.ts';
import { xtext } from './inbound.ts';
import { localDeliveryPrefix, receivedHeader, rfc5322Date, withProtocol } from './received.ts';

test('Received header: RFC 5321 §4.4 clauses, TLS and auth comments, RFC 3848 protocol names', () => {
  const h = receivedHeader({
    helo: 'client.example', clientIp: '192.0.2.1', hostname: 'mx.example.test', esmtp: true, smtputf8: false,
    tls: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, authUser: 'alice@example.test', id: 'abc.1', for: 'bob@example.test',
    date: new Date(Date.UTC(2026, 10, 23, 1, 2, 3)),
  });
  assert.equal(h, 'Received: from client.example ([192.0.2.1])\r\n\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)\r\n\t(authenticated user alice@example.test)\r\n\tby mx.example.test (Postern) with ESMTPSA id abc.1\r\n\tfor <bob@example.test>;\r\n\tMon, 23 Nov 2026 01:02:03 +0000\r\n');
  assert.equal(withProtocol({ esmtp: false, smtputf8: false, tls: null, authUser: null }), 'SMTP');
  assert.equal(withProtocol({ esmtp: true, smtputf8: true, tls: null, authUser: 'a' }), 'UTF8SMTPA');
  assert.equal(rfc5322Date(new Date(Date.UTC(2027, 0, 5, 23, 59, 9))), 'Tue, 5 Jan 2027 23:59:09 +0000');
  assert.equal(localDeliveryPrefix('', 'bob@example.test').toString(), 'Return-Path: <>\r\nDelivered-To: bob@example.test\r\n');
  // Client-supplied text cannot break the header.
  assert.doesNotMatch(receivedHeader({ helo: 'x\r\nBcc: y', clientIp: '::1', hostname: 'h', esmtp: true, smtputf8: false, tls: null, authUser: null, id: '1', for: null, date: new Date(0) }), /\r\nBcc/);
});

test('header scanner: counts Received and collects Delivered-To in the header only, at any split', () => {
  const msg = Buffer.from('Received: a\r\nreceived : b\r\n\tcontinued\r\nDelivered-To: <Bob@Example.test>\r\nSubject: s\r\n\r\nReceived: in body\r\n');
  for (let cut = 0; cut <= msg.length; cut++) {
    const s = new HeaderScanner();
    s.push(msg.subarray(0, cut));
    s.push(msg.subarray(cut));
    assert.equal(s.receivedCount, 2, `cut ${cut}`);
    assert.deepEqual(s.deliveredTo, ['bob@example.test']);
    assert.equal(s.finished, true);
  }
});

test('xtext encoding (RFC 3461 §4)', () => {
  assert.equal(xtext('a+b=c d@é'), 'a+2Bb+3Dc+20d@+C3+A9');
});

test('group commit: concurrent deliveries share one transaction and each gets its own result', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'postern-gc-'));
  const store = new SqliteStore({ path: join(dir, 'db') });
  try {
    const blobs = new BlobStore(dir);
    await blobs.init();
    await store.addDomain('example.test');
    const a = await store.addAccount({ address: 'a@example.test', passwordHash: null });
    const b = await store.addAccount({ address: 'b@example.test', passwordHash: null });
    const batcher = new DeliveryBatcher(store);
    let transactions = 0;
    const orig = store.deliverMany.bind(store);
    store.deliverMany = async (batch) => {
      transactions++;
      return orig(batch);
    };
    const refs = await Promise.all([1, 2, 3].map((i) => blobs.put(Buffer.from(`Subject: ${i}\r\n\r\n`))));
    const results = await Promise.all([
      batcher.deliver(refs[0]!, [{ accountId: a.id, mailbox: 'INBOX' }]),
      batcher.deliver(refs[1]!, [{ accountId: a.id, mailbox: 'INBOX' }, { accountId: b.id, mailbox: 'INBOX' }]),
      batcher.deliver(refs[2]!, [{ accountId: b.id, mailbox: 'INBOX' }]),
    ]);
    assert.equal(transactions, 1);
    assert.deepEqual(results.map((r) => r.map((d) => [d.accountId, d.uid])), [[[a.id, 1]], [[a.id, 2], [b.id, 1]], [[b.id, 2]]]);
    // A delivery waits for an announced one (its blob still fsyncing) and they commit together.
    const ticket = batcher.expect();
    const first = batcher.deliver(refs[0]!, [{ accountId: a.id, mailbox: 'INBOX' }]);
    await new Promise((r) => setImmediate(r));
    const second = batcher.deliver(refs[1]!, [{ accountId: b.id, mailbox: 'INBOX' }], {}, ticket);
    await Promise.all([first, second]);
    assert.equal(transactions, 2, 'one more transaction for both');
    // An announced message that never comes does not hold the others for long.
    const lost = batcher.expect();
    await batcher.deliver(refs[2]!, [{ accountId: a.id, mailbox: 'INBOX' }]);
    lost.withdraw();
    // A failing batch rejects every caller in it, and nothing of it is stored.
    await assert.rejects(Promise.all([batcher.deliver(refs[0]!, [{ accountId: a.id, mailbox: 'INBOX' }]), batcher.deliver(refs[0]!, [{ accountId: 999, mailbox: 'INBOX' }])]));
    const mb = await store.getMailbox(a.id, 'INBOX');
    assert.equal((await store.listMessages(mb!.id)).length, 4);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
