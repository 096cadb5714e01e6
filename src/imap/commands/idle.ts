// RFC 2177 / RFC 9051 §6.3.13 IDLE: changes to the selected mailbox (from this process's store
// change feed, or a periodic check) are pushed until the client sends DONE.
import { syncSelected } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

export const idle = defineCommand({
  name: 'IDLE',
  states: authenticatedStates,
  parse: () => undefined,
  async run(s, tag) {
    s.write('+ idling\r\n');
    await syncSelected(s, true);
    s.flush();
    const deadline = Date.now() + s.limits.idleTimeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const what = await s.waitIdle(Math.max(0, left), s.limits.idlePollMs);
      if (what === 'closed') return;
      if (what === 'timeout') {
        s.untagged('BYE IDLE timed out');
        s.state = { kind: 'logout' };
        return;
      }
      if (what === 'change' || what === 'poll') {
        await syncSelected(s, true);
        s.flush();
        continue;
      }
      const line = await s.readLine();
      if (line === null) return;
      if (line !== 'too-long' && line.toString('latin1').trim().toUpperCase() === 'DONE') break;
      s.tagged(tag, 'BAD', 'Expected DONE');
      return;
    }
    await syncSelected(s, true);
    s.tagged(tag, 'OK', 'IDLE terminated');
  },
});
