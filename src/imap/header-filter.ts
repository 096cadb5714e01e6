// BODY[HEADER.FIELDS (…)] and BODY[HEADER.FIELDS.NOT (…)] (RFC 9051 §6.4.5): a header block cut
// down to some fields.

/**
 * The bytes of a header section restricted to (or without) the given field names, plus CRLF. One
 * pass over the block: a field runs to the first line that does not start with SP or HT (RFC 5322
 * §2.2.3 folding), and kept fields are copied once into the result.
 */
export function filterHeader(block: Buffer, fields: readonly string[], not: boolean): Buffer {
  const want = new Set(fields.map((f) => f.toLowerCase()));
  const kept: number[] = [];
  let total = 2;
  let pos = 0;
  while (pos < block.length) {
    let end = block.indexOf(0x0a, pos);
    end = end < 0 ? block.length : end + 1;
    while (end < block.length && (block[end] === 0x20 || block[end] === 0x09)) {
      const n = block.indexOf(0x0a, end);
      end = n < 0 ? block.length : n + 1;
    }
    const colon = block.indexOf(0x3a, pos);
    if (colon > pos && colon < end && want.has(block.toString('latin1', pos, colon).trim().toLowerCase()) !== not) {
      kept.push(pos, end);
      total += end - pos;
    }
    pos = end;
  }
  const out = Buffer.allocUnsafe(total);
  let w = 0;
  for (let i = 0; i < kept.length; i += 2) w += block.copy(out, w, kept[i]!, kept[i + 1]!);
  out[w] = 0x0d;
  out[w + 1] = 0x0a;
  return out;
}
