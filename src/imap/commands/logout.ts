// RFC 9051 §6.1.3 LOGOUT.
import { anyState, defineCommand } from './types.ts';

export const logout = defineCommand({
  name: 'LOGOUT',
  states: anyState,
  parse: () => undefined,
  async run(s, tag) {
    s.untagged('BYE Logging out');
    s.tagged(tag, 'OK', 'LOGOUT completed');
    s.state = { kind: 'logout' };
  },
});
