// Durability: once 250 is sent the message is committed (blob fsynced, metadata committed) and
// survives the server going away; a message that was never acknowledged leaves nothing behind.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobStore, SqliteStore } from '../../src/store/index.ts';
import { SmtpWire, startSmtpServer } from './smtp-wire.ts';

test('a message is in the store after 250, and still there after the server stops', async () => {
  const server = await startSmtpServer();
  try {
    const c = await SmtpWire.connect(server.port('mx'));
    await c.reply();
    await c.cmd('EHLO durable.example');
    await c.cmd('MAIL FROM:<d@example.org>');
    await c.cmd('RCPT TO:<alice@example.test>');
    await c.cmd('DATA');
    c.send('Subject: durable\r\n\r\nkeep me\r\n.\r\n');
    const r = await c.reply();
    assert.match(r.text, /^250 2\.0\.0 Ok: queued as /);
    // Straight after the 250 the server goes away.
    c.end();
    await server.stop(1000);
    const store = new SqliteStore({ path: join(server.dataDir, 'postern.db') });
    try {
      const acct = await store.getAccount('alice@example.test');
      const mb = await store.getMailbox(acct!.id, 'INBOX');
      const msgs = await store.listMessages(mb!.id);
      assert.equal(msgs.length, 1);
      const blobs = new BlobStore(server.dataDir);
      const body = await readFile(blobs.path(msgs[0]!.blobHash));
      assert.equal(createHash('sha256').update(body).digest('hex'), msgs[0]!.blobHash, 'the blob file is complete');
      assert.ok(body.toString().endsWith('Subject: durable\r\n\r\nkeep me\r\n'));
      assert.equal(msgs[0]!.structure, null, 'MIME structure is left to the IMAP side');
      assert.deepEqual(await readdir(join(server.dataDir, 'spool')), [], 'no spool file is left');
    } finally {
      await store.close();
    }
  } finally {
    await rm(server.dataDir, { recursive: true, force: true });
  }
});

test('an unacknowledged message (client gone mid-DATA, RSET after BDAT) leaves nothing behind', async () => {
  const server = await startSmtpServer();
  try {
    const c = await SmtpWire.connect(server.port('mx'));
    await c.reply();
    await c.cmd('EHLO gone.example');
    await c.cmd('MAIL FROM:<d@example.org>');
    await c.cmd('RCPT TO:<alice@example.test>');
    await c.cmd('DATA');
    c.send('Subject: half\r\n\r\nhalf a mess');
    c.end();
    const d = await SmtpWire.connect(server.port('mx'));
    await d.reply();
    await d.cmd('EHLO gone.example');
    await d.cmd('MAIL FROM:<d@example.org>');
    await d.cmd('RCPT TO:<alice@example.test>');
    d.send('BDAT 4\r\nabcd');
    assert.equal((await d.reply()).code, 250);
    assert.equal((await d.cmd('RSET')).code, 250);
    assert.equal((await d.cmd('QUIT')).code, 221);
    await d.closed();
    const acct = await server.ctx.store.getAccount('alice@example.test');
    const mb = await server.ctx.store.getMailbox(acct!.id, 'INBOX');
    assert.equal((await server.ctx.store.listMessages(mb!.id)).length, 0);
    assert.equal((await server.ctx.store.listQueue()).length, 0);
    // The aborted spools are removed (the mid-DATA one when its session sees the close; stop waits for it).
    await server.stop(10_000);
    assert.deepEqual(await readdir(join(server.dataDir, 'spool')), []);
  } finally {
    await server.close();
  }
});
