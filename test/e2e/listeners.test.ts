// net/ over real sockets: access rules and limits before the greeting, implicit TLS, graceful
// shutdown. A tiny line-echo protocol stands in for the real ones.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { Context } from '../../src/context.ts';
import { LineReader, type Connection, type ProtocolHandler } from '../../src/net/index.ts';
import { startTestServer } from '../helpers/server.ts';

/** Greets, echoes lines; on shutdown says goodbye (unless told to ignore it). */
function echoHandler(opts: { ignoreShutdown?: boolean } = {}) {
  return (_ctx: Context): ProtocolHandler => ({
    refusal: (reason) => `BUSY ${reason}\r\n`,
    handle: (conn: Connection) => new Promise<void>((resolve) => {
      const reader = new LineReader(100);
      conn.socket.write(`HELLO ${conn.implicitTls ? 'tls' : 'plain'}\r\n`);
      conn.socket.on('data', (d: Buffer) => {
        for (const e of reader.push(d)) conn.socket.write(e.kind === 'line' ? `ECHO ${e.line}\r\n` : 'TOO LONG\r\n');
      });
      if (!opts.ignoreShutdown) conn.shutdown.addEventListener('abort', () => conn.socket.end('BYE shutting down\r\n'));
      conn.socket.on('close', () => resolve());
      conn.socket.on('error', () => {});
    }),
  });
}

/** The first line the server sends; the socket stays open. */
function firstLine(sock: Socket): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\r\n');
      if (i >= 0) done(buf.slice(0, i));
    };
    const done = (line: string) => {
      sock.off('data', onData);
      sock.off('end', onEnd);
      sock.pause();
      resolve(line);
    };
    const onEnd = () => done(buf);
    sock.on('data', onData);
    sock.on('end', onEnd);
  });
}

async function open(port: number): Promise<Socket> {
  const s = netConnect(port, '127.0.0.1');
  await once(s, 'connect');
  return s;
}

test('deny and allow rules refuse before the greeting, with the protocol\'s line', async () => {
  const srv = await startTestServer({
    handlers: { pop3: echoHandler() },
    listeners: [
      { name: 'denied', protocol: 'pop3', tls: 'none', deny: ['127.0.0.0/8'] },
      { name: 'notallowed', protocol: 'pop3', tls: 'none', allow: ['192.0.2.0/24', '2001:db8::/32'] },
      { name: 'open', protocol: 'pop3', tls: 'none', allow: ['127.0.0.1'] },
    ],
  });
  try {
    assert.equal(await firstLine(await open(srv.port('denied'))), 'BUSY denied');
    assert.equal(await firstLine(await open(srv.port('notallowed'))), 'BUSY denied');
    const ok = await open(srv.port('open'));
    assert.equal(await firstLine(ok), 'HELLO plain');
    ok.destroy();
  } finally {
    await srv.close();
  }
});

test('max_connections and max_connections_per_ip answer with a refusal, and free up on close', async () => {
  const srv = await startTestServer({
    handlers: { pop3: echoHandler() },
    listeners: [
      { name: 'total', protocol: 'pop3', tls: 'none', limits: { max_connections: 2, connection_rate_per_ip: 0 } },
      { name: 'perip', protocol: 'pop3', tls: 'none', limits: { max_connections_per_ip: 1, connection_rate_per_ip: 0 } },
    ],
  });
  try {
    const a = await open(srv.port('total'));
    assert.equal(await firstLine(a), 'HELLO plain');
    const b = await open(srv.port('total'));
    assert.equal(await firstLine(b), 'HELLO plain');
    assert.equal(await firstLine(await open(srv.port('total'))), 'BUSY too-many-connections');
    a.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const c = await open(srv.port('total'));
    assert.equal(await firstLine(c), 'HELLO plain');
    const p = await open(srv.port('perip'));
    assert.equal(await firstLine(p), 'HELLO plain');
    assert.equal(await firstLine(await open(srv.port('perip'))), 'BUSY too-many-from-ip');
    for (const s of [b, c, p]) s.destroy();
  } finally {
    await srv.close();
  }
});

test('connection_rate_per_ip refuses the connection over the rate', async () => {
  const srv = await startTestServer({ handlers: { pop3: echoHandler() }, listeners: [{ name: 'r', protocol: 'pop3', tls: 'none', limits: { connection_rate_per_ip: 3 } }] });
  try {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await open(srv.port('r'));
      lines.push(await firstLine(s));
      s.destroy();
    }
    assert.deepEqual(lines, ['HELLO plain', 'HELLO plain', 'HELLO plain', 'BUSY rate-limited']);
  } finally {
    await srv.close();
  }
});

test('implicit TLS: handshake first, then the session; the line reader enforces its limit', async () => {
  const srv = await startTestServer({ handlers: { pop3: echoHandler() }, listeners: [{ name: 't', protocol: 'pop3', tls: 'implicit' }] });
  try {
    const s = tlsConnect({ host: '127.0.0.1', port: srv.port('t'), servername: 'localhost', ca: srv.certPem });
    await once(s, 'secureConnect');
    assert.equal(s.authorized, true);
    assert.ok(['TLSv1.2', 'TLSv1.3'].includes(s.getProtocol() ?? ''));
    const got: string[] = [];
    s.on('data', (d: Buffer) => got.push(...d.toString().split('\r\n').filter(Boolean)));
    s.write('one\r\n' + 'x'.repeat(200) + '\r\ntwo\r\n');
    while (got.length < 4) await once(s, 'data');
    assert.deepEqual(got, ['HELLO tls', 'ECHO one', 'TOO LONG', 'ECHO two']);
    s.destroy();
    const old = tlsConnect({ host: '127.0.0.1', port: srv.port('t'), ca: srv.certPem, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
    const [err] = (await once(old, 'error')) as [Error];
    assert.match(err.message, /protocol|version|alert/i);
  } finally {
    await srv.close();
  }
});

test('graceful shutdown: sessions are told, say goodbye, and the listener stops accepting', async () => {
  const srv = await startTestServer({ handlers: { pop3: echoHandler() }, listeners: [{ name: 'g', protocol: 'pop3', tls: 'none' }] });
  const port = srv.port('g');
  const s = await open(port);
  assert.equal(await firstLine(s), 'HELLO plain');
  let rest = '';
  s.on('data', (d: Buffer) => (rest += d.toString()));
  s.resume();
  const closed = once(s, 'close');
  await srv.close();
  await closed;
  assert.equal(rest, 'BYE shutting down\r\n');
  const late = netConnect(port, '127.0.0.1');
  const [err] = (await once(late, 'error')) as [NodeJS.ErrnoException];
  assert.equal(err.code, 'ECONNREFUSED');
});

test('graceful shutdown closes sessions that ignore it once the timeout passes', async () => {
  const srv = await startTestServer({ handlers: { pop3: echoHandler({ ignoreShutdown: true }) }, listeners: [{ name: 'g', protocol: 'pop3', tls: 'none' }] });
  const s = await open(srv.port('g'));
  assert.equal(await firstLine(s), 'HELLO plain');
  const closed = once(s, 'close');
  await srv.stop(200);
  await closed;
  assert.equal(s.destroyed, true);
  await srv.close();
});
