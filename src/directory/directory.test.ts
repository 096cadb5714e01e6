import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqliteStore } from '../store/index.ts';
import { Directory, defaultMailboxes } from './directory.ts';

async function setup() {
  const store = new SqliteStore({ path: ':memory:' });
  const dir = new Directory(store, { argon2: { memoryKiB: 1024, passes: 1, parallelism: 1 } });
  await store.addDomain('example.test');
  await store.addDomain('other.test');
  const alice = await dir.createUser('alice@example.test', 'correct horse');
  const bob = await dir.createUser('bob@example.test', null);
  return { store, dir, alice, bob };
}

test('new accounts get the default mailboxes with their special use', async () => {
  const { store, alice } = await setup();
  const boxes = await store.listMailboxes(alice.id);
  assert.deepEqual(boxes.map((b) => [b.name, b.specialUse]).sort(), defaultMailboxes.map((b) => [b.name, b.specialUse]).sort());
  assert.match(alice.passwordHash ?? '', /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
});

test('resolves accounts case-insensitively and with plus-addressing', async () => {
  const { dir, alice } = await setup();
  assert.deepEqual(await dir.resolve('ALICE@Example.Test'), { kind: 'deliver', local: [{ accountId: alice.id, address: 'alice@example.test', detail: null }], remote: [] });
  assert.deepEqual(await dir.resolve('alice+lists@example.test'), { kind: 'deliver', local: [{ accountId: alice.id, address: 'alice@example.test', detail: 'lists' }], remote: [] });
  assert.deepEqual(await dir.resolve('nobody@example.test'), { kind: 'unknown' });
  assert.deepEqual(await dir.resolve('alice@elsewhere.test'), { kind: 'not-local' });
});

test('aliases expand to local and remote targets, collapse duplicates and survive loops', async () => {
  const { store, dir, alice, bob } = await setup();
  await store.addAlias('team@example.test', ['alice@example.test', 'bob@example.test', 'all@example.test', 'ext@remote.test']);
  await store.addAlias('all@example.test', ['alice@example.test', 'team@example.test', 'EXT@remote.test']);
  const r = await dir.resolve('team@example.test');
  assert.equal(r.kind, 'deliver');
  if (r.kind !== 'deliver') return;
  assert.deepEqual(r.local.map((l) => l.accountId).sort(), [alice.id, bob.id].sort());
  assert.deepEqual(r.remote.map((x) => x.toLowerCase()), ['ext@remote.test'], 'the same remote address in two cases is one recipient');
});

test('the catch-all takes what nothing else matches, but accounts win', async () => {
  const { store, dir, alice, bob } = await setup();
  await store.addAlias('@example.test', ['bob@example.test']);
  const r = await dir.resolve('random@example.test');
  assert.deepEqual(r, { kind: 'deliver', local: [{ accountId: bob.id, address: 'bob@example.test', detail: null }], remote: [] });
  const a = await dir.resolve('alice@example.test');
  assert.equal(a.kind === 'deliver' && a.local[0]!.accountId, alice.id);
  assert.deepEqual(await dir.resolve('x@other.test'), { kind: 'unknown' });
});

test('accounts cannot contain the recipient delimiter', async () => {
  const { dir } = await setup();
  await assert.rejects(dir.createUser('a+b@example.test', 'pw-long-enough'), /recipient delimiter/);
});
