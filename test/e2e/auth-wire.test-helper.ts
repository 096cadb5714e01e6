// A minimal line protocol that frames SASL (RFC 4422 §4 requirements only) so the auth tests can
// run every mechanism over real sockets before the SMTP and IMAP servers exist:
//   C: MECHS                      S: MECHS <space-separated list>
//   C: AUTH <mech> [<b64>|=]       S: + <b64 challenge>   C: <b64 response> | *
//                                  S: OK <b64 additional data or empty> | NO <reason>
//   C: LOGIN <b64 user> <b64 pass> S: OK | NO <reason>
import { createInterface } from 'node:readline';
import type { Socket } from 'node:net';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Context } from '../../src/context.ts';
import type { Connection, ProtocolHandler } from '../../src/net/index.ts';
import type { AuthConnection, Authenticator, SaslExchange, SaslStep } from '../../src/sasl/index.ts';
import type { ScramClient } from '../../src/sasl/scram-client.test-helper.ts';

const b64 = (d: Uint8Array | undefined) => (d && d.length > 0 ? Buffer.from(d).toString('base64') : '');

export async function serveSasl(socket: Socket, auth: Authenticator, ac: AuthConnection): Promise<void> {
  const rl = createInterface({ input: socket, crlfDelay: Infinity });
  const write = (s: string) => socket.write(`${s}\r\n`);
  let ex: SaslExchange | undefined;
  const outcome = (r: SaslStep) => {
    if (r.kind === 'challenge') return write(`+ ${b64(r.data)}`);
    ex = undefined;
    if (r.kind === 'success') return write(`OK ${b64(r.data)}`.trimEnd());
    return write(`NO ${r.reason}`);
  };
  write('READY');
  for await (const line of rl) {
    if (ex) {
      if (line === '*') outcome(ex.cancel());
      else outcome(await ex.step(Buffer.from(line, 'base64')));
      continue;
    }
    const [verb, a, b] = line.split(' ');
    if (verb === 'MECHS') write(`MECHS ${auth.mechanisms(ac).join(' ')}`.trimEnd());
    else if (verb === 'AUTH' && a) {
      ex = auth.start(a, ac);
      if (!ex) write('NO unavailable');
      else outcome(await ex.step(b === undefined ? null : b === '=' ? new Uint8Array(0) : Buffer.from(b, 'base64')));
    } else if (verb === 'LOGIN' && a && b) {
      outcome(await auth.verifyPassword(Buffer.from(a, 'base64').toString(), Buffer.from(b, 'base64').toString(), ac));
    } else if (verb === 'QUIT') break;
    else write('NO malformed');
  }
  socket.end();
}

/** A ProtocolHandler speaking the protocol above on a Postern listener. */
export function saslTestHandler(ctx: Context): ProtocolHandler {
  return {
    refusal: () => 'NO refused\r\n',
    async handle(conn: Connection) {
      const tlsSocket = conn.implicitTls ? (conn.socket as TLSSocket) : undefined;
      const ac: AuthConnection = {
        protocol: conn.listener.protocol, remoteAddress: conn.remoteAddress, secure: conn.implicitTls,
        allowPlaintext: conn.listener.allow_plaintext_auth, listener: conn.listener.name, hostname: ctx.config.hostname,
        ...(tlsSocket ? { tlsSocket } : {}),
      };
      await serveSasl(conn.socket, ctx.auth, ac);
    },
  };
}

/** The client side: send a line, read the next line. */
export class LineClient {
  private readonly lines: string[] = [];
  private waiters: ((l: string) => void)[] = [];
  readonly socket: Socket;
  constructor(socket: Socket) {
    this.socket = socket;
    const rl = createInterface({ input: socket, crlfDelay: Infinity });
    rl.on('line', (l) => {
      const w = this.waiters.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
  }
  next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  async send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }
  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

export const enc = (s: string | Buffer) => Buffer.from(s).toString('base64');
export const dec = (s: string) => Buffer.from(s, 'base64').toString();

/**
 * The client's side of channel binding, computed independently of the server's code: RFC 9266
 * tls-exporter, or RFC 5929 §4.1 tls-server-end-point (the test certificates are signed with
 * ecdsa-with-SHA256, so SHA-256).
 */
export function clientChannelBinding(sock: TLSSocket, type: string): Buffer {
  if (type === 'tls-exporter') return sock.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
  return createHash('sha256').update(sock.getPeerCertificate().raw).digest();
}

/** Answers a SCRAM exchange's challenges (decoded text) for a protocol's wire loop; "*" cancels anything unexpected. */
export function scramAnswer(client: ScramClient, seen: string[] = []) {
  return (ch: string): string => {
    seen.push(ch);
    if (ch.startsWith('r=')) return enc(client.final(ch));
    if (ch.startsWith('v=')) {
      assert.equal(ch, `v=${client.expectedServerSignature}`, 'server signature');
      return '';
    }
    return '*';
  };
}
