// Limits every listener enforces in net/ before a protocol session starts.
import { z } from 'zod';
import { count, duration, key } from './types.ts';

export const netLimits = {
  max_connections: key(count, { default: 1000, doc: 'Connections open at once on this listener; the next one gets the protocol\'s "too busy" reply and is closed.' }),
  max_connections_per_ip: key(count, { default: 20, doc: 'Connections open at once from one client address (IPv6 grouped by /64).' }),
  connection_rate_per_ip: key(count, { default: 60, unit: 'per minute', doc: 'New connections accepted from one client address per minute; 0 disables the check.' }),
  max_line_bytes: key(count.min(80), { default: 4096, unit: 'bytes', doc: 'Longest command line accepted, CRLF included; longer lines get the protocol\'s "line too long" error.' }),
  idle_timeout: key(duration, { default: '5m', doc: 'Close a connection that sends nothing for this long (a protocol may use a longer one while idling by design, e.g. IMAP IDLE).' }),
} satisfies z.ZodRawShape;
