// Seeded fuzzing (CONVENTIONS.md §3): mutated fixtures and hostile shapes never crash the parser,
// always give consistent offsets, parse the same in any chunking, and stay within the limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MimeParser, decodeEncodedWords, envelopeOf, maxMimeDepth, parseAddressList, type MimePart, type MimeLimits } from './index.ts';
import { checkOffsets, mutate, rng } from './test-support.ts';

const dir = join(import.meta.dirname, 'testdata');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(dir, f))));

function parseIn(bytes: Uint8Array, sizes: () => number, limits?: Partial<MimeLimits>): MimePart {
  const p = new MimeParser(limits);
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, sizes());
    p.push(bytes.subarray(i, i + n));
    i += n;
  }
  return p.end();
}

function walk(p: MimePart, f: (p: MimePart, depth: number) => void, depth = 0): void {
  f(p, depth);
  for (const c of p.children) walk(c, f, depth + 1);
  if (p.message) walk(p.message, f, depth + 1);
}

test('mutated fixtures: no crash, consistent offsets, same tree in any chunking', () => {
  const r = rng(20261123);
  for (let i = 0; i < 1500; i++) {
    const bytes = mutate(fixtures[i % fixtures.length]!, r);
    const whole = parseIn(bytes, () => bytes.length);
    checkOffsets(whole, bytes.length);
    assert.deepEqual(parseIn(bytes, () => 1 + Math.floor(r() * 16)), whole, `case ${i}`);
    walk(whole, (p) => {
      envelopeOf(p);
      for (const h of p.headers) decodeEncodedWords(h.value);
    });
  }
});

test('random bytes and random lines: no crash', () => {
  const r = rng(99);
  const alphabet = Buffer.from('--ab\r\n:; ="=?Content-Type: multipart/mixed; boundary=ab\r\nmessage/rfc822\r\n', 'latin1');
  for (let i = 0; i < 300; i++) {
    const n = Math.floor(r() * 2000);
    const bytes = new Uint8Array(n);
    for (let k = 0; k < n; k++) bytes[k] = i % 2 === 0 ? Math.floor(r() * 256) : alphabet[Math.floor(r() * alphabet.length)]!;
    const tree = parseIn(bytes, () => 1 + Math.floor(r() * 64));
    checkOffsets(tree, bytes.length);
    parseAddressList(Buffer.from(bytes).toString('latin1'));
  }
});

test('hostile shapes stay within the limits', () => {
  const limits = { maxDepth: 8, maxParts: 50, maxHeaderBytes: 4096, maxTotalHeaderBytes: 32 * 1024 };
  // 5000 nested multiparts.
  let deep = '';
  for (let d = 0; d < 5000; d++) deep += `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n`;
  // 5000 nested encapsulated messages.
  const msgs = 'Content-Type: message/rfc822\r\n\r\n'.repeat(5000) + 'x\r\n';
  // 100000 parts.
  const wide = 'Content-Type: multipart/mixed; boundary=w\r\n\r\n' + '--w\r\nX-A: b\r\n\r\n.\r\n'.repeat(100_000);
  // A 2 MB header with no end, and parts with 1 MB headers.
  const longHeader = `Subject: ${'x'.repeat(2_000_000)}`;
  const bigHeaders = 'Content-Type: multipart/mixed; boundary=h\r\n\r\n' + `--h\r\nX-Big: ${'y'.repeat(1_000_000)}\r\n\r\nbody\r\n`.repeat(5);
  // A 1 MB line starting with "--" (the boundary candidate buffer is capped).
  const longDash = `Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\n--${'q'.repeat(1_000_000)}\r\n--q--\r\n`;
  for (const s of [deep, msgs, wide, longHeader, bigHeaders, longDash]) {
    const bytes = Buffer.from(s, 'latin1');
    const tree = parseIn(bytes, () => 65536, limits);
    checkOffsets(tree, bytes.length);
    let parts = 0;
    let maxDepth = 0;
    let headerBytes = 0;
    walk(tree, (p, depth) => {
      parts++;
      maxDepth = Math.max(maxDepth, depth);
      const h = p.headers.reduce((n, f) => n + f.name.length + f.value.length, 0);
      assert.ok(h <= limits.maxHeaderBytes, 'one header within maxHeaderBytes');
      headerBytes += h;
    });
    assert.ok(parts <= limits.maxParts, `${parts} parts`);
    assert.ok(maxDepth <= limits.maxDepth, `depth ${maxDepth}`);
    assert.ok(headerBytes <= limits.maxTotalHeaderBytes, 'headers within maxTotalHeaderBytes');
    assert.ok(JSON.stringify(tree).length < 200_000, 'the stored tree stays small');
  }
});

test('depth is capped at maxMimeDepth whatever the limits say, so the tree stays serialisable', () => {
  let deep = '';
  for (let d = 0; d < 2000; d++) deep += d % 2 ? 'Content-Type: message/rfc822\r\n\r\n' : `Content-Type: multipart/mixed; boundary="b${d}"\r\n\r\n--b${d}\r\n`;
  const bytes = Buffer.from(`${deep}x\r\n`, 'latin1');
  const tree = parseIn(bytes, () => 4096, { maxDepth: 1_000_000, maxParts: 1_000_000 });
  let depth = 0;
  walk(tree, (_p, d) => (depth = Math.max(depth, d)));
  assert.equal(depth, maxMimeDepth);
  assert.deepEqual(JSON.parse(JSON.stringify(tree)), tree);
});
