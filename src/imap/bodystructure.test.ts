// Expected strings were written by hand from the RFC 9051 §9 grammar (body, body-type-1part,
// body-type-mpart, body-fields, body-ext-1part, body-ext-mpart) and cross-checked against Dovecot
// 2.3 (which writes lower case and counts the same octets and lines) while developing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseMime, type MimePart } from '../mime/index.ts';
import { formatBodyStructure } from './bodystructure.ts';
import { formatEnvelope } from './envelope.ts';
import { mutate, rng } from '../mime/test-support.ts';

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

// Tricky messages: BODYSTRUCTURE strings checked by hand against the grammar and, while
// developing, against Dovecot 2.3 (same octets, lines and structure; Dovecot writes lower case).
const tricky: [string, string][] = [
  [
    'prefix-boundaries.eml',
    '((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "foo-bar") NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "foo") NIL NIL NIL)',
  ],
  [
    'missing-inner-close.eml',
    '((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 48 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL)("APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64" 4 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "outer") NIL NIL NIL)',
  ],
  [
    'padding-and-junk.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 21 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 4 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "pad") NIL NIL NIL)',
  ],
  [
    'rfc822-last.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 0 NIL NIL NIL NIL)("MESSAGE" "RFC822" ("NAME" "fwd.eml") NIL NIL "7BIT" 399 ("Tue, 1 Jan 2002 00:00:00 +0000" "=?iso-8859-1?q?=E4?= forwarded" (("Inner Sender" NIL "inner" "example.org")) (("Inner Sender" NIL "inner" "example.org")) (("Inner Sender" NIL "inner" "example.org")) (("Comment Name" NIL "a" "example.org")) (("Quoted, Name" NIL "q" "example.org")(NIL NIL "group" NIL)(NIL NIL "x" "example.org")(NIL NIL NIL NIL)) NIL "<parent@example.org>" "<fwd@example.org>") ("TEXT" "PLAIN" ("CHARSET" "iso-8859-1") NIL NIL "QUOTED-PRINTABLE" 28 1 NIL NIL NIL NIL) 11 NIL ("ATTACHMENT" NIL) NIL NIL) "MIXED" ("BOUNDARY" "m") NIL NIL NIL)',
  ],
  [
    'no-preamble-crlf.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0 NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 23 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "np") NIL NIL NIL)',
  ],
  [
    'multipart-without-boundary.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL)',
  ],
  [
    'digest-nested.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 17 0 NIL NIL NIL NIL)(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 191 (NIL "one" ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) ((NIL NIL "a" "example.com")) NIL NIL NIL NIL NIL) (("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "alt") NIL NIL NIL) 13 NIL NIL NIL NIL)("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 45 (NIL "two" ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 8 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "DIGEST" ("BOUNDARY" "dg") NIL NIL NIL) "MIXED" ("BOUNDARY" "top") NIL NIL NIL)',
  ],
  [
    'header-folding.eml',
    '("TEXT" "PLAIN" ("CHARSET" "ISO-8859-1" "FORMAT" "flowed") NIL NIL "7BIT" 6 1 NIL ("ATTACHMENT" ("FILENAME" "=?UTF-8?B?R3LDvMOfZS50eHQ=?=")) NIL NIL)',
  ],
  [
    'uppercase-comments.eml',
    '("TEXT" "HTML" ("CHARSET" "UTF-8" "NAME" "a.html") "<cid-1@example>" NIL "QUOTED-PRINTABLE" 11 1 NIL NIL ("de-CH") NIL)',
  ],
  [
    'bare-lf.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 7 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "b") NIL NIL NIL)',
  ],
  [
    'boundary-in-header.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 31 0 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "q") NIL NIL NIL)',
  ],
  [
    'no-final-boundary.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 3 0 NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 53 1 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "zz") NIL NIL NIL)',
  ],

  [
    'double-forward.eml',
    '("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 189 (NIL "Fwd: hello" ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) ((NIL NIL "b" "example.com")) NIL NIL NIL NIL NIL) (("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 51 (NIL "hello" ((NIL NIL "c" "example.com")) ((NIL NIL "c" "example.com")) ((NIL NIL "c" "example.com")) NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "x1") NIL NIL NIL) 12 NIL NIL NIL NIL)',
  ],
  [
    'mixed-endings.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 0 NIL NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "me") NIL NIL NIL)',
  ],
  [
    'dsn.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL "Notification" "7BIT" 102 2 NIL NIL NIL NIL)("MESSAGE" "DELIVERY-STATUS" NIL NIL "Delivery report" "7BIT" 114 NIL NIL NIL NIL)("TEXT" "RFC822-HEADERS" ("CHARSET" "us-ascii") NIL "Undelivered Message Headers" "7BIT" 66 3 NIL NIL NIL NIL) "REPORT" ("REPORT-TYPE" "delivery-status" "BOUNDARY" "D1.1/mx.example.org") NIL NIL NIL)',
  ],
  [
    'related-inline.eml',
    '(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 7 1 NIL NIL NIL NIL)(("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 55 0 NIL NIL NIL NIL)("IMAGE" "JPEG" ("X-UNIX-MODE" "0644" "NAME" "photo.jpg") "<img1@x>" NIL "BASE64" 20 NIL ("INLINE" ("FILENAME" "photo.jpg")) NIL NIL) "RELATED" ("TYPE" "text/html" "BOUNDARY" "Apple-Mail=_B") NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "Apple-Mail=_A") NIL NIL NIL)',
  ],
];

