import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { latestVersion, migrations } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

test('an existing database at version 1 is migrated forward without losing accounts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-mig-'));
  try {
    const path = join(dir, 'old.db');
    // Build a database as the first release left it: version 1 schema and data.
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);');
    old.exec(migrations[0]!.sql);
    old.exec("INSERT INTO domains (name, created_at) VALUES ('example.test', 0)");
    old.exec("INSERT INTO accounts (address, domain_id, password_hash, created_at) VALUES ('old@example.test', 1, '$argon2id$old', 0)");
    old.close();

    const s = new SqliteStore({ path });
    assert.equal(s.schemaVersion(), latestVersion);
    const a = await s.getAccount('old@example.test');
    assert.equal(a?.passwordHash, '$argon2id$old');
    // The tables of later migrations work.
    const mb = await s.createMailbox(a!.id, 'INBOX');
    assert.equal(mb.uidNext, 1);
    await s.close();

    // Opening again is a no-op.
    const again = new SqliteStore({ path });
    assert.equal(again.schemaVersion(), latestVersion);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a database from a newer Postern is refused, not modified', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-mig-'));
  try {
    const path = join(dir, 'new.db');
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (${latestVersion + 1});`);
    db.close();
    assert.throws(() => new SqliteStore({ path }), /newer than this Postern/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrations are numbered 1, 2, 3… without gaps', () => {
  migrations.forEach((m, i) => assert.equal(m.version, i + 1));
});

test('version 6 turns the subscribed column into subscriptions by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-mig-'));
  try {
    const path = join(dir, 'v5.db');
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (5);');
    for (const m of migrations.filter((x) => x.version <= 5)) old.exec(m.sql);
    old.exec("INSERT INTO domains (name, created_at) VALUES ('example.test', 0)");
    old.exec("INSERT INTO accounts (address, domain_id, password_hash, created_at) VALUES ('old@example.test', 1, NULL, 0)");
    old.exec("INSERT INTO mailboxes (account_id, name, uidvalidity, subscribed) VALUES (1, 'INBOX', 1, 1), (1, 'Hidden', 2, 0), (1, 'Work', 3, 1)");
    old.close();

    const s = new SqliteStore({ path });
    assert.equal(s.schemaVersion(), latestVersion);
    assert.deepEqual(await s.listSubscriptions(1), ['INBOX', 'Work']);
    assert.deepEqual((await s.listMailboxes(1)).map((m) => [m.name, m.subscribed]), [['Hidden', false], ['INBOX', true], ['Work', true]]);
    await s.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
