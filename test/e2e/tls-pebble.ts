// Runs Let's Encrypt's test CA `pebble` on loopback for the ACME tests: its own API certificate
// (the Debian package ships none), a config whose httpPort/tlsPort are the test's listeners, and a
// tiny DNS stub (RFC 1035) on 127.0.0.1 that answers A 127.0.0.1 for every name, passed to pebble
// with -dnsserver so its validation authority never asks a real resolver.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createSelfSigned } from '../../src/tls/index.ts';

export function pebbleMissing(): string | undefined {
  const r = spawnSync('pebble', ['-h'], { stdio: 'ignore' });
  return r.error ? 'pebble is not installed (apt-get install pebble)' : undefined;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** RFC 1035 §4.1: answers every A question with 127.0.0.1 and anything else with no records. */
export async function startDnsStub(): Promise<{ port: number; queries: string[]; close(): Promise<void> }> {
  const sock: UdpSocket = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off]!;
      labels.push(msg.subarray(off + 1, off + 1 + len).toString('ascii'));
      off += 1 + len;
    }
    off += 1;
    if (off + 4 > msg.length) return;
    const qtype = msg.readUInt16BE(off);
    const question = msg.subarray(12, off + 4);
    queries.push(`${labels.join('.')}/${qtype}`);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // id
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100), 2); // QR, AA, RD copied, NOERROR
    header.writeUInt16BE(1, 4);
    const answer = qtype === 1 ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]) : Buffer.alloc(0);
    header.writeUInt16BE(qtype === 1 ? 1 : 0, 6);
    sock.send(Buffer.concat([header, question, answer]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, queries, close: () => new Promise<void>((r) => sock.close(() => r())) };
}

export interface Pebble {
  directoryUrl: string;
  /** The CA bundle to trust for the directory URL (pebble's API certificate). */
  caFile: string;
  output: string[];
  stop(): Promise<void>;
}

export interface PebblePlan { dir: string; directoryUrl: string; caFile: string; listen: number; mgmt: number }

/** Picks pebble's ports and writes its API certificate, so a config can name the CA before it runs. */
export async function planPebble(dir: string): Promise<PebblePlan> {
  const api = createSelfSigned(['localhost', '127.0.0.1']);
  const caFile = join(dir, 'pebble-api.pem');
  await writeFile(caFile, api.certPem);
  await writeFile(join(dir, 'pebble-api.key'), api.keyPem, { mode: 0o600 });
  const listen = await freePort();
  const mgmt = await freePort();
  return { dir, directoryUrl: `https://127.0.0.1:${listen}/dir`, caFile, listen, mgmt };
}

export async function startPebble(dirOrPlan: string | PebblePlan, opts: { httpPort: number; tlsPort: number; dnsPort: number; nonceReject?: number }): Promise<Pebble> {
  const plan = typeof dirOrPlan === 'string' ? await planPebble(dirOrPlan) : dirOrPlan;
  const { dir, caFile, listen, mgmt } = plan;
  await writeFile(join(dir, 'pebble.json'), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${listen}`,
      managementListenAddress: `127.0.0.1:${mgmt}`,
      certificate: join(dir, 'pebble-api.pem'),
      privateKey: join(dir, 'pebble-api.key'),
      httpPort: opts.httpPort,
      tlsPort: opts.tlsPort,
      ocspResponderURL: '',
      externalAccountBindingRequired: false,
    },
  }));
  const child: ChildProcess = spawn('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${opts.dnsPort}`, '-strict'], {
    env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: String(opts.nonceReject ?? 5), PEBBLE_AUTHZREUSE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const onLine = (d: Buffer) => {
      output.push(...String(d).split('\n').filter(Boolean));
      if (/Listening on/.test(String(d))) resolve();
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => reject(new Error(`pebble exited (${code}): ${output.join('\n')}`)));
  });
  return {
    directoryUrl: plan.directoryUrl,
    caFile,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
