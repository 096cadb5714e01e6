// RFC 9051 §6.3.10 NAMESPACE (RFC 2342): one personal namespace, "/" as the delimiter.
import { authenticatedStates, defineCommand } from './types.ts';

export const namespace = defineCommand({
  name: 'NAMESPACE',
  states: authenticatedStates,
  parse: () => undefined,
  async run(s, tag) {
    s.untagged('NAMESPACE (("" "/")) NIL NIL');
    s.tagged(tag, 'OK', 'NAMESPACE completed');
  },
});
