// RFC 4978 COMPRESS=DEFLATE: after the tagged OK, both directions are raw DEFLATE.
import { ImapNo } from '../errors.ts';
import { authenticatedStates, defineCommand } from './types.ts';

export const compress = defineCommand({
  name: 'COMPRESS',
  states: authenticatedStates,
  parse(r) {
    r.sp();
    return r.atom().toUpperCase();
  },
  async run(s, tag, algo) {
    if (algo !== 'DEFLATE') throw new ImapNo(`Unknown compression ${algo}`, undefined, 'BAD');
    if (s.compressed) throw new ImapNo('Compression is already active', 'COMPRESSIONACTIVE');
    s.tagged(tag, 'OK', 'DEFLATE active');
    s.flush();
    s.startCompression();
  },
});
