// A minimal raw IMAP client for wire tests: sends exact bytes and collects responses (literals
// included) up to the tagged reply, so tests can assert whole transcripts.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startTestServer, type TestServer } from '../helpers/server.ts';

export class RawImap {
  socket: Socket;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(socket: Socket) {
    this.socket = socket;
    this.attach();
  }

  private attach(): void {
    this.socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('error', () => {});
  }

  static async open(port: number, tls = false): Promise<RawImap> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = tls ? tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s)) : connect(port, '127.0.0.1', () => resolve(s));
      s.once('error', reject);
    });
    return new RawImap(socket);
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error(`connection closed; buffered: ${this.buf.toString('latin1')}`);
    await new Promise<void>((r) => this.waiters.push(r));
  }

  /** One response line; literals are inlined as {n}\r\n + bytes. */
  async line(): Promise<string> {
    for (;;) {
      const lf = this.buf.indexOf(0x0a);
      if (lf >= 0) {
        let end = lf + 1;
        let text = this.buf.subarray(0, lf + 1).toString('latin1');
        const m = /\{(\d+)\}\r\n$/.exec(text);
        if (m) {
          const n = Number(m[1]);
          while (this.buf.length < end + n) await this.more();
          // continue the line after the literal
          let rest = this.buf.indexOf(0x0a, end + n);
          while (rest < 0) {
            await this.more();
            rest = this.buf.indexOf(0x0a, end + n);
          }
          const after = this.buf.subarray(end + n, rest + 1).toString('latin1');
          text = text + this.buf.subarray(end, end + n).toString('latin1') + after;
          end = rest + 1;
          // nested literal after the first: handle by recursion on the string
          while (/\{(\d+)\}\r\n$/.test(text)) {
            const mm = /\{(\d+)\}\r\n$/.exec(text)!;
            const k = Number(mm[1]);
            while (this.buf.length < end + k) await this.more();
            let r2 = this.buf.indexOf(0x0a, end + k);
            while (r2 < 0) {
              await this.more();
              r2 = this.buf.indexOf(0x0a, end + k);
            }
            text += this.buf.subarray(end, r2 + 1).toString('latin1');
            end = r2 + 1;
          }
        }
        this.buf = this.buf.subarray(end);
        return text.replace(/\r\n$/, '');
      }
      await this.more();
    }
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** Sends "tag text" and returns every line up to and including the tagged reply. */
  async cmd(tag: string, text: string): Promise<string[]> {
    this.send(`${tag} ${text}\r\n`);
    return this.until(tag);
  }

  async until(tag: string): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.line();
      out.push(l);
      if (l.startsWith(tag + ' ')) return out;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ImapTestServer { server: TestServer; port: number; tlsPort: number }

export async function startImapServer(opts: { users?: Record<string, string>; listener?: Record<string, unknown>; config?: Record<string, unknown> } = {}): Promise<ImapTestServer> {
  const server = await startTestServer({
    listeners: [
      { name: 'imap', protocol: 'imap', tls: 'starttls', allow_plaintext_auth: true, ...opts.listener },
      { name: 'imaps', protocol: 'imap', tls: 'implicit' },
    ],
    users: opts.users ?? { 'alice@example.test': 'secret-alice', 'bob@example.test': 'secret-bob' },
    config: opts.config,
  });
  return { server, port: server.port('imap'), tlsPort: server.port('imaps') };
}

export async function login(port: number, user = 'alice@example.test', pass = 'secret-alice'): Promise<RawImap> {
  const c = await RawImap.open(port);
  await c.line();
  const r = await c.cmd('L1', `LOGIN ${user} ${pass}`);
  if (!r.at(-1)!.startsWith('L1 OK')) throw new Error(r.join('\n'));
  return c;
}
