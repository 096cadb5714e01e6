// Helpers shared by the mime tests (CONVENTIONS.md §3): a seeded PRNG and the tree invariants.

import assert from 'node:assert/strict';
import type { MimePart } from './types.ts';
export { rng } from '../../test/helpers/random.ts';


/** Structural invariants every tree must satisfy. */
export function checkOffsets(part: MimePart, size: number, lo = 0, hi = size): void {
  assert.ok(lo <= part.start && part.start <= part.bodyStart && part.bodyStart <= part.end && part.end <= hi, `offsets ${part.start}/${part.bodyStart}/${part.end} within [${lo},${hi}]`);
  assert.ok(part.bodyLines >= 0);
  let prev = part.bodyStart;
  for (const c of part.children) {
    checkOffsets(c, size, part.bodyStart, part.end);
    assert.ok(c.start >= prev, 'children in order, not overlapping');
    prev = c.end;
  }
  if (part.message) {
    assert.equal(part.message.start, part.bodyStart);
    checkOffsets(part.message, size, part.bodyStart, part.end);
  }
}


/** Structural mutations for fuzzing: byte flips, deletions, boundary/header snippets, duplication, truncation. */
const snippets = ['\r\n', '\n', '\r', '--', '--outer\r\n', '--inner--\r\n', '--b3\r\n', '\r\n\r\n', 'Content-Type: multipart/mixed; boundary="outer"\r\n', 'Content-Type: message/rfc822\r\n\r\n', ':', '"', '(', '=?utf-8?q?', '?=', '\0', '\xff'].map(
  (s) => Buffer.from(s, 'latin1'),
);

export function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const out = [...src];
  const edits = 1 + Math.floor(r() * 12);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (out.length + 1));
    switch (Math.floor(r() * 5)) {
      case 0: // flip a byte
        if (out.length > 0) out[Math.min(at, out.length - 1)] = Math.floor(r() * 256);
        break;
      case 1: // delete a run
        out.splice(at, Math.floor(r() * 40));
        break;
      case 2: // insert a structural snippet
        out.splice(at, 0, ...snippets[Math.floor(r() * snippets.length)]!);
        break;
      case 3: {
        // duplicate a run elsewhere
        const from = Math.floor(r() * out.length);
        out.splice(at, 0, ...out.slice(from, from + Math.floor(r() * 200)));
        break;
      }
      default: // truncate
        out.length = Math.min(out.length, at + 1);
    }
  }
  return Uint8Array.from(out);
}

