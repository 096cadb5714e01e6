// The ProtocolHandler for `smtp` (MX, RFC 5321) and `submission` (RFC 6409, with STARTTLS or
// implicit TLS per RFC 8314) listeners. net/ has already applied allow/deny and connection
// limits; this runs one Session per connection.
import type { Context } from '../context.ts';
import type { ProtocolHandler, RefuseReason } from '../net/index.ts';
import { DeliveryBatcher } from '../pipeline/index.ts';
import { blockListOf } from '../policy/index.ts';
import { commandTable } from './commands/index.ts';
import { formatReply, reply } from './reply.ts';
import { Session, type SessionShared } from './session.ts';

/** RFC 5321 §3.1: a server refusing service answers 554 instead of 220, or 421 when it is temporary. */
export function refusalLine(reason: RefuseReason, hostname: string): string {
  switch (reason) {
    case 'denied': return formatReply(reply(554, '5.7.1', `${hostname} Access denied`));
    case 'too-many-connections': return formatReply(reply(421, '4.7.0', `${hostname} Too many connections, try again later`));
    case 'too-many-from-ip': return formatReply(reply(421, '4.7.0', `${hostname} Too many connections from your address, try again later`));
    case 'rate-limited': return formatReply(reply(421, '4.7.0', `${hostname} Connection rate limit exceeded, try again later`));
    case 'shutting-down': return formatReply(reply(421, '4.3.2', `${hostname} Service shutting down`));
  }
}

export function createSmtpHandler(ctx: Context): ProtocolHandler {
  const shared: SessionShared = { ctx, commands: commandTable(), mynetworks: blockListOf(ctx.config.mynetworks), batcher: new DeliveryBatcher(ctx.store) };
  return {
    refusal: refusalLine,
    handle: (conn) => new Session(shared, conn).run(),
  };
}
