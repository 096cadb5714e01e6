import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UidList } from './uid-list.ts';
import { rng } from '../../test/helpers/random.ts';

/** Checks every operation of the list against a plain array. */
function assertSame(list: UidList, model: number[]): void {
  assert.equal(list.length, model.length);
  assert.deepEqual([...list], model);
  assert.deepEqual(list.toArray(), model);
  assert.equal(list.last, model.length ? model[model.length - 1] : 0);
  for (let i = 0; i < model.length; i++) {
    assert.equal(list.at(i), model[i]);
    assert.equal(list.indexOf(model[i]!), i);
  }
  for (const probe of [0, 1, (model[0] ?? 1) - 1, (model.at(-1) ?? 0) + 1, (model.at(-1) ?? 0) + 10]) {
    assert.equal(list.indexOf(probe), model.indexOf(probe));
  }
  assert.deepEqual(list.slice(1, 4), model.slice(1, 4));
}

test('1,000 consecutive UIDs take one run (16 bytes), not 4,000 bytes', () => {
  const uids = Array.from({ length: 1000 }, (_, i) => i + 1);
  const list = new UidList(uids);
  assertSame(list, uids);
  assert.ok(list.byteSize <= 16, `byteSize ${list.byteSize}`);
});

test('push extends the last run or starts a new one; expunges split runs', () => {
  const list = new UidList([1, 2, 3, 7, 8]);
  const model = [1, 2, 3, 7, 8];
  list.push(9); model.push(9);
  list.push(20); model.push(20);
  assertSame(list, model);
  list.removeAt(1); model.splice(1, 1); // split 1..3
  assertSame(list, model);
  list.removeAt(0); model.splice(0, 1); // a run of one disappears
  assertSame(list, model);
  list.removeAt(list.length - 1); model.pop();
  assertSame(list, model);
  list.removeAll(new Set([3, 8])); model.splice(0, model.length, ...model.filter((u) => u !== 3 && u !== 8));
  assertSame(list, model);
});

test('a fragmented mailbox falls back to 4 bytes per UID', () => {
  const uids = Array.from({ length: 500 }, (_, i) => 2 * i + 1);
  const list = new UidList(uids);
  assertSame(list, uids);
  assert.ok(list.byteSize <= 4 * 500 + 64, `byteSize ${list.byteSize}`);
  const grown = new UidList([]);
  for (const u of uids) grown.push(u);
  assertSame(grown, uids);
  assert.ok(grown.byteSize <= 4 * 1000, `byteSize ${grown.byteSize}`);
});

test('an empty list', () => {
  const list = new UidList();
  assertSame(list, []);
  list.removeAt(0);
  assert.equal(list.at(0), undefined);
  list.push(5);
  assertSame(list, [5]);
});

test('random pushes and expunges agree with a plain array (seeded)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const rand = rng(seed);
    const model: number[] = [];
    let next = 1;
    for (let i = 0; i < 30 + Math.floor(rand() * 200); i++) {
      next += rand() < 0.8 ? 0 : Math.floor(rand() * 5);
      model.push(next++);
    }
    const list = new UidList(model);
    for (let step = 0; step < 300; step++) {
      const r = rand();
      if (r < 0.45 || model.length === 0) {
        next += rand() < 0.7 ? 0 : Math.floor(rand() * 4);
        list.push(next);
        model.push(next++);
      } else if (r < 0.95) {
        const i = Math.floor(rand() * model.length);
        list.removeAt(i);
        model.splice(i, 1);
      } else {
        const gone = new Set(model.filter(() => rand() < 0.2));
        list.removeAll(gone);
        model.splice(0, model.length, ...model.filter((u) => !gone.has(u)));
      }
      if (step % 25 === 0) assertSame(list, model);
    }
    assertSame(list, model);
  }
});
