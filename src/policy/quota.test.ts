import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkQuota } from './quota.ts';

test('accounts without a quota always take mail', () => {
  assert.deepEqual(checkQuota({ usedBytes: 10 ** 12, quotaBytes: null, declaredBytes: 10 ** 9 }), { kind: 'ok' });
});

test('a full account, or one the declared size would overfill, is refused', () => {
  assert.equal(checkQuota({ usedBytes: 1000, quotaBytes: 1000, declaredBytes: null }).kind, 'full');
  assert.equal(checkQuota({ usedBytes: 900, quotaBytes: 1000, declaredBytes: 200 }).kind, 'full');
  assert.equal(checkQuota({ usedBytes: 900, quotaBytes: 1000, declaredBytes: 100 }).kind, 'ok');
  assert.equal(checkQuota({ usedBytes: 900, quotaBytes: 1000, declaredBytes: null }).kind, 'ok');
});
