// RFC 9051 §6.1.2 NOOP (and RFC 3501 §6.4.1 CHECK, its IMAP4rev1 synonym here): a sync point.
import { syncSelected } from './common.ts';
import { anyState, defineCommand, selectedState } from './types.ts';

export const noop = defineCommand({
  name: 'NOOP',
  states: anyState,
  parse: () => undefined,
  async run(s, tag) {
    await syncSelected(s);
    s.tagged(tag, 'OK', 'NOOP completed');
  },
});

export const check = defineCommand({
  name: 'CHECK',
  states: selectedState,
  parse: () => undefined,
  async run(s, tag) {
    await syncSelected(s);
    s.tagged(tag, 'OK', 'CHECK completed');
  },
});
