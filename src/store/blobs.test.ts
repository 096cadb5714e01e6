import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BlobStore } from './blobs.ts';

const dir = mkdtempSync(join(tmpdir(), 'postern-blobs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a spooled message becomes a blob named by its SHA-256, readable by range', async () => {
  const blobs = new BlobStore(dir);
  await blobs.init();
  const spool = await blobs.createSpool();
  await spool.write(Buffer.from('Subject: hi\r\n\r\n'));
  await spool.write(Buffer.from('body\r\n'));
  assert.equal(spool.size, 21);
  const ref = await spool.commit();
  assert.equal(ref.hash, createHash('sha256').update('Subject: hi\r\n\r\nbody\r\n').digest('hex'));
  assert.equal(ref.size, 21);
  assert.equal((await blobs.read(ref.hash)).toString(), 'Subject: hi\r\n\r\nbody\r\n');
  assert.equal((await blobs.read(ref.hash, 9, 11)).toString(), 'hi');
  assert.equal((await blobs.read(ref.hash, 5, 5)).length, 0);
  assert.deepEqual(readdirSync(blobs.spoolDir), []);
});

test('the same content is stored once', async () => {
  const blobs = new BlobStore(dir);
  const a = await blobs.put(Buffer.from('same'));
  const b = await blobs.put(Buffer.from('same'));
  assert.equal(a.hash, b.hash);
  assert.deepEqual(readdirSync(join(blobs.dir, a.hash.slice(0, 2))).filter((f) => f === a.hash), [a.hash]);
  assert.deepEqual(readdirSync(blobs.spoolDir), []);
});

test('abort leaves nothing behind, and a closed spool refuses writes', async () => {
  const blobs = new BlobStore(dir);
  const spool = await blobs.createSpool();
  await spool.write(Buffer.from('partial'));
  await spool.abort();
  assert.equal(existsSync(spool.path), false);
  await assert.rejects(spool.write(Buffer.from('x')), /closed/);
  await spool.abort();
});

test('hashes are validated before touching the file system', () => {
  const blobs = new BlobStore(dir);
  assert.throws(() => blobs.path('../../etc/passwd'), /not a blob hash/);
});
