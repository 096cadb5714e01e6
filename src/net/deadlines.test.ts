import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadlines, type Expiring } from './deadlines.ts';

function entry(deadline: number, log: string[], name: string): Expiring & { firedAt?: number } {
  const e: Expiring & { firedAt?: number } = {
    deadline,
    expire() {
      e.firedAt = Date.now();
      log.push(name);
    },
  };
  return e;
}

test('entries expire once, never before their deadline, earliest first', async () => {
  const d = new Deadlines();
  const log: string[] = [];
  const now = Date.now();
  const late = entry(now + 60, log, 'late');
  const early = entry(now + 20, log, 'early');
  d.add(late);
  d.add(early);
  assert.equal(d.size, 2);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (log.length === 2) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  assert.deepEqual(log, ['early', 'late']);
  assert.ok(early.firedAt! >= early.deadline && late.firedAt! >= late.deadline);
  assert.equal(d.size, 0);
});

test('a deleted entry does not expire; a re-added one uses its new deadline', async () => {
  const d = new Deadlines();
  const log: string[] = [];
  const now = Date.now();
  const gone = entry(now + 10, log, 'gone');
  const moved = entry(now + 10, log, 'moved');
  const marker = entry(now + 40, log, 'marker');
  d.add(gone);
  d.add(moved);
  d.add(marker);
  d.delete(gone);
  moved.deadline = now + 80;
  d.add(moved);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (log.includes('moved')) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  assert.deepEqual(log, ['marker', 'moved']);
  assert.ok(moved.firedAt! >= now + 80);
});

test('10,000 entries share one timer and all expire', async () => {
  const d = new Deadlines();
  const log: string[] = [];
  const now = Date.now();
  for (let i = 0; i < 10_000; i++) d.add(entry(now + 5 + (i % 50), log, 'x'));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (log.length === 10_000) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  assert.equal(d.size, 0);
});
