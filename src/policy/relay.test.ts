import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockListOf } from './access.ts';
import { decideRelay } from './relay.ts';
import { checkSenderLogin } from './sender.ts';

const rules = { mynetworks: blockListOf(['192.0.2.0/24', '2001:db8::/32']), relayDomains: ['backup.example'] };
const facts = (over: Partial<Parameters<typeof decideRelay>[0]>) => ({ resolution: 'not-local' as const, recipientDomain: 'remote.example', authenticated: false, clientIp: '198.51.100.1', ...over });

test('never an open relay: a stranger cannot send to a remote domain', () => {
  assert.equal(decideRelay(facts({}), rules).kind, 'deny');
  assert.equal(decideRelay(facts({}), { mynetworks: null, relayDomains: [] }).kind, 'deny');
});

test('local recipients are accepted from anyone; unknown local users are refused', () => {
  assert.deepEqual(decideRelay(facts({ resolution: 'local' }), rules), { kind: 'local' });
  assert.equal(decideRelay(facts({ resolution: 'unknown', authenticated: true }), rules).kind, 'unknown-user');
});

test('relaying is allowed for authenticated clients, mynetworks (v4, v6, v4-mapped) and relay_domains', () => {
  assert.deepEqual(decideRelay(facts({ authenticated: true }), rules), { kind: 'relay', reason: 'authenticated' });
  assert.deepEqual(decideRelay(facts({ clientIp: '192.0.2.9' }), rules), { kind: 'relay', reason: 'mynetworks' });
  assert.deepEqual(decideRelay(facts({ clientIp: '::ffff:192.0.2.9' }), rules), { kind: 'relay', reason: 'mynetworks' });
  assert.deepEqual(decideRelay(facts({ clientIp: '2001:db8::5' }), rules), { kind: 'relay', reason: 'mynetworks' });
  assert.deepEqual(decideRelay(facts({ recipientDomain: 'backup.example' }), rules), { kind: 'relay', reason: 'relay-domain' });
  assert.equal(decideRelay(facts({ recipientDomain: 'sub.backup.example' }), rules).kind, 'deny');
});

test('sender login mismatch', () => {
  const f = { accountId: 7, accountAddress: 'alice@example.test', sender: 'alice@example.test', senderOwners: [7] };
  const r = { rejectSenderLoginMismatch: true };
  assert.equal(checkSenderLogin(f, r).kind, 'accept');
  assert.equal(checkSenderLogin({ ...f, sender: 'bob@example.test', senderOwners: [8] }, r).kind, 'reject');
  assert.equal(checkSenderLogin({ ...f, sender: 'someone@else.example', senderOwners: [] }, r).kind, 'reject');
  assert.equal(checkSenderLogin({ ...f, sender: 'sales@example.test', senderOwners: [8, 7] }, r).kind, 'accept');
  assert.equal(checkSenderLogin({ ...f, sender: '', senderOwners: [] }, r).kind, 'accept');
  assert.equal(checkSenderLogin({ ...f, sender: 'bob@example.test', senderOwners: [8] }, { rejectSenderLoginMismatch: false }).kind, 'accept');
  assert.equal(checkSenderLogin({ ...f, accountId: null, accountAddress: null, sender: 'bob@example.test', senderOwners: [8] }, r).kind, 'accept');
});
