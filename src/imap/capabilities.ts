// What the server advertises (RFC 9051 §6.1.1). Only what works is listed; see README "IMAP".
import type { ImapSession } from './session.ts';

/** Extensions that are always advertised once logged in (and before, where harmless). */
const base = [
  'IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS', 'MOVE',
  'CHILDREN', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'LIST-EXTENDED', 'LIST-STATUS', 'STATUS=SIZE', 'ESEARCH', 'SEARCHRES',
  'CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'WITHIN', 'QUOTA', 'QUOTA=RES-STORAGE', 'BINARY', 'COMPRESS=DEFLATE',
  'SORT', 'THREAD=ORDEREDSUBJECT', 'THREAD=REFERENCES',
];

export function capabilities(s: ImapSession): string[] {
  // RFC 7888 §4: LITERAL- instead of LITERAL+ when so configured (the framer enforces it).
  const out = [...(s.limits.literalMinus ? base.map((c) => (c === 'LITERAL+' ? 'LITERAL-' : c)) : base), `APPENDLIMIT=${s.limits.maxLiteralBytes}`];
  if (s.state.kind === 'not-authenticated') {
    if (!s.secure && s.conn.listener.tls === 'starttls') out.push('STARTTLS');
    const mechs = s.ctx.auth.mechanisms(s.authConnection());
    // RFC 9051 §6.2.3: LOGIN is refused before TLS unless the listener allows plaintext passwords.
    if (!s.secure && !s.conn.listener.allow_plaintext_auth) out.push('LOGINDISABLED');
    for (const m of mechs) out.push(`AUTH=${m}`);
  }
  return out;
}
