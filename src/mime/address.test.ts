import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressList } from './index.ts';

test('name-addr and addr-spec forms (RFC 5322 §3.4)', () => {
  assert.deepEqual(parseAddressList('John Doe <john@example.com>, mary@example.net'), [
    { name: 'John Doe', mailbox: 'john', host: 'example.com' },
    { name: null, mailbox: 'mary', host: 'example.net' },
  ]);
});

test('quoted display names keep commas and lose their quotes and escapes', () => {
  assert.deepEqual(parseAddressList('"Doe, John \\"JD\\"" <john@example.com>'), [{ name: 'Doe, John "JD"', mailbox: 'john', host: 'example.com' }]);
});

test('groups, empty groups and members', () => {
  assert.deepEqual(parseAddressList('Team: a@x.org, B <b@y.org>;, c@z.org'), [
    { name: 'Team', mailbox: null, host: null, group: [{ name: null, mailbox: 'a', host: 'x.org' }, { name: 'B', mailbox: 'b', host: 'y.org' }] },
    { name: null, mailbox: 'c', host: 'z.org' },
  ]);
  assert.deepEqual(parseAddressList('undisclosed-recipients:;'), [{ name: 'undisclosed-recipients', mailbox: null, host: null, group: [] }]);
});

test('obsolete syntax: comments as names, routes, white space around dots and @ (RFC 5322 §4.4)', () => {
  assert.deepEqual(parseAddressList('john@example.com (John Doe)'), [{ name: 'John Doe', mailbox: 'john', host: 'example.com' }]);
  assert.deepEqual(parseAddressList('<@relay1,@relay2:joe@example.org>'), [{ name: null, mailbox: 'joe', host: 'example.org', route: '@relay1,@relay2' }]);
  assert.deepEqual(parseAddressList('joe . bloggs @ example . org'), [{ name: null, mailbox: 'joe.bloggs', host: 'example.org' }]);
  assert.deepEqual(parseAddressList('John Q. Public <jqp@x.org>'), [{ name: 'John Q. Public', mailbox: 'jqp', host: 'x.org' }]);
});

test('quoted local parts and domain literals', () => {
  assert.deepEqual(parseAddressList('"john doe"@example.com, a@[192.0.2.1]'), [
    { name: null, mailbox: 'john doe', host: 'example.com' },
    { name: null, mailbox: 'a', host: '[192.0.2.1]' },
  ]);
});

test('encoded-words in names stay encoded; folded values are unfolded', () => {
  assert.deepEqual(parseAddressList('=?utf-8?q?J=C3=B6rg?=\r\n <j@x.de>'), [{ name: '=?utf-8?q?J=C3=B6rg?=', mailbox: 'j', host: 'x.de' }]);
});

test('garbage never throws and yields what can be salvaged', () => {
  assert.deepEqual(parseAddressList(''), []);
  assert.deepEqual(parseAddressList(',,,'), []);
  assert.deepEqual(parseAddressList('<>'), []);
  assert.deepEqual(parseAddressList('root'), [{ name: null, mailbox: 'root', host: null }]);
  assert.deepEqual(parseAddressList('Name <a@b'), [{ name: 'Name', mailbox: 'a', host: 'b' }]);
  for (const s of ['"unterminated', '(unterminated', 'a@b>', ';;::<<>>@@', 'x: y: z;;', '@', '\u0000\u00ff']) parseAddressList(s);
});
