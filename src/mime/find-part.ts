// Navigation of a MimePart tree by IMAP part numbers (RFC 9051 §6.4.5 "BODY[<section>]") and
// header lookup.

import type { MimePart } from './types.ts';

/**
 * The part at an IMAP section path, e.g. [4, 2, 1] for "4.2.1"; [] is the message itself.
 * RFC 9051 §6.4.5: every message has at least one part number; a non-multipart message's part 1 is
 * its body (the root part itself here), and the parts of a message/rfc822 part number into the
 * encapsulated message ("3.1" is the first part of the message in part 3).
 */
export function findPart(root: MimePart, path: number[]): MimePart | undefined {
  let cur = root;
  let isMessageRoot = true;
  for (const n of path) {
    if (!Number.isInteger(n) || n < 1) return undefined;
    if (!isMessageRoot && cur.message) {
      cur = cur.message;
      isMessageRoot = true;
    }
    if (cur.contentType.type === 'multipart') {
      const next = cur.children[n - 1];
      if (!next) return undefined;
      cur = next;
      isMessageRoot = false;
    } else if (isMessageRoot && n === 1) {
      isMessageRoot = false;
    } else return undefined;
  }
  return cur;
}

/** Values of every field named `name` (case-insensitive), in order; raw as in HeaderField. */
export function headerValues(part: MimePart, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const h of part.headers) if (h.name.toLowerCase() === lower) out.push(h.value);
  return out;
}
