// Helpers shared by the mime tests (CONVENTIONS.md §3): a seeded PRNG and the tree invariants.

import assert from 'node:assert/strict';
import type { MimePart } from './types.ts';

/** A small seeded PRNG (mulberry32) so random chunkings are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

