// What a protocol module gets from net/: an accepted, access-checked connection, and what it
// gives back: a handler that runs one session per connection.
import type { Socket } from 'node:net';
import type { ListenerConfig } from '../config/index.ts';
import type { Logger } from '../observe/index.ts';
import type { AccessRefusal } from '../policy/index.ts';

export interface Connection {
  /** Short random id carried by every log line of this connection. */
  readonly id: string;
  /**
   * A plain net.Socket, or a tls.TLSSocket on implicit-TLS listeners (already handshaken). Bytes the
   * client sent early are buffered until the handler attaches a 'data' listener.
   */
  readonly socket: Socket;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly listener: ListenerConfig;
  /** True when the socket is TLS from the first byte (implicit TLS). */
  readonly implicitTls: boolean;
  readonly log: Logger;
  /** Aborted when the server shuts down: finish the current command, say goodbye, close. */
  readonly shutdown: AbortSignal;
}

/** Why net/ refuses a connection before any protocol session starts. */
export type RefuseReason = AccessRefusal | 'shutting-down';

export interface ProtocolHandler {
  /**
   * The single line (CRLF included) written to a refused client before the close, e.g.
   * "421 4.7.0 Too many connections\r\n" for SMTP or "* BYE Too many connections\r\n" for IMAP.
   */
  refusal(reason: RefuseReason, hostname: string): string;
  /** Runs one session; resolves when it is over and the socket is closed or handed back. */
  handle(conn: Connection): Promise<void>;
}
