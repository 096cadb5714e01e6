import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEncodedWords } from './index.ts';

test('B and Q encodings in any case (RFC 2047 §4)', () => {
  assert.equal(decodeEncodedWords('=?UTF-8?B?R3LDvMOfZQ==?='), 'Grüße');
  assert.equal(decodeEncodedWords('=?utf-8?q?Gr=C3=BC=C3=9Fe_dich?='), 'Grüße dich');
  assert.equal(decodeEncodedWords('=?iso-8859-1?Q?=E4rger?= und mehr'), 'ärger und mehr');
});

test('white space between adjacent encoded-words disappears, other text stays (RFC 2047 §6.2)', () => {
  assert.equal(decodeEncodedWords('=?utf-8?q?a?= =?utf-8?q?b?=\r\n =?utf-8?q?c?= d'), 'abc d');
  assert.equal(decodeEncodedWords('x =?utf-8?q?a?= y'), 'x a y');
  assert.equal(decodeEncodedWords('=?utf-8?q?a?= =?iso-8859-1?q?=E4?='), 'aä');
});

test('a character split across two encoded-words decodes whole', () => {
  // "ü" is C3 BC; split between two words.
  assert.equal(decodeEncodedWords('=?utf-8?B?w6E=?= =?utf-8?Q?=C3?= =?utf-8?Q?=BC?='), 'áü');
});

test('RFC 2231 §5 language suffix and unknown charsets', () => {
  assert.equal(decodeEncodedWords('=?US-ASCII*EN?Q?Keith_Moore?='), 'Keith Moore');
  assert.equal(decodeEncodedWords('=?x-unknown?q?caf=C3=A9?='), 'café');
  assert.equal(decodeEncodedWords('=?x-unknown?q?caf=E9?='), 'café');
});

test('other charsets Node knows: Japanese, Chinese, Windows-1252', () => {
  assert.equal(decodeEncodedWords('=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?='), '日本語');
  assert.equal(decodeEncodedWords('=?gb2312?B?1tDOxA==?='), '中文');
  assert.equal(decodeEncodedWords('=?windows-1252?q?=80?='), '€');
});

test('broken input is left alone or decoded leniently, never throws', () => {
  assert.equal(decodeEncodedWords('plain text'), 'plain text');
  assert.equal(decodeEncodedWords('=?utf-8?x?abc?='), '=?utf-8?x?abc?=');
  assert.equal(decodeEncodedWords('=?utf-8?q?a=Zb?='), 'a=Zb');
  assert.equal(decodeEncodedWords('=?utf-8?b?R3L!!DvMOfZQ?='), 'Grüße');
  assert.equal(decodeEncodedWords('=?utf-8?q?unterminated'), '=?utf-8?q?unterminated');
  assert.equal(decodeEncodedWords('a=?utf-8?q?b?=c'), 'abc');
});

test('UTF-7 (RFC 2152), which Node lacks, is decoded too', () => {
  assert.equal(decodeEncodedWords('=?utf-7?Q?Hi_Mom_-+Jjo--!?='), 'Hi Mom -☺-!');
  assert.equal(decodeEncodedWords('=?UTF-7?B?K1plVm5MSXFlLQ==?='), '日本語');
  assert.equal(decodeEncodedWords('=?utf-7?Q?1_+-_1_=3D_2?='), '1 + 1 = 2');
  assert.equal(decodeEncodedWords('=?utf-7?Q?broken_+2D?='), 'broken ');
  assert.equal(decodeEncodedWords('=?utf-7?Q?lone_+2D4-?='), 'lone \uFFFD');
});

test('a huge UTF-7 run decodes without exhausting the stack', () => {
  const run = Buffer.from('\u00e9'.repeat(300_000), 'utf16le').swap16().toString('base64').replace(/=+$/, '');
  assert.equal(decodeEncodedWords(`=?utf-7?Q?+${run}-?=`), '\u00e9'.repeat(300_000));
});
