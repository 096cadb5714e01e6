// IMAP settings and per-listener IMAP limits (RFC 9051 and extensions; src/imap/).
import { z } from 'zod';
import { byteSize, count, duration, key } from './types.ts';

/** Keys of `[listener.limits]` that only IMAP listeners use. */
export const imapLimits = {
  imap_max_line_bytes: key(count.min(1024), { default: 65536, unit: 'bytes', doc: 'Longest IMAP command line (literals not counted); longer lines get "BAD [TOOBIG]". Also the largest literal before login.' }),
  imap_max_literal_bytes: key(byteSize, { default: '64MiB', doc: 'Largest literal (and so largest APPEND, advertised as APPENDLIMIT); larger ones get "NO [TOOBIG]".' }),
  imap_max_command_bytes: key(byteSize, { default: '128MiB', doc: 'Largest command held in memory, literals included (literals streamed to the spool do not count); larger ones get "NO [TOOBIG]".' }),
  imap_spool_literal_bytes: key(byteSize, { default: '64KiB', doc: 'APPEND literals larger than this stream to a spool file as they arrive instead of being held in memory.' }),
  imap_max_spooled_bytes: key(byteSize, { default: '1GiB', doc: 'Largest sum of the spooled literals of one command (MULTIAPPEND); more gets "NO [TOOBIG]".' }),
  imap_max_nesting: key(count.min(2), { default: 16, doc: 'Deepest nesting of parenthesised lists in a command (e.g. SEARCH keys); deeper gets "BAD".' }),
  imap_max_sequence_ranges: key(count.min(1), { default: 10000, doc: 'Most ranges in one sequence set (1,3:5,9 has three); more get "BAD".' }),
  imap_commands_per_second: key(count, { default: 500, unit: 'per second', doc: 'Commands one connection may issue per second; faster clients are slowed down, not refused. 0 disables.' }),
  imap_max_failed_logins: key(count.min(1), { default: 3, doc: 'Failed LOGIN/AUTHENTICATE attempts on one connection before "BYE" and close.' }),
  imap_preauth_timeout: key(duration, { default: '60s', doc: 'Close a connection that has not logged in and sends nothing for this long.' }),
  imap_auth_timeout: key(duration, { default: '30m', doc: 'Close a logged-in connection that sends nothing for this long (RFC 9051 §5.4: at least 30 minutes).' }),
  imap_idle_timeout: key(duration, { default: '30m', doc: 'End an IDLE (with "BYE") after this long without DONE; clients re-issue IDLE well before.' }),
} satisfies z.ZodRawShape;

/** The `[imap]` table. */
export const imapSettings = {
  max_connections_per_account: key(count.min(1), { default: 20, doc: 'IMAP sessions one account may have open at once, over all listeners; the next login gets "NO [LIMIT]".' }),
  literal_plus: key(z.enum(['plus', 'minus']), { default: 'plus', doc: 'Non-synchronizing literals: "plus" advertises LITERAL+ (any size, as Dovecot), "minus" advertises LITERAL- (RFC 7888: larger than 4096 bytes get "BAD [TOOBIG]").' }),
  mailbox_index_messages: key(count, { default: 100000, doc: 'Message records (UID, flags, size, dates; about 250 bytes each) of recently used mailboxes kept in memory so FETCH, SEARCH and SELECT need not read them from the database; a mailbox larger than this is always read from the database. 0 disables.' }),
  idle_check_interval: key(duration, { default: '60s', doc: 'How often an IDLE session also polls the store for changes made by other processes (same-process changes arrive at once).' }),
} satisfies z.ZodRawShape;
