// bench/imap.sh load generator: the same IMAP workload against any server.
//   seed  HOST PORT USER PASS N                 append N deterministic messages to INBOX
//   mixed HOST PORT USER PASS CLIENTS SECONDS   mixed workload; prints {"ops":…, "seconds":…, "opsPerSecond":…}
//   idle  HOST PORT USER PASS N                 N sessions in IDLE; prints "ready N" and waits for SIGTERM
import { connect, type Socket } from 'node:net';

class Client {
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private wait: (() => void) | undefined;
  private seq = 0;
  private closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.wait?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wait?.();
    });
    socket.on('error', () => {});
  }

  static open(host: string, port: number): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection closed');
    await new Promise<void>((r) => (this.wait = r));
    this.wait = undefined;
  }

  /** Reads responses up to the line starting with `tag ` (literals skipped by size). */
  async until(tag: string | null): Promise<string> {
    for (;;) {
      let pos = 0;
      for (;;) {
        const lf = this.buf.indexOf(0x0a, pos);
        if (lf < 0) break;
        const m = /\{(\d+)\}\r?$/.exec(this.buf.subarray(pos, lf).toString('latin1'));
        if (m) {
          const end = lf + 1 + Number(m[1]);
          if (end > this.buf.length) break;
          // The line continues after the literal (possibly with another literal): scan on from there.
          if (this.buf.indexOf(0x0a, end) < 0) break;
          pos = end;
          continue;
        }
        const line = this.buf.subarray(pos, lf).toString('latin1');
        pos = lf + 1;
        if (tag === null ? true : line.startsWith(tag + ' ') || line.startsWith('+')) {
          this.buf = this.buf.subarray(pos);
          return line;
        }
      }
      if (pos > 0) this.buf = this.buf.subarray(pos);
      await this.more();
    }
  }

  async cmd(text: string, literal?: string): Promise<string> {
    const tag = `t${++this.seq}`;
    if (literal !== undefined) {
      this.socket.write(`${tag} ${text} {${Buffer.byteLength(literal)}}\r\n`);
      await this.until(tag);
      this.socket.write(literal + '\r\n');
    } else this.socket.write(`${tag} ${text}\r\n`);
    const r = await this.until(tag);
    if (!r.startsWith(`${tag} OK`)) throw new Error(`${text.slice(0, 40)}: ${r}`);
    return r;
  }

  write(s: string): void {
    this.socket.write(s);
  }

  close(): void {
    this.socket.destroy();
  }
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua invoice meeting report'.split(' ');

function message(i: number, rand: () => number): string {
  const pick = () => words[Math.floor(rand() * words.length)]!;
  const subject = Array.from({ length: 4 }, pick).join(' ');
  const lines = Array.from({ length: 20 + Math.floor(rand() * 60) }, () => Array.from({ length: 12 }, pick).join(' '));
  return [
    `From: Sender ${i % 37} <sender${i % 37}@example.test>`,
    'To: bench@example.test',
    `Subject: ${subject} ${i}`,
    `Date: Mon, ${1 + (i % 28)} Sep 2026 10:${String(i % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <bench-${i}@example.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...lines,
    '',
  ].join('\r\n');
}

const [mode, host = '127.0.0.1', portText = '0', user = '', pass = '', a = '0', b = '0'] = process.argv.slice(2);
const port = Number(portText);

async function login(): Promise<Client> {
  const c = await Client.open(host, port);
  await c.until(null);
  await c.cmd(`LOGIN "${user}" "${pass}"`);
  return c;
}

if (mode === 'seed') {
  const n = Number(a);
  const c = await login();
  const rand = rng(1);
  for (let i = 1; i <= n; i++) await c.cmd(i % 7 === 0 ? 'APPEND INBOX (\\Seen)' : 'APPEND INBOX', message(i, rand));
  await c.cmd('LOGOUT');
  c.close();
} else if (mode === 'mixed') {
  const clients = Number(a);
  const seconds = Number(b);
  const deadline = Date.now() + seconds * 1000;
  let ops = 0;
  const counts: Record<string, number> = {};
  const worker = async (id: number) => {
    const rand = rng(100 + id);
    const c = await login();
    let i = 0;
    while (Date.now() < deadline) {
      const step = i++ % 6;
      let name: string;
      switch (step) {
        case 0: name = 'select'; await c.cmd('SELECT INBOX'); break;
        case 1: name = 'fetch-headers'; await c.cmd('FETCH 1:1000 (UID FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE MESSAGE-ID)])'); break;
        case 2: {
          name = 'fetch-bodies';
          const ids = Array.from({ length: 10 }, () => 1 + Math.floor(rand() * 1000)).join(',');
          await c.cmd(`FETCH ${ids} (BODY.PEEK[])`);
          break;
        }
        case 3: name = 'search'; await c.cmd(`SEARCH ${rand() < 0.5 ? `SUBJECT "${words[Math.floor(rand() * words.length)]}"` : 'FLAGGED SINCE 1-Sep-2026'}`); break;
        case 4: name = 'store'; await c.cmd(`STORE ${1 + Math.floor(rand() * 1000)} ${rand() < 0.5 ? '+' : '-'}FLAGS.SILENT (\\Flagged)`); break;
        default: name = 'append'; await c.cmd('APPEND Bench', message(100000 + id * 1000 + i, rand)); break;
      }
      ops++;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    await c.cmd('LOGOUT').catch(() => {});
    c.close();
  };
  const setup = await login();
  await setup.cmd('CREATE Bench').catch(() => {});
  setup.close();
  const start = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, id) => worker(id)));
  const elapsed = (Date.now() - start) / 1000;
  console.log(JSON.stringify({ clients, ops, seconds: elapsed, opsPerSecond: Math.round((ops / elapsed) * 10) / 10, counts }));
} else if (mode === 'idle') {
  const n = Number(a);
  const open: Client[] = [];
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    const got = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, async () => {
      const c = await login();
      await c.cmd('SELECT INBOX');
      c.write('i IDLE\r\n');
      await c.until('+');
      return c;
    }));
    open.push(...got);
  }
  console.log(`ready ${open.length}`);
  process.on('SIGTERM', () => {
    for (const c of open) c.close();
    process.exit(0);
  });
  setInterval(() => {}, 1 << 30);
} else {
  console.error('usage: imap-load.ts seed|mixed|idle HOST PORT USER PASS …');
  process.exit(2);
}
