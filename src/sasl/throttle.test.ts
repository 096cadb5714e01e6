import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthThrottle, ipKey } from './throttle.ts';

const settings = { failureWindowMs: 60_000, delayAfterFailures: 2, delayBaseMs: 100, delayMaxMs: 350, ipBlockAfter: 4, accountBlockAfter: 0, blockDurationMs: 30_000, maxTracked: 100 };

test('IPv6 clients are counted per /64; IPv4-mapped addresses as IPv4', () => {
  assert.equal(ipKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(ipKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
  assert.equal(ipKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(ipKey('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(ipKey('192.0.2.1'), '192.0.2.1');
});

test('delays grow after the free failures and are capped; blocks start and expire with the clock', () => {
  let t = 0;
  const th = new AuthThrottle(settings, () => t);
  const delays = [1, 2, 3].map(() => th.recordFailure('192.0.2.1', undefined).delayMs);
  assert.deepEqual(delays, [0, 0, 100]);
  const fourth = th.recordFailure('192.0.2.1', undefined);
  assert.equal(fourth.delayMs, 200);
  assert.deepEqual(fourth.newlyBlocked, ['ip']);
  assert.equal(th.check('192.0.2.1').blocked, true);
  assert.equal(th.check('192.0.2.2').blocked, false);
  t += 30_001;
  assert.equal(th.check('192.0.2.1').blocked, false);
  // Old failures leave the window.
  t += 60_000;
  assert.equal(th.recordFailure('192.0.2.1', undefined).ipFailures, 1);
  for (let i = 0; i < 10; i++) th.recordFailure('192.0.2.3', undefined);
  assert.equal(th.recordFailure('192.0.2.3', undefined).delayMs, 350, 'capped at delay_max');
});

test('memory is bounded: the least recently failed entries are forgotten first', () => {
  const th = new AuthThrottle({ ...settings, maxTracked: 100 }, () => 0);
  for (let i = 0; i < 1000; i++) th.recordFailure(`10.0.${i >> 8}.${i & 255}`, `user${i}@example.test`);
  assert.deepEqual(th.tracked, { ips: 100, accounts: 100 });
});

test('success resets the account counter only', () => {
  const th = new AuthThrottle({ ...settings, accountBlockAfter: 3, ipBlockAfter: 0 }, () => 0);
  th.recordFailure('192.0.2.1', 'A@example.test');
  th.recordFailure('192.0.2.2', 'a@example.test');
  th.recordSuccess('a@example.test');
  assert.equal(th.recordFailure('192.0.2.3', 'a@example.test').accountFailures, 1);
  assert.equal(th.recordFailure('192.0.2.1', 'b@example.test').ipFailures, 2, 'IP counter kept');
});
