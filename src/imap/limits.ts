// All IMAP limits of one listener in one place (CONVENTIONS.md §2, §7), read from the config keys
// of src/config/imap.ts.
import type { Config, ListenerConfig } from '../config/index.ts';

export interface ImapLimits {
  maxLineBytes: number;
  maxLiteralBytes: number;
  maxCommandBytes: number;
  spoolLiteralBytes: number;
  maxSpooledBytes: number;
  /** RFC 7888: LITERAL- instead of LITERAL+. */
  literalMinus: boolean;
  maxNesting: number;
  maxSequenceRanges: number;
  commandsPerSecond: number;
  maxFailedLogins: number;
  preauthTimeoutMs: number;
  authTimeoutMs: number;
  idleTimeoutMs: number;
  idlePollMs: number;
  maxConnectionsPerAccount: number;
}

export function imapLimitsOf(config: Config, listener: ListenerConfig): ImapLimits {
  const l = listener.limits;
  return {
    maxLineBytes: l.imap_max_line_bytes,
    maxLiteralBytes: l.imap_max_literal_bytes,
    maxCommandBytes: l.imap_max_command_bytes,
    spoolLiteralBytes: l.imap_spool_literal_bytes,
    maxSpooledBytes: l.imap_max_spooled_bytes,
    literalMinus: config.imap.literal_plus === 'minus',
    maxNesting: l.imap_max_nesting,
    maxSequenceRanges: l.imap_max_sequence_ranges,
    commandsPerSecond: l.imap_commands_per_second,
    maxFailedLogins: l.imap_max_failed_logins,
    preauthTimeoutMs: l.imap_preauth_timeout,
    authTimeoutMs: l.imap_auth_timeout,
    idleTimeoutMs: l.imap_idle_timeout,
    idlePollMs: config.imap.idle_check_interval,
    maxConnectionsPerAccount: config.imap.max_connections_per_account,
  };
}