for (const [name, expected] of tricky) {
  test(`BODYSTRUCTURE of ${name}`, async () => {
    const got = formatBodyStructure(await parseMime(fixture(name)), true);
    assert.equal(got, expected);
    validateBody(parseData(got), true);
  });
}

// A checker for the RFC 9051 §9 grammar of "body" and "envelope", so every output we produce,
// for the corpus and for fuzzed mail, is verified to be well-formed.
type Datum = null | number | string | { s: string } | Datum[];

/** Parse IMAP data (lists, quoted strings, literals, numbers, NIL, atoms) from response bytes. */
function parseData(text: string): Datum {
  const b = Buffer.from(text, 'utf8');
  let i = 0;
  const item = (): Datum => {
    const c = b[i];
    if (c === 0x28) {
      i++;
      const list: Datum[] = [];
      while (b[i] !== 0x29) {
        if (i >= b.length) throw new Error('unterminated list');
        const d = item();
        list.push(d);
        if (b[i] === 0x20) i++;
        // body-type-mpart = 1*body: bodies follow each other without a space.
        else if (b[i] !== 0x29 && !(Array.isArray(d) && b[i] === 0x28)) throw new Error(`expected SP or ) at ${i}`);
      }
      i++;
      return list;
    }
    if (c === 0x22) {
      i++;
      const out: number[] = [];
      while (b[i] !== 0x22) {
        if (i >= b.length) throw new Error('unterminated quoted');
        if (b[i] === 0x5c) i++;
        if (b[i] === 0x0d || b[i] === 0x0a) throw new Error('CR/LF in quoted');
        out.push(b[i++]!);
      }
      i++;
      return { s: Buffer.from(out).toString('utf8') };
    }
    if (c === 0x7b) {
      const close = b.indexOf(0x7d, i);
      const n = Number(b.subarray(i + 1, close).toString());
      assert.equal(b.subarray(close + 1, close + 3).toString(), '\r\n');
      const v = b.subarray(close + 3, close + 3 + n);
      assert.equal(v.length, n, 'literal length');
      i = close + 3 + n;
      return { s: v.toString('utf8') };
    }
    let j = i;
    while (j < b.length && b[j] !== 0x20 && b[j] !== 0x28 && b[j] !== 0x29) j++;
    const atom = b.subarray(i, j).toString();
    i = j;
    if (atom === 'NIL') return null;
    if (/^\d+$/.test(atom)) return Number(atom);
    throw new Error(`unexpected atom ${JSON.stringify(atom)}`);
  };
  const d = item();
  assert.equal(i, b.length, 'trailing data');
  return d;
}

const isStr = (d: Datum): d is { s: string } => typeof d === 'object' && d !== null && !Array.isArray(d);
const isNstr = (d: Datum): boolean => d === null || isStr(d);
const isNum = (d: Datum): boolean => typeof d === 'number' && d >= 0;

function validateParams(d: Datum): void {
  if (d === null) return;
  assert.ok(Array.isArray(d) && d.length >= 2 && d.length % 2 === 0 && d.every(isStr), 'body-fld-param');
}

function validateDsp(d: Datum): void {
  if (d === null) return;
  assert.ok(Array.isArray(d) && d.length === 2 && isStr(d[0]!), 'body-fld-dsp');
  validateParams(d[1]!);
}

function validateLang(d: Datum): void {
  assert.ok(isNstr(d) || (Array.isArray(d) && d.length > 0 && d.every(isStr)), 'body-fld-lang');
}

