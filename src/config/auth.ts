// Authentication settings: SASL mechanisms offered, password hashing, SCRAM, authorization
// (master users), brute-force throttling and OAUTHBEARER token introspection.
import { z } from 'zod';
import { count, duration, key } from './types.ts';

/** Every mechanism the server implements (src/sasl/). */
export const saslMechanisms = [
  'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1',
  'PLAIN', 'LOGIN', 'CRAM-MD5', 'EXTERNAL', 'OAUTHBEARER',
] as const;

const mechanismList = z.array(z.enum(saslMechanisms));

/** The `[auth]` table. */
export const authSettings = {
  mechanisms: key(mechanismList, {
    default: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN'],
    doc: 'SASL mechanisms offered, in preference order. CRAM-MD5, EXTERNAL and OAUTHBEARER are off unless listed (and configured).',
  }),
  listener_mechanisms: key(z.record(z.string(), mechanismList), {
    default: {},
    doc: 'Per-listener override of `mechanisms`, by listener name, e.g. { submission = ["PLAIN"] }.',
  }),
  external_listeners: key(z.array(z.string()), {
    default: [],
    doc: 'Listener names that offer EXTERNAL (TLS client certificates); the listener must request and verify client certificates.',
  }),
  master_users: key(z.array(z.string()), {
    default: [],
    doc: 'Accounts that may authorize as any other account (SASL authzid). Empty: every user may act only as itself.',
  }),
  argon2_memory_kib: key(z.number().int().min(64).max(4 * 1024 * 1024), { default: 19456, unit: 'KiB', doc: 'argon2id memory cost for new password hashes (OWASP: 19456 KiB with 2 passes).' }),
  argon2_passes: key(z.number().int().min(1).max(100), { default: 2, doc: 'argon2id time cost (passes) for new password hashes.' }),
  argon2_parallelism: key(z.number().int().min(1).max(64), { default: 1, doc: 'argon2id lanes for new password hashes.' }),
  scram_iterations: key(z.number().int().min(4096).max(10_000_000), { default: 10000, doc: 'PBKDF2 iterations of the SCRAM keys stored when a password is set (RFC 7677 §4: at least 4096).' }),
  rehash_on_login: key(z.boolean(), { default: true, doc: 'After a successful password login with an older hash format, store an argon2id hash and SCRAM keys instead.' }),
  max_attempts_per_connection: key(count.min(1), { default: 3, doc: 'Failed authentications allowed on one connection; the protocol then closes it.' }),
  failure_window: key(duration, { default: '15m', unit: 'duration', doc: 'How long a failed authentication counts against its client IP and account.' }),
  delay_after_failures: key(count, { default: 3, doc: 'Failures (per IP or account, within failure_window) answered without delay (typos happen); later ones are delayed.' }),
  delay_base: key(duration, { default: '1s', unit: 'duration', doc: 'Delay of the first delayed failure; it doubles with each further failure.' }),
  delay_max: key(duration, { default: '15s', unit: 'duration', doc: 'Upper bound of the growing delay before a failure is answered.' }),
  ip_block_after: key(count, { default: 10, doc: 'Failures from one client IP within failure_window before it is blocked for block_duration (0: never).' }),
  account_block_after: key(count, { default: 30, doc: 'Failures for one account within failure_window before it is blocked for block_duration (0: never). Blocks its owner too: keep it high.' }),
  block_duration: key(duration, { default: '15m', unit: 'duration', doc: 'How long a blocked client IP or account gets only the temporary "try later" answer.' }),
  max_tracked: key(count.min(100), { default: 100_000, doc: 'Client IPs and accounts whose failures are remembered at most (oldest forgotten first).' }),
  oauth_introspection_url: key(z.url().optional(), { doc: 'RFC 7662 token introspection endpoint for OAUTHBEARER; OAUTHBEARER is offered only when set (and listed in mechanisms).' }),
  oauth_client_id: key(z.string().optional(), { doc: 'Client id for HTTP Basic authentication at the introspection endpoint.' }),
  oauth_client_secret: key(z.string().optional(), { doc: 'Client secret for HTTP Basic authentication at the introspection endpoint.' }),
  oauth_username_claim: key(z.string().min(1), { default: 'username', doc: 'Introspection response member naming the account (e.g. "username", "email", "sub").' }),
  oauth_timeout: key(duration, { default: '5s', unit: 'duration', doc: 'Time limit of one introspection request.' }),
} satisfies z.ZodRawShape;

/** The `[auth]` table with every default, for code running without a config file (tests, tools). */
export function defaultAuthSettings(): z.output<z.ZodObject<typeof authSettings>> {
  return z.strictObject(authSettings).parse({});
}
