// RFC 9051 §6.4.3 EXPUNGE and §6.4.9 / RFC 4315 UID EXPUNGE. The expunged messages are announced
// by the sync that ends the command (EXPUNGE, or VANISHED under QRESYNC).
import type { SequenceSet } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { syncSelected, viewOf } from './common.ts';
import { defineCommand, selectedState } from './types.ts';

export const expunge = defineCommand({
  name: 'EXPUNGE',
  states: selectedState,
  parse: () => undefined,
  async run(s, tag) {
    const view = viewOf(s);
    if (view.readOnly) throw new ImapNo('Mailbox is read-only', 'READ-ONLY');
    await s.ctx.store.expungeDeleted(view.mailbox.id);
    await syncSelected(s, true);
    s.tagged(tag, 'OK', 'EXPUNGE completed');
  },
});

export const uidExpunge = defineCommand({
  name: 'UID EXPUNGE',
  states: selectedState,
  parse(r): SequenceSet {
    r.sp();
    return r.sequenceSet();
  },
  async run(s, tag, set) {
    const view = viewOf(s);
    if (view.readOnly) throw new ImapNo('Mailbox is read-only', 'READ-ONLY');
    await s.ctx.store.expungeDeleted(view.mailbox.id, view.resolve(set, true));
    await syncSelected(s, true);
    s.tagged(tag, 'OK', 'UID EXPUNGE completed');
  },
});
