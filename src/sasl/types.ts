// The server side of SASL (RFC 4422) as a step machine shared by every protocol: the protocol
// session frames challenges and responses in its own syntax (SMTP "334 …", IMAP "+ …") and feeds
// the decoded bytes here; the mechanism decides.
import type { TLSSocket } from 'node:tls';
import type { Account } from '../store/index.ts';

/**
 * What the authenticator needs to know about the connection. Build it once per connection (and
 * anew after STARTTLS) and pass the same object each time: the authenticator counts failed
 * attempts per object (attemptsLeft).
 */
export interface AuthConnection {
  /** "smtp", "submission", "imap", "pop3", "managesieve": app passwords may be limited per protocol. */
  protocol: string;
  remoteAddress: string;
  /** True once TLS is active (implicit or after STARTTLS). */
  secure: boolean;
  /** The TLS socket, for channel binding (SCRAM-*-PLUS) and client certificates (EXTERNAL). */
  tlsSocket?: TLSSocket;
  /** The listener's allow_plaintext_auth: password mechanisms may be offered before TLS. */
  allowPlaintext: boolean;
  /** The listener's name: selects auth.listener_mechanisms and whether EXTERNAL is offered. */
  listener?: string;
  /** This server's host name, used in CRAM-MD5 challenges (RFC 2195). */
  hostname?: string;
}

export type AuthFailure =
  /** Wrong password, unknown user, bad authzid: the client sees one and the same answer. */
  | 'invalid-credentials'
  /** The client's message does not parse (SMTP 501, IMAP BAD). */
  | 'malformed'
  /** The client sent "*" to cancel (RFC 4422 §3.5). */
  | 'aborted'
  /** Too many failures from this address or for this account: try later (SMTP 454 4.7.0, IMAP NO [UNAVAILABLE]). */
  | 'throttled'
  /** Storage or hashing failed: try later. */
  | 'temporary'
  /** The mechanism is not offered here (e.g. password mechanisms before TLS). */
  | 'unavailable';

export interface SaslFailure {
  kind: 'failure';
  reason: AuthFailure;
  /** For logs only: never shown to the client. */
  detail: string;
  /** The authentication identity the client claimed, when known (for logs and per-account throttling). */
  authcid?: string;
}

export type SaslStep =
  | {
    kind: 'challenge';
    data: Uint8Array;
    /**
     * Set when this challenge carries the mechanism's own error message (SCRAM "e=…", the
     * OAUTHBEARER JSON error): the exchange fails whatever the client answers. The authenticator
     * counts the failure when the challenge is sent, so a client that hangs up is still counted;
     * protocols need do nothing with it.
     */
    failure?: SaslFailure;
  }
  | { kind: 'success'; account: Account; authcid: string; /** RFC 4422 additional data with success (SCRAM server-final). */ data?: Uint8Array }
  | SaslFailure;

export interface SaslExchange {
  readonly mechanism: string;
  /**
   * Feeds the client's next response (already base64-decoded by the protocol). The first call
   * carries the initial response, or null when the client sent none. "*" cancellation is the
   * protocol's to detect; it calls cancel() instead.
   */
  step(response: Uint8Array | null): Promise<SaslStep>;
  cancel(): SaslStep;
}

export interface Authenticator {
  /** Mechanisms to advertise on this connection, in preference order. */
  mechanisms(conn: AuthConnection): string[];
  /** Starts an exchange; undefined when the mechanism is unknown or not offered on this connection. */
  start(mechanism: string, conn: AuthConnection): SaslExchange | undefined;
  /** Username/password login outside SASL (IMAP LOGIN, POP3 USER/PASS). */
  verifyPassword(username: string, password: string, conn: AuthConnection): Promise<SaslStep>;
  /**
   * Failed attempts still allowed on this connection (auth.max_attempts_per_connection); at 0 the
   * protocol should end the session (SMTP 421 4.7.0, IMAP BYE). Further attempts fail "throttled".
   */
  attemptsLeft?(conn: AuthConnection): number;
}
