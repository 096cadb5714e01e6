import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePath } from './address.ts';

const ok = (input: string, role: 'mail' | 'rcpt' = 'rcpt', utf8 = false) => {
  const r = parsePath(input, role, utf8);
  assert.ok(r.ok, `${input}: ${r.ok ? '' : r.text}`);
  return r;
};
const no = (input: string, code: number, role: 'mail' | 'rcpt' = 'rcpt', utf8 = false) => {
  const r = parsePath(input, role, utf8);
  assert.ok(!r.ok, `${JSON.stringify(input)} should be refused, got ${JSON.stringify(r)}`);
  assert.equal(r.code, code, `${JSON.stringify(input)}: ${r.text}`);
};

test('ordinary paths parse; the domain is lower-cased, the local part kept', () => {
  const r = ok('<John.Doe@Example.COM> NOTIFY=NEVER');
  assert.deepEqual(r.ok && [r.mailbox, r.rest], [{ local: 'John.Doe', domain: 'example.com', address: 'John.Doe@example.com', utf8: false }, ' NOTIFY=NEVER']);
  assert.equal(ok('<>', 'mail').ok && ok('<>', 'mail').mailbox, null);
  assert.equal(ok('<"john"@example.com>').ok && ok('<"john"@example.com>').mailbox?.address, 'john@example.com');
  assert.equal(ok('<"john smith"@example.com>').ok && ok('<"john smith"@example.com>').mailbox?.address, '"john smith"@example.com');
  assert.equal(ok('<Postmaster>').ok && ok('<Postmaster>').postmaster, true);
  assert.equal(ok('<user+tag@example.com>').ok && ok('<user+tag@example.com>').mailbox?.local, 'user+tag');
});

test('relay tricks in RCPT are refused, never rewritten (553)', () => {
  for (const a of [
    '<user%other.example@example.test>', // %-hack
    '<other.example!user@example.test>', // bang path
    '<@relay.example:user@other.example>', // source route
    '<@a.example,@b.example:user@c.example>',
    '<"user@other.example"@example.test>', // quoted local part with @
    '<"user%other.example"@example.test>',
    '<"other!user"@example.test>',
    '<"user\\@other.example"@example.test>',
    '<user@[192.0.2.1]>', // IP literal
    '<user@[IPv6:2001:db8::1]>',
    '<user＠other.example@example.test>', // fullwidth commercial at
    '<user％other.example@example.test>', // fullwidth percent
    '<other！user@example.test>', // fullwidth exclamation
    '<user\u2024other@example.test>', // one dot leader
    '<user@example\uff20other.test>',
  ]) no(a, 553);
});

test('syntax errors are refused (501): whitespace, trailing dots, bad labels, controls, missing brackets', () => {
  for (const a of [
    'user@example.test', '<user@example.test', '< user@example.test>', '<user @example.test>', '<user@ example.test>', '<user@example.test >',
    '<user@example.test.>', '<user@.example.test>', '<user@example..test>', '<.user@example.test>', '<user.@example.test>', '<us..er@example.test>',
    '<user@-example.test>', '<user@example-.test>', '<user@exa_mple.test>', '<user@exa%6dple.test>', '<user@example.test%2e>',
    '<user\tx@example.test>', '<user@example.test\u0000>', '<user>', '<@example.test>', '<user@>', '<"unterminated@example.test>',
    '<user@[999.1.1.1]>', '<user@[1.2.3]>', '<user@[IPv6:zz::1]>', '<a@b@c.example>', '<user@exa mple.test>',
    `<${'a'.repeat(65)}@example.test>`, `<user@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test>`,
    '<@bad_route:user@example.test>',
  ]) no(a, 501);
  no('<>', 501, 'rcpt');
});

test('non-ASCII addresses need SMTPUTF8 (553 5.6.7); IDNs become A-labels; lookalike dots are refused', () => {
  const r = parsePath('<jöran@example.test>', 'rcpt', false);
  assert.ok(!r.ok && r.code === 553 && r.enhanced === '5.6.7');
  assert.equal(ok('<jöran@exämple.test>', 'rcpt', true).ok && ok('<jöran@exämple.test>', 'rcpt', true).mailbox?.domain, 'xn--exmple-cua.test');
  no('<user@example\u3002test>', 501, 'rcpt', true); // ideographic full stop
  no('<user@example\uff0etest>', 501, 'rcpt', true); // fullwidth full stop
  no('<user@example.test\u200b>', 553, 'rcpt', true); // zero-width space
  no('<us\u00a0er@example.test>', 553, 'rcpt', true); // no-break space
  // An encoded word is not decoded: it is just an unusual local part.
  assert.equal(ok('<=?utf-8?q?user=40other.example?=@example.test>').ok, true);
});

test('reverse paths are more forgiving: % and ! are someone else\'s business, source routes are dropped', () => {
  assert.equal(ok('<bounce%list@example.org>', 'mail').ok, true);
  const r = ok('<@relay.example:user@example.org>', 'mail');
  assert.equal(r.ok && r.mailbox?.address, 'user@example.org');
  assert.equal(ok('<user@[192.0.2.1]>', 'mail').ok && ok('<user@[192.0.2.1]>', 'mail').mailbox?.domain, '[192.0.2.1]');
  no('<user@example.org.>', 501, 'mail');
});
