import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHeaderFields, unfold } from './index.ts';
import { parseContentType, parseDisposition, parseEncoding, parseLanguage, parseParameterized } from './header.ts';

const fields = (s: string) => parseHeaderFields(Buffer.from(s, 'latin1'));

test('fields keep their folding; leading white space and the final line break are removed', () => {
  assert.deepEqual(fields('Subject: a\r\n  b\r\n\tc\r\nTo:x@y\r\n\r\n'), [
    { name: 'Subject', value: 'a\r\n  b\r\n\tc' },
    { name: 'To', value: 'x@y' },
  ]);
  assert.equal(unfold('a\r\n  b\r\n\tc'), 'a  b\tc');
});

test('bare LF, white space before the colon (obs-field), lines without a colon, an mbox From line', () => {
  assert.deepEqual(fields('From sender@x Mon Jan 1 00:00:00 2002\nX-A : 1\ngarbage line\n continuation of garbage\nX-B:2\n'), [
    { name: 'X-A', value: '1' },
    { name: 'X-B', value: '2' },
  ]);
});

test('an empty value, a field folded right after the colon', () => {
  assert.deepEqual(fields('X-Empty:\r\nX-Folded:\r\n value\r\n'), [
    { name: 'X-Empty', value: '' },
    { name: 'X-Folded', value: 'value' },
  ]);
});

test('8-bit bytes: UTF-8 when valid, latin1 otherwise, decided per field', () => {
  const bytes = Buffer.concat([Buffer.from('A: '), Buffer.from('ü', 'utf8'), Buffer.from('\r\nB: '), Buffer.from([0xfc]), Buffer.from('\r\n')]);
  assert.deepEqual(parseHeaderFields(bytes), [
    { name: 'A', value: 'ü' },
    { name: 'B', value: 'ü' },
  ]);
});

test('Content-Type: defaults, case, comments, quoting, missing semicolons (RFC 2045 §5)', () => {
  assert.deepEqual(parseContentType(undefined, false), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  assert.deepEqual(parseContentType(undefined, true), { type: 'message', subtype: 'rfc822', params: {} });
  assert.deepEqual(parseContentType('Text/HTML; Charset="UTF-8"', false), { type: 'text', subtype: 'html', params: { charset: 'UTF-8' } });
  assert.deepEqual(parseContentType('text/plain (c) ; (c) charset=(c)us-ascii(c)', false), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  assert.deepEqual(parseContentType('multipart/mixed; boundary="a;b=c\\"d"', false), { type: 'multipart', subtype: 'mixed', params: { boundary: 'a;b=c"d' } });
  assert.deepEqual(parseContentType('TEXT/PLAIN charset=US-ASCII', false), { type: 'text', subtype: 'plain', params: { charset: 'US-ASCII' } });
  // RFC 2045 §5.2: an invalid type means text/plain; keep a charset if one was given.
  assert.deepEqual(parseContentType('text; charset=utf-8', false), { type: 'text', subtype: 'plain', params: { charset: 'utf-8' } });
  assert.deepEqual(parseContentType('/', false), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  assert.deepEqual(parseContentType('', false), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
  // The first of repeated parameters wins; empty and nameless parameters are dropped.
  assert.deepEqual(parseContentType('a/b; x=1; x=2; =3; ;y=', false).params, { x: '1', y: '' });
});

test('RFC 2231 parameters: continuations, charsets, languages, precedence, gaps', () => {
  assert.deepEqual(parseParameterized("attachment; filename*=UTF-8''%E2%82%AC%20rates.txt").params, { filename: '€ rates.txt' });
  assert.deepEqual(parseParameterized("a; title*0*=us-ascii'en'This%20is%20; title*1*=%2A%2A%2Afun%2A%2A%2A; title*2=\" isn't it!\"").params, {
    title: "This is ***fun*** isn't it!",
  });
  assert.deepEqual(parseParameterized('a; name*0="long "; name*1="name"').params, { name: 'long name' });
  // The RFC 2231 form wins over a plain parameter of the same name.
  assert.deepEqual(parseParameterized("a; filename=plain.txt; filename*=utf-8''%C3%A4.txt").params, { filename: 'ä.txt' });
  // Continuations must start at 0 and run without gaps.
  assert.deepEqual(parseParameterized('a; n*0=a; n*2=c').params, { n: 'a' });
  assert.deepEqual(parseParameterized('a; n*1=b').params, {});
  // A split multibyte character across encoded segments decodes whole; an unknown charset falls back.
  assert.deepEqual(parseParameterized("a; n*0*=utf-8''%C3; n*1*=%BC").params, { n: 'ü' });
  assert.deepEqual(parseParameterized("a; n*=x-bogus''caf%C3%A9").params, { n: 'café' });
  // Without the two quotes the value is taken as it is, percent-decoded.
  assert.deepEqual(parseParameterized('a; n*=abc%41').params, { n: 'abcA' });
});

test('Content-Transfer-Encoding, Content-Disposition, Content-Language', () => {
  assert.equal(parseEncoding(undefined), '7bit');
  assert.equal(parseEncoding(' (x) Base64 (y)'), 'base64');
  assert.equal(parseEncoding(''), '7bit');
  assert.deepEqual(parseDisposition('Attachment; Filename="a b.pdf"; size=3'), { value: 'attachment', params: { filename: 'a b.pdf', size: '3' } });
  assert.equal(parseDisposition('; filename=x'), null);
  assert.deepEqual(parseLanguage('en, de-CH (Swiss)'), ['en', 'de-CH']);
  assert.equal(parseLanguage(' , '), null);
});

test('parameter names must be tokens', () => {
  assert.deepEqual(parseParameterized('multipart/mixed; b:oundary="q"; (c)ok=1; sp ace=2; "q"=3').params, { ok: '1' });
});

test('8-bit bytes under a us-ascii label (or none) are read as UTF-8 when valid', () => {
  assert.deepEqual(parseParameterized('a; n*=%C3%A4rger').params, { n: 'ärger' });
  assert.deepEqual(parseParameterized("a; n*=us-ascii''%E4rger").params, { n: 'ärger' });
});
