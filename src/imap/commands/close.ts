// RFC 9051 §6.4.1 CLOSE (expunges \Deleted messages silently unless read-only) and RFC 3691
// UNSELECT (§6.4.2 in IMAP4rev2: leaves without expunging).
import { accountOf, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

export const close = defineCommand({
  name: 'CLOSE',
  states: selectedState,
  parse: () => undefined,
  async run(s, tag) {
    const view = viewOf(s);
    if (!view.readOnly) await s.ctx.store.expungeDeleted(view.mailbox.id);
    s.state = { kind: 'authenticated', account: accountOf(s) };
    s.tagged(tag, 'OK', 'CLOSE completed');
  },
});

export const unselect = defineCommand({
  name: 'UNSELECT',
  states: selectedState,
  parse: () => undefined,
  async run(s, tag) {
    s.state = { kind: 'authenticated', account: accountOf(s) };
    s.tagged(tag, 'OK', 'UNSELECT completed');
  },
});
