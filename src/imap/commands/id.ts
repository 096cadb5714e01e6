// RFC 2971 ID: the client's identification is logged; the server names itself.
import { ParseError } from '../args.ts';
import { anyState, defineCommand } from './types.ts';

export const id = defineCommand({
  name: 'ID',
  states: anyState,
  parse(r) {
    r.sp();
    if (r.keyword('NIL')) return null;
    const pairs: (string | null)[] = r.list(() => r.nstring());
    if (pairs.length % 2 !== 0 || pairs.length > 60) throw new ParseError('ID takes up to 30 field-value pairs');
    return pairs;
  },
  async run(s, tag, pairs) {
    if (pairs) {
      const fields: Record<string, string | null> = {};
      for (let i = 0; i < pairs.length; i += 2) fields[String(pairs[i]).slice(0, 30)] = pairs[i + 1]?.slice(0, 1024) ?? null;
      s.log.info('imap.id', { client: fields });
    }
    s.untagged('ID ("name" "Postern" "vendor" "Postern")');
    s.tagged(tag, 'OK', 'ID completed');
  },
});
