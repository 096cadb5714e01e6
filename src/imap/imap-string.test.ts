import { test } from 'node:test';
import assert from 'node:assert/strict';
import { astring, imapString, isQuotable, literal, literalBytes, nil, nstring, quoted, toWire, utf8Length } from './imap-string.ts';

const ascii = { utf8: false };
const utf8 = { utf8: true };

test('plain text becomes a quoted string with quoted-specials escaped', () => {
  assert.equal(imapString('hello world', ascii), '"hello world"');
  assert.equal(imapString('say "hi" \\ bye', ascii), '"say \\"hi\\" \\\\ bye"');
  assert.equal(imapString('', ascii), '""');
  assert.equal(quoted('a"b'), '"a\\"b"');
});

test('CR or LF forces a literal', () => {
  assert.equal(imapString('a\r\nb', ascii), '{4}\r\na\r\nb');
  assert.equal(imapString('a\nb', utf8), '{3}\r\na\nb');
});

test('8-bit text is a literal unless UTF-8 is enabled, with the count in UTF-8 bytes', () => {
  assert.equal(imapString('Grüße', ascii), '{7}\r\nGrüße');
  assert.equal(imapString('Grüße', utf8), '"Grüße"');
  assert.equal(imapString('😀', ascii), '{4}\r\n😀');
  assert.equal(imapString('😀', utf8), '"😀"');
});

test('the literal count matches the wire bytes, lone surrogates included', () => {
  for (const s of ['x', 'é', '€', '😀', '\ud800', 'a\udc00b', 'mixed ü 😀 \ud83d']) {
    assert.equal(utf8Length(s), toWire(s).length, JSON.stringify(s));
    const lit = literal(s);
    const wire = toWire(lit);
    const head = /^\{(\d+)\}\r\n/.exec(lit)!;
    assert.equal(wire.length - head[0].length, Number(head[1]));
  }
  assert.equal(isQuotable('\ud800', utf8), false);
  assert.equal(isQuotable('😀', utf8), true);
});

test('NUL never goes on the wire in a string', () => {
  assert.equal(imapString('a\0b', ascii), '{5}\r\na\uFFFDb');
  assert.ok(!toWire(imapString('a\0b', utf8)).includes(0));
});

test('nstring gives NIL for null', () => {
  assert.equal(nstring(null, ascii), nil);
  assert.equal(nstring(undefined, ascii), 'NIL');
  assert.equal(nstring('NIL', ascii), '"NIL"');
});

test('astring is an atom only when every character is an ASTRING-CHAR', () => {
  assert.equal(astring('INBOX', ascii), 'INBOX');
  assert.equal(astring('a]b', ascii), 'a]b');
  assert.equal(astring('a b', ascii), '"a b"');
  for (const ch of ['(', ')', '{', '%', '*', '"', '\\', '\x7f', '\x01']) assert.notEqual(astring(`a${ch}`, ascii), `a${ch}`, ch);
  assert.equal(astring('', ascii), '""');
  assert.equal(astring('nil', ascii), '"nil"');
  assert.equal(astring('Entwürfe', ascii), '{9}\r\nEntwürfe');
  assert.equal(astring('Entwürfe', utf8), '"Entwürfe"');
});

test('literalBytes frames raw bytes, literal8 with a tilde', () => {
  assert.deepEqual([...literalBytes(new Uint8Array([0x41, 0x0d, 0x0a]))], [...toWire('{3}\r\nA\r\n')]);
  assert.deepEqual([...literalBytes(new Uint8Array([0]), true)], [...toWire('~{1}\r\n'), 0]);
});
