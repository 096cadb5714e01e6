import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineReader, type LineEvent } from './line-reader.ts';

function feed(chunks: Uint8Array[], max: number): LineEvent[] {
  const r = new LineReader(max);
  return chunks.flatMap((c) => r.push(c));
}

function splitEveryWay(input: Buffer): Uint8Array[][] {
  const ways: Uint8Array[][] = [[input], [...input].map((b) => Buffer.from([b]))];
  for (let i = 1; i < input.length; i++) ways.push([input.subarray(0, i), input.subarray(i)]);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let n = 0; n < 50; n++) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < input.length; ) {
      const len = 1 + Math.floor(rnd() * 7);
      parts.push(input.subarray(i, i + len));
      i += len;
    }
    ways.push(parts);
  }
  return ways;
}

test('gives the same lines however the input is split', () => {
  const input = Buffer.from('EHLO a\r\nMAIL FROM:<x@y>\r\nbare\nRCPT TO:<z@w>\r\n\r\npart');
  const expected = feed([input], 64);
  assert.deepEqual(expected.map((e) => (e.kind === 'line' ? [e.line.toString(), e.bareLf] : e.kind)), [
    ['EHLO a', false], ['MAIL FROM:<x@y>', false], ['bare', true], ['RCPT TO:<z@w>', false], ['', false],
  ]);
  for (const chunks of splitEveryWay(input)) assert.deepEqual(feed(chunks, 64), expected);
});

test('reports an over-long line once, drops it, and carries on', () => {
  const input = Buffer.from('short\r\n' + 'x'.repeat(100) + '\r\nnext\r\n');
  const expected = [{ kind: 'line', line: Buffer.from('short'), bareLf: false }, { kind: 'too-long' }, { kind: 'line', line: Buffer.from('next'), bareLf: false }];
  for (const chunks of splitEveryWay(input)) assert.deepEqual(feed(chunks, 20), expected);
});

test('the limit counts the line ending, and buffering stays bounded', () => {
  assert.deepEqual(feed([Buffer.from('123456\r\n')], 8).map((e) => e.kind), ['line']);
  assert.deepEqual(feed([Buffer.from('1234567\r\n')], 8).map((e) => e.kind), ['too-long']);
  const r = new LineReader(16);
  for (let i = 0; i < 1000; i++) r.push(Buffer.alloc(1024, 0x61));
  assert.ok(r.pending < 16);
});

test('takeRest hands back the unterminated tail', () => {
  const r = new LineReader(100);
  assert.equal(r.push(Buffer.from('DATA\r\nSubject: hi')).length, 1);
  assert.equal(r.takeRest().toString(), 'Subject: hi');
  assert.equal(r.pending, 0);
});
