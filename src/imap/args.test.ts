import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArgReader, ParseError, formatSequenceSet } from './args.ts';
import { decodeMutf7, encodeMutf7 } from './mutf7.ts';
import { parseSearchKey } from './search.ts';
import { parseFetchItems } from './fetch-items.ts';

const limits = { maxNesting: 4, maxSequenceRanges: 5 };
const reader = (s: string) => new ArgReader(Buffer.from(s, 'utf8'), limits);

test('args: astring, quoted with escapes, literal', () => {
  const r = reader('atom "q \\" \\\\ x" {3}\r\nabc');
  assert.equal(r.astring(), 'atom');
  r.sp();
  assert.equal(r.astring(), 'q " \\ x');
  r.sp();
  assert.equal(r.astring(), 'abc');
  r.end();
});

test('args: sequence sets, "*" and the range limit', () => {
  assert.deepEqual(reader('1:3,5,*').sequenceSet(), { kind: 'set', ranges: [{ from: 1, to: 3 }, { from: 5, to: 5 }, { from: Infinity, to: Infinity }] });
  assert.deepEqual(reader('$').sequenceSet(), { kind: 'saved' });
  assert.throws(() => reader('1,2,3,4,5,6').sequenceSet(), ParseError);
  assert.throws(() => reader('0').sequenceSet(), ParseError);
  assert.equal(formatSequenceSet([5, 1, 2, 3, 9]), '1:3,5,9');
});

test('args: nesting depth is limited', () => {
  assert.throws(() => parseSearchKey(reader('((((((ALL))))))')), /deeply/);
  assert.deepEqual(parseSearchKey(reader('(ALL)')), { k: 'all' });
});

test('args: fetch items with sections and partials', () => {
  const items = parseFetchItems(reader('(UID BODY.PEEK[1.2.HEADER.FIELDS (From To)]<0.100> BINARY[2] BINARY.SIZE[1] FAST)'));
  assert.equal(items.length, 7);
  assert.deepEqual(items[1], { kind: 'section', binary: false, peek: true, section: { path: [1, 2], text: 'HEADER.FIELDS', fields: ['From', 'To'], spec: '1.2.HEADER.FIELDS (From To)' }, partial: { offset: 0, length: 100 } });
});

test('modified UTF-7 round trip (RFC 3501 §5.1.3)', () => {
  assert.equal(encodeMutf7('Entwürfe'), 'Entw&APw-rfe');
  assert.equal(encodeMutf7('A&B'), 'A&-B');
  assert.equal(decodeMutf7('Entw&APw-rfe'), 'Entwürfe');
  assert.equal(decodeMutf7('&ZeVnLIqe-'), '日本語');
  assert.equal(decodeMutf7('&Jjo!'), undefined);
});