function validateAddresses(d: Datum): void {
  if (d === null) return;
  assert.ok(Array.isArray(d) && d.length > 0, 'address list');
  let inGroup = false;
  for (const a of d) {
    assert.ok(Array.isArray(a) && a.length === 4 && a.every(isNstr), 'address');
    if (a[3] === null) {
      // RFC 3501 §7.4.2: NIL host marks a group start (mailbox = name) or end (mailbox NIL).
      if (a[2] === null) {
        assert.ok(inGroup, 'group end without start');
        inGroup = false;
      } else {
        assert.ok(!inGroup, 'nested group');
        inGroup = true;
      }
    } else assert.notEqual(a[2], null, 'an address with a host has a mailbox');
  }
  assert.ok(!inGroup, 'unterminated group');
}

function validateEnvelope(d: Datum): void {
  assert.ok(Array.isArray(d) && d.length === 10, 'envelope has 10 members');
  assert.ok(isNstr(d[0]!) && isNstr(d[1]!) && isNstr(d[8]!) && isNstr(d[9]!), 'env nstrings');
  for (let k = 2; k < 8; k++) validateAddresses(d[k]!);
}

function validateBody(d: Datum, extended: boolean): void {
  assert.ok(Array.isArray(d) && d.length > 0, 'body is a list');
  if (Array.isArray(d[0])) {
    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
    let k = 0;
    while (Array.isArray(d[k])) validateBody(d[k++]!, extended);
    assert.ok(isStr(d[k++]!), 'media-subtype');
    if (extended) {
      validateParams(d[k++]!);
      validateDsp(d[k++]!);
      validateLang(d[k++]!);
      assert.ok(isNstr(d[k++]!), 'body-fld-loc');
    }
    assert.equal(k, d.length, 'nothing after the multipart extension data');
    return;
  }
  const [type, subtype, params, id, desc, enc, octets] = d;
  assert.ok(isStr(type!) && isStr(subtype!), 'media type');
  validateParams(params!);
  assert.ok(isNstr(id!) && isNstr(desc!) && isStr(enc!) && isNum(octets!), 'body-fields');
  let k = 7;
  const t = (type as { s: string }).s.toUpperCase();
  const st = (subtype as { s: string }).s.toUpperCase();
  if (t === 'MESSAGE' && (st === 'RFC822' || st === 'GLOBAL')) {
    validateEnvelope(d[k++]!);
    validateBody(d[k++]!, extended);
    assert.ok(isNum(d[k++]!), 'body-fld-lines');
  } else if (t === 'TEXT') assert.ok(isNum(d[k++]!), 'body-fld-lines');
  if (extended) {
    assert.ok(isNstr(d[k++]!), 'body-fld-md5');
    validateDsp(d[k++]!);
    validateLang(d[k++]!);
    assert.ok(isNstr(d[k++]!), 'body-fld-loc');
  }
  assert.equal(k, d.length, 'nothing after the single-part extension data');
}

test('every fixture gives grammar-valid BODY, BODYSTRUCTURE and ENVELOPE in both string modes', async () => {
  const dir = join(import.meta.dirname, '..', 'mime', 'testdata');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const root = await parseMime(fixture(name));
    for (const utf8 of [false, true]) {
      validateBody(parseData(formatBodyStructure(root, true, { utf8 })), true);
      validateBody(parseData(formatBodyStructure(root, false, { utf8 })), false);
      validateEnvelope(parseData(formatEnvelope(root, { utf8 })));
    }
  }
});

test('SpamAssassin corpus: BODYSTRUCTURE and ENVELOPE of every message are grammar-valid', async (t) => {
  const corpus = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'spam-corpus', 'spamassassin');
  if (!existsSync(corpus)) {
    t.skip(`corpus not found at ${corpus} (see shared/testdata/spam-corpus/README.md)`);
    return;
  }
  let n = 0;
  for (const folder of ['easy_ham', 'easy_ham_2', 'hard_ham', 'spam', 'spam_2']) {
    for (const name of readdirSync(join(corpus, folder))) {
      if (name === 'MD5SUMS') continue;
      const root = await parseMime(new Uint8Array(readFileSync(join(corpus, folder, name))));
      validateBody(parseData(formatBodyStructure(root, true)), true);
      validateEnvelope(parseData(formatEnvelope(root)));
      n++;
    }
  }
  assert.ok(n > 6000);
});

test('mutated fixtures still give grammar-valid output (seeded fuzz)', async () => {
  const dir = join(import.meta.dirname, '..', 'mime', 'testdata');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fixture(f));
  const r = rng(4242);
  for (let i = 0; i < 1000; i++) {
    const root = await parseMime(mutate(sources[i % sources.length]!, r));
    const utf8 = i % 2 === 0;
    validateBody(parseData(formatBodyStructure(root, true, { utf8 })), true);
    validateBody(parseData(formatBodyStructure(root, false, { utf8 })), false);
    validateEnvelope(parseData(formatEnvelope(root, { utf8 })));
  }
});
