// RFC 9051 §6.2.3 LOGIN, and the common end of LOGIN and AUTHENTICATE.
import type { SaslStep } from '../../sasl/index.ts';
import { ImapNo } from '../errors.ts';
import type { ImapSession } from '../session.ts';
import { defineCommand } from './types.ts';

/** Maps a finished SASL/password step to the tagged reply and the session state. */
export async function finishLogin(s: ImapSession, tag: string, step: SaslStep, via: string): Promise<void> {
  if (step.kind === 'success') {
    if (!s.claimAccount(step.account.id)) {
      s.log.info('imap.auth.limit', { account: step.account.address });
      throw new ImapNo('Too many sessions for this account', 'LIMIT');
    }
    s.loggedIn(step.account);
    s.log.info('imap.auth.ok', { account: step.account.address, via });
    // RFC 9051 §6.2.2: the server may send capabilities in the tagged OK.
    s.tagged(tag, 'OK', `[CAPABILITY ${s.capabilityList().join(' ')}] Logged in`);
    return;
  }
  if (step.kind === 'challenge') throw new Error('unexpected challenge');
  s.log.info('imap.auth.failed', { reason: step.reason, detail: step.detail, via });
  if (step.reason === 'aborted') throw new ImapNo('Authentication cancelled', undefined, 'BAD');
  if (step.reason === 'malformed') throw new ImapNo('Malformed authentication data', undefined, 'BAD');
  if (step.reason === 'throttled') throw new ImapNo('Too many failed attempts; try later', 'UNAVAILABLE');
  if (step.reason === 'temporary') throw new ImapNo('Temporary failure; try later', 'UNAVAILABLE');
  if (step.reason === 'unavailable') throw new ImapNo('Mechanism not available; use TLS first', 'PRIVACYREQUIRED');
  s.failedLogins++;
  if (s.failedLogins >= s.limits.maxFailedLogins) {
    s.tagged(tag, 'NO', '[AUTHENTICATIONFAILED] Authentication failed');
    s.untagged('BYE Too many failed logins');
    s.state = { kind: 'logout' };
    return;
  }
  throw new ImapNo('Authentication failed', 'AUTHENTICATIONFAILED');
}

export const login = defineCommand({
  name: 'LOGIN',
  states: ['not-authenticated'],
  parse(r) {
    r.sp();
    const user = r.astring();
    r.sp();
    const pass = r.astring();
    return { user, pass };
  },
  async run(s, tag, a) {
    const conn = s.authConnection();
    if (!conn.secure && !conn.allowPlaintext) throw new ImapNo('Use STARTTLS first (LOGINDISABLED)', 'PRIVACYREQUIRED');
    const step = await s.ctx.auth.verifyPassword(a.user, a.pass, conn);
    await finishLogin(s, tag, step, 'LOGIN');
  },
});
