import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractSubject, threadReferences, type SortFacts } from './sort-thread.ts';

function msg(seq: number, subject: string, messageId: string | null, references: string[] = []): SortFacts {
  const s = extractSubject(subject);
  return { seq, uid: seq, size: 1, arrival: seq, sent: seq, subject: s.base, isReplyOrForward: s.isReplyOrForward, from: '', to: '', cc: '', messageId, references };
}

test('extractSubject tells replies and forwards from originals (RFC 5256 §2.1)', () => {
  assert.deepEqual(extractSubject('Re: foo'), { base: 'FOO', isReplyOrForward: true });
  assert.deepEqual(extractSubject('foo (fwd)'), { base: 'FOO', isReplyOrForward: true });
  assert.deepEqual(extractSubject('[Fwd: foo]'), { base: 'FOO', isReplyOrForward: true });
  assert.deepEqual(extractSubject('[list] foo'), { base: 'FOO', isReplyOrForward: false });
  assert.deepEqual(extractSubject('foo'), { base: 'FOO', isReplyOrForward: false });
});

test('THREAD REFERENCES: a duplicate Message-ID with a "Re:" subject becomes a reply by subject (§4 (1A), (5)(C))', () => {
  assert.equal(threadReferences([msg(1, 'foo', '<a@b>'), msg(2, 'Re: foo', '<a@b>')], (m) => m.seq), '(1 2)');
});

test('THREAD REFERENCES: two originals with one subject go under a dummy', () => {
  assert.equal(threadReferences([msg(1, 'foo', '<a@b>'), msg(2, 'foo', '<c@d>')], (m) => m.seq), '((1)(2))');
});

test('THREAD REFERENCES: references link a reply without "Re:"', () => {
  assert.equal(threadReferences([msg(1, 'foo', '<a@b>'), msg(2, 'bar', '<c@d>', ['<a@b>'])], (m) => m.seq), '(1 2)');
});
