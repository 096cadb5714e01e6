// Limits of the MIME structure parser (src/mime), used wherever a message's structure is recorded
// (at delivery, or on first IMAP access). Beyond a limit the parser stops descending and treats the
// rest as an opaque body; mail is never rejected for it.
import { z } from 'zod';
import { byteSize, count, key } from './types.ts';

/** The `[mime]` table. */
export const mimeSettings = {
  max_depth: key(count.min(1).max(256), { default: 32, doc: 'Deepest nesting of multiparts and attached messages parsed (at most 256); deeper content is one opaque part.' }),
  max_parts: key(count.min(1).max(100_000), { default: 2000, doc: 'Most MIME parts recorded per message (attached messages included); later parts are not listed in BODYSTRUCTURE.' }),
  max_header_bytes: key(byteSize, { default: '256KiB', doc: 'Largest header kept for one MIME part; the rest of a longer header is skipped.' }),
  max_total_header_bytes: key(byteSize, { default: '4MiB', doc: 'Largest sum of kept headers over all parts of one message; later parts keep no header.' }),
} satisfies z.ZodRawShape;
