import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMime } from '../mime/index.ts';
import { convertBinary, hasBinaryParts, type RangeReader } from './binary-append.ts';
import { rng } from '../../test/helpers/random.ts';

/** Reads ranges in small random pieces, as a file stream might deliver them. */
function reader(bytes: Buffer, seed: number): RangeReader {
  const rand = rng(seed);
  return async function* (a, b) {
    for (let i = a; i < b; ) {
      const n = 1 + Math.floor(rand() * 100);
      yield bytes.subarray(i, Math.min(b, i + n));
      i += n;
    }
  };
}

async function convert(msg: Buffer, seed = 1): Promise<Buffer> {
  const root = await parseMime(msg);
  const out: Uint8Array[] = [];
  for await (const c of convertBinary(root, msg.length, reader(msg, seed))) out.push(c);
  return Buffer.concat(out);
}

const blob = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));

test('a binary leaf part is re-encoded in base64 and its header rewritten; other bytes are kept', async () => {
  const msg = Buffer.concat([
    Buffer.from('From: a@example.test\r\nContent-Type: multipart/mixed; boundary=b\r\nContent-Transfer-Encoding: binary\r\n\r\npreamble\r\n--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding:\r\n  BINARY\r\nX-After: yes\r\n\r\n'),
    blob,
    Buffer.from('\r\n--b--\r\nepilogue\r\n'),
  ]);
  const root = await parseMime(msg);
  assert.equal(hasBinaryParts(root), true);
  for (const seed of [1, 2, 3]) {
    const out = await convert(msg, seed);
    assert.equal(out.includes(0), false);
    const text = out.toString('latin1');
    assert.match(text, /^From: a@example.test\r\nContent-Type: multipart\/mixed; boundary=b\r\nContent-Transfer-Encoding: 8bit\r\n\r\npreamble\r\n--b\r\nContent-Type: text\/plain\r\n\r\nhello\r\n--b\r\n/);
    assert.match(text, /Content-Transfer-Encoding: base64\r\nX-After: yes\r\n\r\n/);
    assert.match(text, /\r\n--b--\r\nepilogue\r\n$/);
    const parsed = await parseMime(out);
    const part = parsed.children[1]!;
    assert.equal(part.encoding, 'base64');
    const body = out.subarray(part.bodyStart, part.end).toString('latin1');
    assert.ok(body.split('\r\n').every((l) => l.length <= 76));
    assert.deepEqual(Buffer.from(body, 'base64'), blob);
  }
});

test('a single-part binary message ends with a line break; messages without binary parts are left alone', async () => {
  const msg = Buffer.concat([Buffer.from('Content-Transfer-Encoding: binary\r\n\r\n'), blob.subarray(0, 57 * 2)]);
  const out = await convert(msg);
  const lines = out.toString('latin1').split('\r\n');
  assert.deepEqual(lines.slice(0, 2), ['Content-Transfer-Encoding: base64', '']);
  assert.equal(lines[2]!.length, 76);
  assert.equal(lines[3]!.length, 76);
  assert.equal(lines[4], '');
  assert.equal(hasBinaryParts(await parseMime(Buffer.from('Content-Transfer-Encoding: 8bit\r\n\r\n\xe4\r\n', 'latin1'))), false);
});

test('binary parts inside an encapsulated message are converted too', async () => {
  const msg = Buffer.concat([
    Buffer.from('Content-Type: message/rfc822\r\nContent-Transfer-Encoding: binary\r\n\r\nSubject: inner\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
    blob.subarray(0, 10),
  ]);
  const out = await convert(msg);
  const root = await parseMime(out);
  assert.equal(root.encoding, '8bit');
  assert.equal(root.message?.encoding, 'base64');
  assert.deepEqual(Buffer.from(out.subarray(root.message!.bodyStart, root.message!.end).toString('latin1'), 'base64'), blob.subarray(0, 10));
});
