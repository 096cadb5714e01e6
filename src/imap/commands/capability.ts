// RFC 9051 §6.1.1 CAPABILITY.
import { anyState, defineCommand } from './types.ts';

export const capability = defineCommand({
  name: 'CAPABILITY',
  states: anyState,
  parse: () => undefined,
  async run(s, tag) {
    s.untagged(`CAPABILITY ${s.capabilityList().join(' ')}`);
    s.tagged(tag, 'OK', 'CAPABILITY completed');
  },
});
