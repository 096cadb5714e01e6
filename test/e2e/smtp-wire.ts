// A small raw SMTP client for wire tests: exact bytes out, replies parsed as they arrive, STARTTLS,
// and golden transcripts (C:/S: lines, like OpenSMTPD's smtpscript). Not a mail client: it lets
// tests send what real clients never would.
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.ts';

export interface SmtpReplyLines {
  code: number;
  lines: string[];
  /** All lines joined with "\n", codes included: "250-a\n250 b". */
  text: string;
}

export class SmtpWire {
  socket: Socket;
  private buf = '';
  private ended = false;
  private waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    this.listen(socket);
  }

  private listen(s: Socket): void {
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      this.buf += d;
      this.notify();
    });
    s.on('end', () => {
      this.ended = true;
      this.notify();
    });
    s.on('close', () => {
      this.ended = true;
      this.notify();
    });
    s.on('error', () => {});
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number, opts: { tls?: { ca: string }; host?: string } = {}): Promise<SmtpWire> {
    const host = opts.host ?? '127.0.0.1';
    const s = opts.tls ? tlsConnect({ port, host, ca: opts.tls.ca, servername: 'localhost' }) : netConnect({ port, host });
    await once(s, opts.tls ? 'secureConnect' : 'connect');
    return new SmtpWire(s);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Reads one complete (possibly multi-line) reply; rejects if the server closes first. */
  async reply(): Promise<SmtpReplyLines> {
    for (;;) {
      const lines: string[] = [];
      let pos = 0;
      for (;;) {
        const nl = this.buf.indexOf('\r\n', pos);
        if (nl < 0) break;
        const line = this.buf.slice(pos, nl);
        pos = nl + 2;
        lines.push(line);
        if (line.length < 4 || line[3] === ' ') {
          this.buf = this.buf.slice(pos);
          return { code: Number(line.slice(0, 3)), lines, text: lines.join('\n') };
        }
      }
      if (this.ended) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async cmd(line: string): Promise<SmtpReplyLines> {
    this.send(line + '\r\n');
    return this.reply();
  }

  /** Resolves when the server has closed the connection. */
  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((r) => this.waiters.push(r));
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Whatever arrived and is not yet read as a reply. */
  get pending(): string {
    return this.buf;
  }

  async startTls(ca: string): Promise<TLSSocket> {
    this.socket.removeAllListeners('data');
    this.socket.removeAllListeners('end');
    this.socket.removeAllListeners('close');
    const t = tlsConnect({ socket: this.socket, ca, servername: 'localhost' });
    await once(t, 'secureConnect');
    this.socket = t;
    this.buf = '';
    this.listen(t);
    return t;
  }

  end(): void {
    this.socket.destroy();
  }

  /**
   * Plays a golden transcript: "C: line" is sent (CRLF added), "S: line" must match the next reply
   * line ("*" at the end matches any rest). Lines starting with "#" are comments.
   */
  async play(transcript: string, vars: Record<string, string> = {}): Promise<void> {
    const lines = transcript.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    let expected: string[] = [];
    const check = async () => {
      if (expected.length === 0) return;
      const got: string[] = [];
      while (got.length < expected.length) got.push(...(await this.reply()).lines);
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        const g = got[i] ?? '';
        const ok = e.endsWith('*') ? g.startsWith(e.slice(0, -1)) : g === e;
        if (!ok) throw new Error(`transcript mismatch at S: ${JSON.stringify(e)}\n   got: ${JSON.stringify(g)}\n  all: ${JSON.stringify(got)}`);
      }
      if (got.length !== expected.length) throw new Error(`expected ${expected.length} reply lines, got ${JSON.stringify(got)}`);
      expected = [];
    };
    const subst = (s: string) => s.replace(/\$\{(\w+)\}/g, (_, k: string) => vars[k] ?? `\${${k}}`);
    for (const l of lines) {
      if (l.startsWith('C: ')) {
        await check();
        this.send(subst(l.slice(3)) + '\r\n');
      } else if (l.startsWith('C> ')) {
        // raw bytes with escapes, no CRLF added: "C> DATA\r\n"
        await check();
        this.send(subst(l.slice(3)).replace(/\\r/g, '\r').replace(/\\n/g, '\n'));
      } else if (l.startsWith('S: ')) {
        expected.push(subst(l.slice(3)));
      } else if (l === 'CLOSED') {
        await check();
        await this.closed();
      } else {
        throw new Error(`bad transcript line ${JSON.stringify(l)}`);
      }
    }
    await check();
  }
}

/** A test server with one smtp (MX) and one submission listener, no greeting delay. */
export async function startSmtpServer(opts: TestServerOptions & { limits?: Record<string, unknown>; submissionLimits?: Record<string, unknown>; smtp?: Record<string, unknown> } = {}): Promise<TestServer> {
  const limits = { greeting_delay: '0s', error_delay: '0s', ...opts.limits };
  return startTestServer({
    domains: ['example.test'],
    users: { 'alice@example.test': 'alice-password', 'bob@example.test': 'bob-password' },
    ...opts,
    listeners: opts.listeners ?? [
      { name: 'mx', protocol: 'smtp', tls: 'starttls', limits },
      { name: 'sub', protocol: 'submission', tls: 'starttls', limits: { ...limits, ...opts.submissionLimits } },
      { name: 'subs', protocol: 'submission', tls: 'implicit', limits: { ...limits, ...opts.submissionLimits } },
    ],
    config: { ...opts.config, ...(opts.smtp ? { smtp: opts.smtp } : {}) },
  });
}

/** AUTH PLAIN initial response for user/password. */
export function plain(user: string, pass: string): string {
  return Buffer.from(`\0${user}\0${pass}`).toString('base64');
}

/** Messages in an account's INBOX, with their full text (prefix + blob). */
export async function inbox(server: TestServer, address: string): Promise<string[]> {
  const acct = await server.ctx.store.getAccount(address);
  if (!acct) throw new Error(`no account ${address}`);
  const mb = await server.ctx.store.getMailbox(acct.id, 'INBOX');
  if (!mb) throw new Error('no INBOX');
  const out: string[] = [];
  for (const m of await server.ctx.store.listMessages(mb.id)) {
    out.push(Buffer.concat([Buffer.from(m.prefix), await server.ctx.blobs.read(m.blobHash)]).toString('utf8'));
  }
  return out;
}
