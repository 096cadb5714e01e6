// The in-memory mailbox index of SqliteStore stays exactly what SQLite holds: through the store's
// own writes, a rolled-back transaction, another process's commits, eviction, and mailboxes larger
// than the whole index. Every check compares against a store opened without any index history.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rng } from '../../../test/helpers/random.ts';
import { SqliteStore } from './sqlite-store.ts';
import { MailboxRecords, StoredMessage } from './mailbox-index.ts';

const dir = mkdtempSync(join(tmpdir(), 'postern-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function setup(indexRecords?: number) {
  const path = join(dir, `db${n++}.sqlite`);
  const store = new SqliteStore({ path, indexRecords });
  await store.addDomain('example.test');
  const acct = await store.addAccount({ address: 'a@example.test', passwordHash: null });
  const inbox = await store.createMailbox(acct.id, 'INBOX');
  const other = await store.createMailbox(acct.id, 'Other');
  return { path, store, acct, inbox, other };
}

const blob = (i: number) => ({ hash: i.toString(16).padStart(64, '0'), size: 100 + i });

/** What SQLite holds, read by a fresh connection with an empty index. */
async function truth(path: string, mailboxId: number) {
  const fresh = new SqliteStore({ path });
  try {
    return (await fresh.listMessages(mailboxId)).map((m) => ({ uid: m.uid, modseq: m.modseq, flags: [...m.flags], size: m.size }));
  } finally {
    await fresh.close();
  }
}

async function seen(store: SqliteStore, mailboxId: number) {
  return (await store.listMessages(mailboxId)).map((m) => ({ uid: m.uid, modseq: m.modseq, flags: [...m.flags], size: m.size }));
}

test('a seeded mix of appends, flag changes, expunges, copies and moves keeps the index equal to SQLite', async () => {
  const { path, store, inbox, other } = await setup();
  const rand = rng(7);
  await store.listUids(inbox.id); // load both mailboxes into the index before writing
  await store.listUids(other.id);
  for (let step = 0; step < 300; step++) {
    const uids = await store.listUids(inbox.id);
    const pick = () => uids.filter(() => rand() < 0.2);
    const r = rand();
    if (r < 0.35 || uids.length === 0) await store.appendMessage(inbox.id, { blob: blob(step), flags: rand() < 0.3 ? ['\\Seen'] : [] });
    else if (r < 0.6) await store.updateFlags(inbox.id, pick(), rand() < 0.5 ? 'add' : 'remove', rand() < 0.5 ? ['\\Deleted'] : ['$Label', '\\Flagged']);
    else if (r < 0.7) await store.expungeDeleted(inbox.id);
    else if (r < 0.8) await store.copyMessages(inbox.id, pick(), other.id);
    else if (r < 0.9) await store.moveMessages(inbox.id, pick(), other.id);
    else await store.deliver(blob(1000 + step), [{ accountId: inbox.accountId, mailbox: 'INBOX' }, { accountId: inbox.accountId, mailbox: 'Other' }]);
  }
  assert.deepEqual(await seen(store, inbox.id), await truth(path, inbox.id));
  assert.deepEqual(await seen(store, other.id), await truth(path, other.id));
  const ch = await store.changesSince(inbox.id, 0);
  assert.deepEqual(ch.changed.map((c) => c.uid), await store.listUids(inbox.id));
  await store.close();
});

test('records are immutable: a flag change replaces the record, earlier readers keep theirs', async () => {
  const { store, inbox } = await setup();
  const d = await store.appendMessage(inbox.id, { blob: blob(1) });
  const before = (await store.getMessagesByUid(inbox.id, [d.uid]))[0]!;
  await store.updateFlags(inbox.id, [d.uid], 'add', ['\\Seen']);
  const afterwards = (await store.getMessagesByUid(inbox.id, [d.uid]))[0]!;
  assert.deepEqual(before.flags, []);
  assert.deepEqual(afterwards.flags, ['\\Seen']);
  assert.ok(afterwards.modseq > before.modseq);
  await store.close();
});

test('a rolled-back transaction leaves nothing in the index', async () => {
  const { path, store, inbox, acct } = await setup();
  await store.appendMessage(inbox.id, { blob: blob(1) });
  await store.listUids(inbox.id);
  // The second target's account does not exist: the foreign key fails after the first insert.
  await assert.rejects(store.deliver(blob(2), [{ accountId: acct.id, mailbox: 'INBOX' }, { accountId: acct.id + 99, mailbox: 'INBOX' }]));
  assert.deepEqual(await seen(store, inbox.id), await truth(path, inbox.id));
  assert.equal((await store.listUids(inbox.id)).length, 1);
  await store.close();
});

test('commits by another connection (a CLI command) are seen', async () => {
  const { path, store, inbox } = await setup();
  await store.appendMessage(inbox.id, { blob: blob(1) });
  assert.equal((await store.listUids(inbox.id)).length, 1);
  const cli = new SqliteStore({ path });
  const d = await cli.appendMessage(inbox.id, { blob: blob(2) });
  await cli.updateFlags(inbox.id, [d.uid], 'add', ['\\Flagged']);
  await cli.close();
  assert.deepEqual(await seen(store, inbox.id), await truth(path, inbox.id));
  assert.deepEqual((await store.getMessage(inbox.id, d.uid))?.flags, ['\\Flagged']);
  await store.close();
});

test('a mailbox larger than the whole index is read from SQLite; eviction keeps answers right', async () => {
  const { path, store, inbox, other } = await setup(5);
  for (let i = 0; i < 8; i++) await store.appendMessage(inbox.id, { blob: blob(i) });
  for (let i = 0; i < 3; i++) await store.appendMessage(other.id, { blob: blob(100 + i) });
  await store.updateFlags(inbox.id, [2, 4, 6], 'add', ['\\Seen']);
  assert.deepEqual((await store.getMessagesByUid(inbox.id, [6, 2, 99, 4])).map((m) => m.uid), [2, 4, 6]);
  assert.deepEqual(await seen(store, inbox.id), await truth(path, inbox.id));
  assert.deepEqual(await seen(store, other.id), await truth(path, other.id));
  assert.deepEqual((await store.changesSince(inbox.id, 0)).changed.length, 8);
  await store.close();
});

test('MailboxRecords.pick walks dense and sparse requests alike', () => {
  const list = Array.from({ length: 500 }, (_, i) => new StoredMessage({
    id: i, mailboxId: 1, uid: 3 * i + 1, modseq: 1, blobHash: '', prefix: new Uint8Array(0), size: 0, internalDate: new Date(0), flags: [],
  }, () => null));
  const recs = new MailboxRecords(list);
  const all = list.map((m) => m.uid);
  const rand = rng(3);
  for (let k = 0; k < 50; k++) {
    const want = Array.from({ length: 1 + Math.floor(rand() * 300) }, () => Math.floor(rand() * 1600)).sort((a, b) => a - b);
    const uniq = [...new Set(want)];
    assert.deepEqual(recs.pick(uniq).map((m) => m.uid), uniq.filter((u) => all.includes(u)));
  }
});

test('concurrent commits share WAL syncs and every one of them resolves once durable', async () => {
  const { path, store, inbox } = await setup();
  const done = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendMessage(inbox.id, { blob: blob(i) })));
  assert.deepEqual(done.map((d) => d.uid), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal((await truth(path, inbox.id)).length, 50);
  await store.close();
});
