// Session timers (autologout, IDLE timeout, IDLE's periodic check for changes made by another
// process) with short configured durations: each ends as RFC 9051 §5.4 / RFC 2177 say.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/index.ts';
import { databaseFile } from '../../src/server.ts';
import { login, RawImap, startImapServer, type ImapTestServer } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer({
    listener: { limits: { imap_preauth_timeout: '300ms', imap_auth_timeout: '400ms', imap_idle_timeout: '600ms' } },
    config: { imap: { idle_check_interval: '100ms' } },
  });
});
after(async () => {
  await srv.server.close();
});

async function rest(c: RawImap): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    try {
      out.push(await c.line());
    } catch {
      return out;
    }
  }
}

test('a connection that does not log in is closed with BYE after imap_preauth_timeout', async () => {
  const c = await RawImap.open(srv.port);
  assert.match(await c.line(), /^\* OK/);
  assert.deepEqual(await rest(c), ['* BYE Autologout; idle for too long']);
});

test('a logged-in connection that sends nothing is closed after imap_auth_timeout', async () => {
  const c = await login(srv.port);
  assert.deepEqual(await rest(c), ['* BYE Autologout; idle for too long']);
});

test('IDLE ends with BYE after imap_idle_timeout; the periodic checks in between send nothing when nothing changed', async () => {
  const c = await login(srv.port);
  await c.cmd('s', 'SELECT INBOX');
  c.send('i IDLE\r\n');
  assert.match(await c.line(), /^\+ /);
  assert.deepEqual(await rest(c), ['* BYE IDLE timed out']);
});

test('IDLE sees a message another process appended (the periodic check), then DONE ends it', async () => {
  const c = await login(srv.port, 'bob@example.test', 'secret-bob');
  await c.cmd('s', 'SELECT INBOX');
  c.send('i IDLE\r\n');
  assert.match(await c.line(), /^\+ /);
  // Another process: its own store on the same database file, so no change feed reaches the server.
  const other = new SqliteStore({ path: join(srv.server.dataDir, databaseFile) });
  try {
    const acct = await other.getAccount('bob@example.test');
    const inbox = await other.getMailbox(acct!.id, 'INBOX');
    const blob = await srv.server.ctx.blobs.put(Buffer.from('Subject: from elsewhere\r\n\r\nhi\r\n'));
    await other.deliver(blob, [{ accountId: acct!.id, mailbox: inbox!.name }]);
  } finally {
    await other.close();
  }
  assert.equal(await c.line(), '* 1 EXISTS');
  c.send('DONE\r\n');
  const end = await c.until('i');
  assert.match(end.at(-1)!, /^i OK/);
  c.close();
});
