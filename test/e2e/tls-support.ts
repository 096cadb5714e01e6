// Shared pieces of the TLS wire tests: temp data directories with certificates, a TLS server that
// upgrades sockets exactly as net/ does (new TLSSocket with ctx.tls.serverOptions()), and a client.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, TLSSocket, type ConnectionOptions } from 'node:tls';
import type { ServerOptionsRequest, TlsProvider } from '../../src/tls/index.ts';
import { createSelfSigned } from '../../src/tls/index.ts';

export type KeyType = 'ecdsa-p256' | 'rsa-2048';

export async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'postern-tls-'));
  await mkdir(join(dir, 'tls'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a fresh self-signed certificate as DIR/tls/NAME.pem and NAME.key; returns its PEM and fingerprint. */
export async function writeCert(dir: string, name: string, hostnames: string[], keyType: KeyType = 'ecdsa-p256') {
  const c = createSelfSigned(hostnames, { keyType });
  await writeFile(join(dir, 'tls', `${name}.key`), c.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'tls', `${name}.pem`), c.certPem);
  return { certPem: c.certPem, fingerprint: c.fingerprint256, certificate: `tls/${name}.pem`, private_key: `tls/${name}.key` };
}

export const tlsSettings = (over: Record<string, unknown> = {}) => ({
  certificate: 'tls/cert.pem', private_key: 'tls/key.pem', certificates: [] as { certificate: string; private_key: string }[],
  session_timeout: 7_200_000, ticket_key_rotation: 43_200_000, watch: false, watch_debounce: 50, watch_poll_interval: 200,
  ...over,
});

/** A plain TCP server that upgrades each connection to TLS like net/ does and answers "hello\n". */
export async function startUpgradeServer(tls: TlsProvider, req?: ServerOptionsRequest): Promise<{ port: number; sockets: Set<TLSSocket>; close(): Promise<void> }> {
  const sockets = new Set<TLSSocket>();
  const server: Server = createServer((raw: Socket) => {
    const s = new TLSSocket(raw, { isServer: true, ...tls.serverOptions(req) });
    sockets.add(s);
    s.on('secure', () => s.write('hello\n'));
    s.on('data', (d) => s.write(d)); // echo, to prove an old session still works after a reload
    s.on('error', () => s.destroy());
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sockets,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

export interface Handshake { socket: TLSSocket; fingerprint: string; protocol: string | null; cipher: string; reused: boolean }

/** Connects with SNI `servername`, waits for the greeting line; the caller ends the socket. */
export function handshake(port: number, opts: ConnectionOptions = {}): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
    socket.once('error', reject);
    socket.once('data', () => {
      const peer = socket.getPeerX509Certificate() as X509Certificate | undefined;
      resolve({ socket, fingerprint: peer?.fingerprint256 ?? "(resumed: no certificate)", protocol: socket.getProtocol(), cipher: socket.getCipher().name, reused: socket.isSessionReused() });
    });
  });
}

/** Sends a line over an open session and waits for the echo. */
export function echo(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (d) => resolve(String(d)));
    socket.write(text);
  });
}
