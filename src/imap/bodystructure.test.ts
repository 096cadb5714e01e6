// Expected strings were written by hand from the RFC 9051 §9 grammar (body, body-type-1part,
// body-type-mpart, body-fields, body-ext-1part, body-ext-mpart) and cross-checked against Dovecot
// 2.3 (which writes lower case and counts the same octets and lines) while developing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMime, type MimePart } from '../mime/index.ts';
import { formatBodyStructure } from './bodystructure.ts';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'mime', 'testdata', name)));
const parse = (s: string): Promise<MimePart> => parseMime(new TextEncoder().encode(s.replace(/\r?\n/g, '\r\n')));

test('a plain text message', async () => {
  const root = await parseMime(fixture('simple.eml'));
  assert.equal(formatBodyStructure(root, false), '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 30 2)');
  assert.equal(formatBodyStructure(root, true), '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 30 2 NIL NIL NIL NIL)');
});

test('nested multiparts, an attachment with every extension field, and message/rfc822', async () => {
  const root = await parseMime(fixture('multipart-nested.eml'));
  const alt = '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 9 0) "ALTERNATIVE"';
  const pdf = '"APPLICATION" "PDF" ("NAME" "doc.pdf") "<pdf@x>" "A document" "BASE64" 26';
  const env = '(NIL "inner message" ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) ((NIL NIL "inner" "example.com")) NIL NIL NIL NIL NIL)';
  const msgBody = '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 0)("IMAGE" "GIF" NIL NIL NIL "BASE64" 8) "MIXED")';
  assert.equal(formatBodyStructure(root, false), `((${alt})(${pdf})("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 227 ${env} ${msgBody} 13) "MIXED")`);
  const altX =
    '("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL';
  const pdfX = `${pdf} NIL ("ATTACHMENT" ("FILENAME" "doc.pdf")) ("en" "de") "http://example.com/doc.pdf"`;
  const msgBodyX = '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL)("IMAGE" "GIF" NIL NIL NIL "BASE64" 8 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b3") NIL NIL NIL)';
  assert.equal(
    formatBodyStructure(root, true),
    `((${altX})(${pdfX})("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 227 ${env} ${msgBodyX} 13 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)`,
  );
});

test('a multipart with no parts gets one empty text part (1*body)', async () => {
  const root = await parseMime(fixture('empty-multipart.eml'));
  assert.equal(formatBodyStructure(root, false), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0) "MIXED")');
  assert.equal(formatBodyStructure(root, true), '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "e") NIL NIL NIL)');
});

test('multipart/digest parts are message/rfc822 with envelope, body and lines', async () => {
  const root = await parseMime(fixture('digest.eml'));
  assert.equal(
    formatBodyStructure(root, false),
    '(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 51 (NIL "first" ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) ((NIL NIL "one" "example.com")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 0) 3)' +
      '("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 15 0) "DIGEST")',
  );
});

test('an encoded message/rfc822 is not parsed but keeps the body-type-msg shape', async () => {
  const root = await parse('Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nRnJvbTogYUBiDQoNCmhp\n');
  assert.equal(root.message, null);
  assert.equal(
    formatBodyStructure(root, true),
    '("MESSAGE" "RFC822" NIL NIL NIL "BASE64" 22 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) 1 NIL NIL NIL NIL)',
  );
});

test('message/global is body-type-msg only for UTF-8 sessions', async () => {
  const root = await parse('Content-Type: message/global\n\nSubject: Grüße\n\nhi\n');
  assert.equal(formatBodyStructure(root, false), '("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 24)');
  assert.equal(
    formatBodyStructure(root, false, { utf8: true }),
    '("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 24 (NIL "Grüße" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 4 1) 3)',
  );
});

test('non-ASCII parameter values: RFC 2231 form for ASCII sessions, UTF-8 otherwise', async () => {
  const root = await parseMime(fixture('rfc2231.eml'));
  assert.equal(
    formatBodyStructure(root, true),
    `("APPLICATION" "OCTET-STREAM" ("NAME*" "utf-8''Gr%C3%BC%C3%9Fe.txt") NIL NIL "7BIT" 6 NIL ("ATTACHMENT" ("FILENAME*" "utf-8''%C3%A4rger.txt")) NIL NIL)`,
  );
  assert.equal(
    formatBodyStructure(root, true, { utf8: true }),
    '("APPLICATION" "OCTET-STREAM" ("NAME" "Grüße.txt") NIL NIL "7BIT" 6 NIL ("ATTACHMENT" ("FILENAME" "ärger.txt")) NIL NIL)',
  );
});

test('strings that need it become literals: quotes are escaped, CR/LF and 8-bit go in literals', async () => {
  const root = await parse('Content-Type: text/plain; name="a \\"b\\" c"\nContent-Description: caf\u00e9\nContent-ID: <x>\nContent-MD5: Q2hlY2s=\n\nx\n');
  assert.equal(
    formatBodyStructure(root, true),
    '("TEXT" "PLAIN" ("NAME" "a \\"b\\" c" "CHARSET" "us-ascii") "<x>" {5}\r\ncafé "7BIT" 3 1 "Q2hlY2s=" NIL NIL NIL)',
  );
});

test('an unknown transfer encoding is written as a string; a disposition without parameters gets NIL', async () => {
  const root = await parse('Content-Type: application/x-thing\nContent-Transfer-Encoding: X-UUENCODE\nContent-Disposition: inline\nContent-Language: en\n\nbegin\n');
  assert.equal(formatBodyStructure(root, true), '("APPLICATION" "X-THING" NIL NIL NIL "X-UUENCODE" 7 NIL ("INLINE" NIL) ("en") NIL)');
});
