import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockListOf, checkAccess, clientGroup, normalizeIp, type AccessRules } from './access.ts';

const rules = (over: Partial<AccessRules> = {}): AccessRules => ({
  allow: null, deny: null, maxConnections: 10, maxConnectionsPerIp: 3, connectionRatePerIp: 5, ...over,
});
const facts = (ip: string, over = {}) => ({ ip, open: 0, openFromIp: 0, recentFromIp: 0, ...over });

test('deny wins over allow, for IPv4 and IPv6', () => {
  const r = rules({ allow: blockListOf(['192.0.2.0/24', '2001:db8::/32']), deny: blockListOf(['192.0.2.66', '2001:db8:bad::/48']) });
  assert.equal(checkAccess(facts('192.0.2.1'), r).kind, 'accept');
  assert.deepEqual(checkAccess(facts('192.0.2.66'), r), { kind: 'refuse', reason: 'denied', detail: '192.0.2.66 matches a deny rule' });
  assert.equal(checkAccess(facts('198.51.100.1'), r).kind, 'refuse');
  assert.equal(checkAccess(facts('2001:db8:1::5'), r).kind, 'accept');
  assert.equal(checkAccess(facts('2001:db8:bad::5'), r).kind, 'refuse');
});

test('IPv4-mapped IPv6 addresses match IPv4 rules', () => {
  const r = rules({ deny: blockListOf(['203.0.113.0/24']) });
  assert.equal(normalizeIp('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(checkAccess(facts('::ffff:203.0.113.9'), r).kind, 'refuse');
});

test('connection limits: total, per address, per minute', () => {
  assert.equal((checkAccess(facts('192.0.2.1', { open: 10 }), rules()) as { reason: string }).reason, 'too-many-connections');
  assert.equal((checkAccess(facts('192.0.2.1', { openFromIp: 3 }), rules()) as { reason: string }).reason, 'too-many-from-ip');
  assert.equal((checkAccess(facts('192.0.2.1', { recentFromIp: 5 }), rules()) as { reason: string }).reason, 'rate-limited');
  assert.equal(checkAccess(facts('192.0.2.1', { recentFromIp: 500 }), rules({ connectionRatePerIp: 0 })).kind, 'accept');
});

test('IPv6 clients are grouped by /64', () => {
  assert.equal(clientGroup('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
  assert.equal(clientGroup('2001:db8:1:2::ffff'), '2001:db8:1:2::/64');
  assert.equal(clientGroup('::1'), '0:0:0:0::/64');
  assert.equal(clientGroup('192.0.2.7'), '192.0.2.7');
});
