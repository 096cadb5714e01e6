// RFC 5161 ENABLE: IMAP4rev2 (RFC 9051 §6.3.1), CONDSTORE and QRESYNC (RFC 7162 §3.2.3),
// UTF8=ACCEPT (RFC 6855 §3).
import { defineCommand, authenticatedStates } from './types.ts';

const known = new Set(['IMAP4REV2', 'CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT']);

export const enable = defineCommand({
  name: 'ENABLE',
  states: authenticatedStates,
  parse(r) {
    const caps: string[] = [];
    do {
      r.sp();
      caps.push(r.atom().toUpperCase());
    } while (!r.atEnd);
    return caps;
  },
  async run(s, tag, caps) {
    const now: string[] = [];
    for (const c of caps) {
      if (!known.has(c) || s.enabled.has(c)) continue;
      s.enabled.add(c);
      // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE.
      if (c === 'QRESYNC' && !s.enabled.has('CONDSTORE')) s.enabled.add('CONDSTORE');
      now.push(c === 'IMAP4REV2' ? 'IMAP4rev2' : c);
    }
    s.untagged(`ENABLED${now.map((c) => ' ' + c).join('')}`);
    s.tagged(tag, 'OK', 'ENABLE completed');
  },
});
