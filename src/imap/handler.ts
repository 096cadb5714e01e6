// The IMAP ProtocolHandler: one ImapSession per accepted connection (net/ has already applied
// allow/deny, connection limits and implicit TLS).
import type { Context } from '../context.ts';
import type { ListenerConfig } from '../config/index.ts';
import { Deadlines, type Connection, type ProtocolHandler, type RefuseReason } from '../net/index.ts';
import { imapLimitsOf, type ImapLimits } from './limits.ts';
import { ImapSession, type AccountSessions, type RecentClaims } from './session.ts';
import { MessageCache } from './message-cache.ts';

const reasons: Record<RefuseReason, string> = {
  denied: 'Access denied',
  'too-many-connections': 'Too many connections',
  'too-many-from-ip': 'Too many connections from your address',
  'rate-limited': 'Connecting too fast; try later',
  'shutting-down': 'Server shutting down',
};

export function createImapHandler(ctx: Context): ProtocolHandler {
  const accountSessions: AccountSessions = new Map();
  const recentClaims: RecentClaims = new Map();
  const messageCache = new MessageCache();
  // Shared by every session: one timer for all idle timeouts, one limits object per listener.
  const deadlines = new Deadlines();
  const limits = new WeakMap<ListenerConfig, ImapLimits>();
  const limitsOf = (l: ListenerConfig): ImapLimits => {
    let v = limits.get(l);
    if (!v) limits.set(l, (v = imapLimitsOf(ctx.config, l)));
    return v;
  };
  return {
    // RFC 9051 §7.1.5: BYE as the greeting refuses the connection.
    refusal: (reason) => `* BYE [UNAVAILABLE] ${reasons[reason]}\r\n`,
    handle(conn: Connection) {
      return new ImapSession(ctx, conn, limitsOf(conn.listener), accountSessions, recentClaims, messageCache, deadlines).run();
    },
  };
}
