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

test('seeded fuzz: every encoding reads back to the original text', () => {
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pool = ['a', 'Z', ' ', '"', '\\', '(', ')', '{', '}', '%', '*', ']', '\r', '\n', '\t', '\0', 'é', '€', '😀', '\ud800', 'N', 'I', 'L'];
  for (let i = 0; i < 2000; i++) {
    let s = '';
    for (let k = rand(12); k > 0; k--) s += pool[rand(pool.length)];
    for (const opts of [ascii, utf8]) {
      for (const enc of [imapString(s, opts), astring(s, opts), nstring(s, opts)]) {
        // Read the encoding back as a client would.
        const expected = s.replaceAll('\0', '\uFFFD').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
        const wire = Buffer.from(toWire(enc));
        let back: string;
        if (enc.startsWith('"')) {
          assert.ok(!/[\r\n\0]/.test(enc), 'no CR, LF or NUL in a quoted string');
          if (!opts.utf8) assert.ok(!/[^\x01-\x7f]/.test(enc), '7-bit quoted string');
          back = enc.slice(1, -1).replace(/\\(["\\])/g, '$1');
        } else if (enc.startsWith('{')) {
          const m = /^\{(\d+)\}\r\n/.exec(enc)!;
          const body = wire.subarray(Buffer.byteLength(m[0]));
          assert.equal(body.length, Number(m[1]), 'literal length in bytes');
          assert.ok(!body.includes(0), 'no NUL in a literal');
          back = body.toString('utf8');
        } else {
          assert.match(enc, /^[^\s(){%*"\\\x00-\x1f\x7f-\uffff]+$/, 'atom characters only');
          assert.notEqual(enc.toUpperCase(), 'NIL');
          back = enc;
        }
        assert.equal(back, expected, JSON.stringify(s));
      }
    }
  }
});
