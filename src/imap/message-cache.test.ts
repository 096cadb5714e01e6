import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MimePart } from '../mime/index.ts';
import { MessageCache } from './message-cache.ts';

const part = (n: number) => ({ start: 0, bodyStart: n }) as unknown as MimePart;

test('structures are keyed by blob and prefix, and evicted least recently used first', () => {
  const c = new MessageCache({ maxStructures: 2, maxHeaderBytes: 100 });
  const k1 = MessageCache.key('h1', Buffer.from('Delivered-To: a@x\r\n'));
  const k2 = MessageCache.key('h1', Buffer.from('Delivered-To: b@x\r\n'));
  assert.notEqual(k1, k2, 'copies with different prefixes of the same length are different entries');
  c.setStructure(k1, part(1));
  c.setStructure(k2, part(2));
  assert.equal(c.structure(k1)?.bodyStart, 1); // k1 is now the most recent
  c.setStructure('h3', part(3));
  assert.equal(c.structure(k2), undefined);
  assert.equal(c.structure(k1)?.bodyStart, 1);
  assert.equal(c.structure('h3')?.bodyStart, 3);
});

test('header blocks are bounded by bytes', () => {
  const c = new MessageCache({ maxStructures: 10, maxHeaderBytes: 100 });
  c.setHeader('a', Buffer.alloc(60));
  c.setHeader('b', Buffer.alloc(30));
  c.setHeader('c', Buffer.alloc(30));
  assert.equal(c.header('a'), undefined);
  assert.equal(c.header('b')?.length, 30);
  assert.equal(c.stats().headerBytes, 60);
  c.setHeader('huge', Buffer.alloc(101));
  assert.equal(c.header('huge'), undefined, 'an entry larger than the whole cache is not kept');
});
