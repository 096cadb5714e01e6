// Two sessions on one mailbox: IDLE learns of appends, flag changes and expunges made by another
// session and by SMTP-style delivery; sequence numbers never shift under a client mid-command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { login, startImapServer, type ImapTestServer, type RawImap } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(async () => {
  await srv.server.close();
});

async function appendRaw(c: RawImap, tag: string, mailbox: string, body: string): Promise<void> {
  const r = await c.cmd(tag, `APPEND ${mailbox} {${Buffer.byteLength(body)}+}\r\n${body}`);
  assert.match(r.at(-1)!, new RegExp(`^${tag} OK`));
}

/** Reads lines until one matches. */
async function waitFor(c: RawImap, re: RegExp): Promise<string[]> {
  const seen: string[] = [];
  for (;;) {
    const l = await c.line();
    seen.push(l);
    if (re.test(l)) return seen;
  }
}

test('IDLE sees appends, flag changes and expunges from another session and from delivery', async () => {
  const a = await login(srv.port);
  const b = await login(srv.port);
  await a.cmd('c1', 'CREATE Shared');
  await appendRaw(a, 'a0', 'Shared', 'Subject: one\r\n\r\nbody\r\n');
  const sel = await b.cmd('s1', 'SELECT Shared');
  assert.ok(sel.includes('* 1 EXISTS'));
  b.send('i1 IDLE\r\n');
  assert.match(await b.line(), /^\+ /);

  await appendRaw(a, 'a1', 'Shared', 'Subject: two\r\n\r\nbody\r\n');
  assert.equal((await waitFor(b, /EXISTS/)).at(-1), '* 2 EXISTS');

  await a.cmd('a2', 'SELECT Shared');
  await a.cmd('a3', 'STORE 1 +FLAGS (\\Flagged)');
  assert.equal((await waitFor(b, /FETCH/)).at(-1), '* 1 FETCH (FLAGS (\\Flagged \\Recent))');

  await a.cmd('a4', 'STORE 1 +FLAGS (\\Deleted)');
  await a.cmd('a5', 'EXPUNGE');
  const lines = await waitFor(b, /EXPUNGE/);
  assert.equal(lines.at(-1), '* 1 EXPUNGE');

  // Delivery through the store (what the SMTP pipeline does) reaches IDLE too.
  const ctx = srv.server.ctx;
  const acct = await ctx.store.getAccount('alice@example.test');
  const blob = await ctx.blobs.put(Buffer.from('Subject: delivered\r\n\r\nhi\r\n'));
  await ctx.store.deliver(blob, [{ accountId: acct!.id, mailbox: 'Shared' }]);
  assert.equal((await waitFor(b, /EXISTS/)).at(-1), '* 2 EXISTS');

  b.send('DONE\r\n');
  assert.match((await b.until('i1')).at(-1)!, /^i1 OK/);
  a.close();
  b.close();
});

test('no EXPUNGE during FETCH, STORE or SEARCH; sequence numbers hold until a sync point', async () => {
  const a = await login(srv.port);
  const b = await login(srv.port);
  await a.cmd('c1', 'CREATE Seq');
  for (let i = 1; i <= 3; i++) await appendRaw(a, `a${i}`, 'Seq', `Subject: m${i}\r\n\r\nbody\r\n`);
  await a.cmd('s', 'SELECT Seq');
  await b.cmd('s', 'SELECT Seq');
  await a.cmd('d1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.cmd('d2', 'EXPUNGE');

  // b still sees three messages: FETCH 3 is message 3, and no EXPUNGE arrives with it.
  const f = await b.cmd('f', 'FETCH 3 (UID)');
  assert.ok(f.includes('* 3 FETCH (UID 3)'), f.join('\n'));
  assert.ok(!f.some((l) => /EXPUNGE/.test(l)), f.join('\n'));
  const st = await b.cmd('g', 'STORE 2 +FLAGS (\\Seen)');
  assert.ok(!st.some((l) => /EXPUNGE/.test(l)), st.join('\n'));
  const se = await b.cmd('h', 'SEARCH ALL');
  // The expunged message no longer matches, but 2 and 3 still number the same messages.
  assert.ok(se.includes('* SEARCH 2 3'), se.join('\n'));
  // NOOP is a sync point: the expunge is announced, and numbers shift only now.
  const n = await b.cmd('i', 'NOOP');
  assert.ok(n.includes('* 1 EXPUNGE'), n.join('\n'));
  const f2 = await b.cmd('j', 'FETCH 2 (UID)');
  assert.ok(f2.includes('* 2 FETCH (UID 3)'), f2.join('\n'));
  // UID commands may announce expunges at their end.
  await a.cmd('k1', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
  await a.cmd('k2', 'EXPUNGE');
  const u = await b.cmd('l', 'UID FETCH 1:* (FLAGS)');
  assert.ok(u.includes('* 1 EXPUNGE'), u.join('\n'));
  a.close();
  b.close();
});

test('per-account session limit answers NO [LIMIT]', async () => {
  const s2 = await startImapServer({ config: { imap: { max_connections_per_account: 1 } } });
  try {
    const a = await login(s2.port);
    const { RawImap } = await import('./imap-client.ts');
    const b = await RawImap.open(s2.port);
    await b.line();
    assert.match((await b.cmd('x', 'LOGIN alice@example.test secret-alice')).at(-1)!, /^x NO \[LIMIT\]/);
    a.close();
    b.close();
  } finally {
    await s2.server.close();
  }
});
