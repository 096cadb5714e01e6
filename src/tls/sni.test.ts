import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSniTable, lookupSni } from './sni.ts';

const table = buildSniTable([
  { names: ['mail.example.com', '*.example.com'], value: 'a' },
  { names: ['*.example.com', 'other.example.com', 'MX.Example.Org'], value: 'b' },
]);

test('matches exact names before wildcards, case-insensitively, ignoring a trailing dot', () => {
  assert.equal(lookupSni(table, 'mail.example.com'), 'a');
  assert.equal(lookupSni(table, 'other.example.com'), 'b');
  assert.equal(lookupSni(table, 'mx.example.org.'), 'b');
});

test('a wildcard covers exactly one left-most label (RFC 6125 §6.4.3)', () => {
  assert.equal(lookupSni(table, 'imap.example.com'), 'a'); // the first entry keeps "*.example.com"
  assert.equal(lookupSni(table, 'example.com'), undefined);
  assert.equal(lookupSni(table, 'a.b.example.com'), undefined);
});

test('no name, or an unknown one, matches nothing', () => {
  assert.equal(lookupSni(table, undefined), undefined);
  assert.equal(lookupSni(table, ''), undefined);
  assert.equal(lookupSni(table, 'example.net'), undefined);
});
