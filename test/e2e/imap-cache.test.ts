// The shared message cache (structures and header blocks) must never hand one copy's per-recipient
// header (Delivered-To) to another: two accounts receive the same blob with prefixes of equal length.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { login, startImapServer } from './imap-client.ts';

test('copies of one blob keep their own prefix through the cache (FETCH HEADER, SEARCH HEADER)', async () => {
  const { server, port } = await startImapServer();
  try {
    const ctx = server.ctx;
    const blob = await ctx.blobs.put(Buffer.from('From: x@remote.example\r\nSubject: shared\r\n\r\nbody\r\n'));
    const alice = (await ctx.store.getAccount('alice@example.test'))!;
    const bob = (await ctx.store.getAccount('bob@example.test'))!;
    const prefix = (who: string) => Buffer.from(`Delivered-To: ${who}@example.test\r\n`); // both 35 bytes
    await ctx.store.deliver(blob, [
      { accountId: alice.id, mailbox: 'INBOX', prefix: prefix('alice') },
      { accountId: bob.id, mailbox: 'INBOX', prefix: prefix('bob00') },
    ]);
    for (const [user, pass, own, other] of [['alice@example.test', 'secret-alice', 'alice', 'bob00'], ['bob@example.test', 'secret-bob', 'bob00', 'alice']] as const) {
      const c = await login(port, user, pass);
      await c.cmd('S', 'SELECT INBOX');
      for (let round = 0; round < 2; round++) { // the second round is served from the cache
        const header = (await c.cmd('F', 'FETCH 1 (BODY.PEEK[HEADER])')).join('\n');
        assert.match(header, new RegExp(`Delivered-To: ${own}@example\\.test`));
        assert.doesNotMatch(header, new RegExp(other));
        const fields = (await c.cmd('G', 'FETCH 1 (BODY.PEEK[HEADER.FIELDS (DELIVERED-TO SUBJECT)])')).join('\n');
        assert.match(fields, new RegExp(`Delivered-To: ${own}@example\\.test\r?\nSubject: shared`));
        assert.deepEqual((await c.cmd('H', `SEARCH HEADER Delivered-To ${own}`))[0], '* SEARCH 1');
        assert.deepEqual((await c.cmd('I', `SEARCH HEADER Delivered-To ${other}`))[0], '* SEARCH');
      }
      c.close();
    }
  } finally {
    await server.close();
  }
});
