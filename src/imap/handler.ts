// The IMAP ProtocolHandler: one ImapSession per accepted connection (net/ has already applied
// allow/deny, connection limits and implicit TLS).
import type { Context } from '../context.ts';
import type { Connection, ProtocolHandler, RefuseReason } from '../net/index.ts';
import { imapLimitsOf } from './limits.ts';
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
  return {
    // RFC 9051 §7.1.5: BYE as the greeting refuses the connection.
    refusal: (reason) => `* BYE [UNAVAILABLE] ${reasons[reason]}\r\n`,
    async handle(conn: Connection) {
      const session = new ImapSession(ctx, conn, imapLimitsOf(ctx.config, conn.listener), accountSessions, recentClaims, messageCache);
      await session.run();
    },
  };
}
