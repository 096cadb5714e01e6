import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MimeParser, parseMime, findPart, headerValues, type MimePart } from './index.ts';
import { checkOffsets, rng } from './test-support.ts';

const dir = join(import.meta.dirname, 'testdata');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const text = (bytes: Uint8Array, from: number, to: number): string => Buffer.from(bytes.subarray(from, to)).toString('latin1');

function parseChunks(bytes: Uint8Array, sizes: () => number): MimePart {
  const p = new MimeParser();
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes());
    p.push(bytes.slice(i, i + n)); // a copy: the parser must not rely on the caller's buffer
    i += n;
  }
  return p.end();
}

for (const name of fixtures) {
  test(`${name}: whole, 1-byte and random chunks give the same tree`, () => {
    const bytes = load(name);
    const whole = parseChunks(bytes, () => bytes.length);
    checkOffsets(whole, bytes.length);
    assert.deepEqual(parseChunks(bytes, () => 1), whole);
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed);
      assert.deepEqual(parseChunks(bytes, () => Math.floor(r() * 40)), whole, `seed ${seed}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(whole)), whole, 'plain JSON');
  });
}

test('nested multiparts, attachments and message/rfc822 get the right parts and offsets', async () => {
  const bytes = load('multipart-nested.eml');
  const root = await parseMime(bytes);
  assert.equal(root.contentType.type, 'multipart');
  assert.equal(root.children.length, 3);
  const [alt, pdf, msg] = root.children as [MimePart, MimePart, MimePart];
  assert.equal(alt.contentType.subtype, 'alternative');
  assert.equal(alt.children.length, 2);
  assert.equal(text(bytes, alt.children[0]!.bodyStart, alt.children[0]!.end), 'Gr=C3=BC=C3=9Fe');
  assert.equal(alt.children[0]!.encoding, 'quoted-printable');
  assert.equal(text(bytes, alt.children[1]!.bodyStart, alt.children[1]!.end), '<p>Hi</p>');
  // The blank line after "--inner--" is the epilogue of the inner multipart.
  assert.ok(text(bytes, alt.bodyStart, alt.end).endsWith('--inner--\r\n'));
  assert.equal(text(bytes, pdf.bodyStart, pdf.end), 'JVBERi0xLjQK\r\nJVBERi0xLjQK');
  assert.equal(pdf.bodyLines, 1); // line feeds in the body: the last CRLF belongs to the boundary
  assert.deepEqual(pdf.disposition, { value: 'attachment', params: { filename: 'doc.pdf' } });
  assert.equal(pdf.id, '<pdf@x>');
  assert.equal(pdf.description, 'A document');
  assert.deepEqual(pdf.language, ['en', 'de']);
  assert.equal(pdf.location, 'http://example.com/doc.pdf');
  assert.equal(pdf.encoding, 'base64');
  assert.ok(msg.message);
  assert.equal(msg.message.start, msg.bodyStart);
  assert.equal(msg.message.end, msg.end);
  assert.equal(headerValues(msg.message, 'subject')[0], 'inner message');
  assert.equal(msg.message.children.length, 2);
  assert.equal(text(bytes, msg.message.children[0]!.bodyStart, msg.message.children[0]!.end), 'inner text');
  assert.equal(text(bytes, msg.message.children[1]!.bodyStart, msg.message.children[1]!.end), 'R0lGODlh');
  // The close delimiter of the encapsulated multipart is followed by the outer close delimiter.
  assert.ok(text(bytes, msg.bodyStart, msg.end).endsWith('--b3--'));
  assert.ok(text(bytes, root.bodyStart, root.end).endsWith('--outer\r\nnot a part any more\r\n'));
  // IMAP part numbers (RFC 9051 §6.4.5).
  assert.equal(findPart(root, []), root);
  assert.equal(findPart(root, [1, 2]), alt.children[1]);
  assert.equal(findPart(root, [3]), msg);
  assert.equal(findPart(root, [3, 2]), msg.message.children[1]);
  assert.equal(findPart(root, [4]), undefined);
  assert.equal(findPart(root, [2, 1]), undefined);
  assert.equal(findPart(root, [0]), undefined);
});

test('a non-multipart message is its own part 1', async () => {
  const root = await parseMime(load('simple.eml'));
  assert.equal(findPart(root, [1]), root);
  assert.equal(findPart(root, [1, 1]), undefined);
  assert.equal(findPart(root, [2]), undefined);
  assert.equal(root.bodyLines, 2);
  assert.deepEqual(root.contentType, { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
});

test('a missing close delimiter ends the last part at the end of input', async () => {
  const bytes = load('no-final-boundary.eml');
  const root = await parseMime(bytes);
  assert.equal(root.children.length, 2);
  assert.equal(root.end, bytes.length);
  assert.equal(root.children[1]!.end, bytes.length);
  assert.equal(text(bytes, root.children[1]!.bodyStart, root.children[1]!.end), 'two, and the message ends without a close delimiter\r\n');
  assert.equal(root.children[1]!.bodyLines, 1);
});

test('bare LF line endings', async () => {
  const bytes = load('bare-lf.eml');
  const root = await parseMime(bytes);
  assert.equal(root.children.length, 2);
  assert.equal(text(bytes, root.children[0]!.bodyStart, root.children[0]!.end), 'lf text');
  assert.equal(text(bytes, root.children[1]!.bodyStart, root.children[1]!.end), '<b>lf</b>');
});

test('a header without body, and an empty body', async () => {
  const h = load('header-only.eml');
  const r1 = await parseMime(h);
  assert.equal(r1.bodyStart, h.length);
  assert.equal(r1.end, h.length);
  assert.equal(headerValues(r1, 'Subject')[0], 'no body');
  const e = load('empty-body.eml');
  const r2 = await parseMime(e);
  assert.equal(r2.bodyStart, e.length);
  assert.equal(r2.end, e.length);
  assert.equal(r2.bodyLines, 0);
  const r3 = await parseMime(new Uint8Array(0));
  assert.deepEqual([r3.start, r3.bodyStart, r3.end, r3.headers.length], [0, 0, 0, 0]);
});

test('multipart/digest parts default to message/rfc822 (RFC 2046 §5.1.5)', async () => {
  const root = await parseMime(load('digest.eml'));
  assert.equal(root.children.length, 2);
  const [first, second] = root.children as [MimePart, MimePart];
  assert.deepEqual(first.contentType, { type: 'message', subtype: 'rfc822', params: {} });
  assert.equal(headerValues(first.message!, 'subject')[0], 'first');
  assert.equal(second.contentType.type, 'text');
  assert.equal(second.message, null);
});

test('RFC 2231 continuations and charsets are decoded', async () => {
  const root = await parseMime(load('rfc2231.eml'));
  assert.equal(root.contentType.params.name, 'Grüße.txt');
  assert.equal(root.disposition?.params.filename, 'ärger.txt');
});

test('8-bit headers: UTF-8 when valid, else latin1, field by field', async () => {
  const root = await parseMime(load('8bit-headers.eml'));
  assert.equal(headerValues(root, 'from')[0], 'Jörg <j@x.de>');
  assert.equal(headerValues(root, 'subject')[0], 'Grüße latin1');
  assert.equal(root.encoding, '8bit');
});

test('a boundary inside a part header ends that header', async () => {
  const bytes = load('boundary-in-header.eml');
  const root = await parseMime(bytes);
  assert.equal(root.children.length, 2);
  assert.equal(root.children[0]!.headers.length, 1);
  assert.equal(root.children[0]!.bodyStart, root.children[0]!.end);
  assert.equal(text(bytes, root.children[1]!.bodyStart, root.children[1]!.end), 'after a part with no blank line');
});

test('a multipart without parts has no children', async () => {
  const root = await parseMime(load('empty-multipart.eml'));
  assert.equal(root.contentType.type, 'multipart');
  assert.deepEqual(root.children, []);
});

test('streams of chunks are accepted as async iterables', async () => {
  const bytes = load('multipart-nested.eml');
  async function* gen(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += 100) yield bytes.subarray(i, i + 100);
  }
  assert.deepEqual(await parseMime(gen()), await parseMime(bytes));
});

test('limits: depth and part count stop descent, header bytes are capped', async () => {
  let msg = '';
  for (let d = 0; d < 10; d++) msg += `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n`;
  msg += 'Content-Type: text/plain\r\n\r\ndeep\r\n';
  const bytes = new TextEncoder().encode(msg);
  const shallow = await parseMime(bytes, { maxDepth: 3 });
  let depth = 0;
  for (let p: MimePart | undefined = shallow; p && p.children.length > 0; p = p.children[0]) depth++;
  assert.equal(depth, 3);
  checkOffsets(shallow, bytes.length);
  const full = await parseMime(bytes);
  depth = 0;
  for (let p: MimePart | undefined = full; p && p.children.length > 0; p = p.children[0]) depth++;
  assert.equal(depth, 10);

  let many = 'Content-Type: multipart/mixed; boundary=m\r\n\r\n';
  for (let i = 0; i < 50; i++) many += `--m\r\n\r\npart ${i}\r\n`;
  many += '--m--\r\n';
  const few = await parseMime(new TextEncoder().encode(many), { maxParts: 10 });
  assert.equal(few.children.length, 9); // the root counts
  assert.equal(few.end, many.length);

  const big = `Subject: ${'x'.repeat(5000)}\r\nX-After: y\r\n\r\nbody\r\n`;
  const capped = await parseMime(new TextEncoder().encode(big), { maxHeaderBytes: 1000 });
  assert.equal(capped.headers.length, 1);
  assert.equal(capped.bodyStart, big.length - 6);
});

test('the [mime] config defaults are the parser defaults', async () => {
  const { parseConfigText } = await import('../config/index.ts');
  const { defaultMimeLimits, mimeLimitsFromConfig } = await import('./index.ts');
  const cfg = parseConfigText('hostname = "mail.example.test"\n');
  assert.deepEqual(mimeLimitsFromConfig(cfg.mime), defaultMimeLimits);
  const custom = parseConfigText('hostname = "mail.example.test"\n[mime]\nmax_depth = 4\nmax_header_bytes = "64KiB"\n');
  assert.deepEqual(mimeLimitsFromConfig(custom.mime), { ...defaultMimeLimits, maxDepth: 4, maxHeaderBytes: 65536 });
});

test('part numbers through a message/rfc822 root and a digest (RFC 9051 §6.4.5)', async () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s.replace(/\n/g, '\r\n'));
  // A message whose own type is message/rfc822: part 1 is that body, 1.1 its single part.
  const wrapped = await parseMime(enc('Content-Type: message/rfc822\n\nSubject: inner\n\ninner body\n'));
  assert.equal(findPart(wrapped, [1]), wrapped);
  assert.equal(findPart(wrapped, [1, 1]), wrapped.message);
  assert.equal(findPart(wrapped, [1, 2]), undefined);
  const digest = await parseMime(load('digest-nested.eml'));
  const dg = findPart(digest, [2])!;
  assert.equal(dg.contentType.subtype, 'digest');
  assert.equal(findPart(digest, [2, 1])!.contentType.subtype, 'rfc822');
  assert.equal(findPart(digest, [2, 1, 2])!.contentType.subtype, 'html');
  assert.equal(findPart(digest, [2, 2, 1])!.contentType.subtype, 'plain');
  assert.equal(text(load('digest-nested.eml'), findPart(digest, [2, 2, 1])!.bodyStart, findPart(digest, [2, 2, 1])!.end), 'two body');
  assert.equal(findPart(digest, [2, 2, 2]), undefined);
});

test('a boundary parameter with trailing white space still matches its lines', async () => {
  const bytes = new TextEncoder().encode('Content-Type: multipart/mixed; boundary="sp  "\r\n\r\n--sp\r\n\r\none\r\n--sp--\r\n');
  const root = await parseMime(bytes);
  assert.equal(root.children.length, 1);
  assert.equal(text(bytes, root.children[0]!.bodyStart, root.children[0]!.end), 'one');
});

test('after "--boundary" only white space may follow, after "--boundary--" anything', async () => {
  const msg = 'Content-Type: multipart/mixed; boundary="foo"\r\n\r\n--foo\r\n\r\none\r\n--foo-ba\r\n--foo junk\r\n--foo \t\r\n\r\ntwo\r\n--foo--</BODY></HTML>\r\n--foo\r\nepilogue\r\n';
  const bytes = new TextEncoder().encode(msg);
  const root = await parseMime(bytes);
  assert.equal(root.children.length, 2);
  assert.equal(text(bytes, root.children[0]!.bodyStart, root.children[0]!.end), 'one\r\n--foo-ba\r\n--foo junk');
  assert.equal(text(bytes, root.children[1]!.bodyStart, root.children[1]!.end), 'two');
  // A line longer than the kept prefix is not a delimiter unless it is a close delimiter.
  const long = new TextEncoder().encode(`Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\na\r\n--q${' '.repeat(1000)}x\r\n--q--${'z'.repeat(1000)}\r\n`);
  const r2 = await parseMime(long);
  assert.equal(r2.children.length, 1);
  assert.equal(r2.children[0]!.end, long.indexOf(0x0d, long.lastIndexOf(0x78)));
});
