// Certificate reload: explicitly (what SIGHUP calls) and when the files change (fs.watch and the
// poll fallback). New handshakes get the new certificate; a session opened before keeps working;
// unusable files keep the old certificate and log why.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createMemoryLogger } from '../../src/observe/index.ts';
import { createSelfSigned, createTlsProvider, watchFiles } from '../../src/tls/index.ts';
import { startTestServer } from '../helpers/server.ts';
import { echo, handshake, startUpgradeServer, tempDir, tlsSettings, writeCert } from './tls-support.ts';

async function setup(t: import('node:test').TestContext, over: Record<string, unknown> = {}) {
  const dir = await tempDir();
  const first = await writeCert(dir.dir, 'cert', ['mail.example.test']);
  const log = createMemoryLogger('debug');
  const provider = createTlsProvider({ dataDir: dir.dir, settings: tlsSettings({ private_key: 'tls/cert.key', ...over }), log });
  const server = await startUpgradeServer(provider);
  t.after(async () => {
    provider.close();
    await server.close();
    await dir.cleanup();
  });
  return { dir: dir.dir, first, log, provider, server };
}

/** Writes a new key and certificate the way ACME does: temp files, then rename. */
async function replaceCert(dir: string, hostnames: string[]) {
  const c = createSelfSigned(hostnames);
  const tmp = randomBytes(4).toString('hex');
  await writeFile(join(dir, 'tls', `key.${tmp}`), c.keyPem, { mode: 0o600 });
  await writeFile(join(dir, 'tls', `cert.${tmp}`), c.certPem);
  await rename(join(dir, 'tls', `key.${tmp}`), join(dir, 'tls', 'cert.key'));
  await rename(join(dir, 'tls', `cert.${tmp}`), join(dir, 'tls', 'cert.pem'));
  return c.fingerprint256;
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await sleep(20); // bounded by the test timeout, never asserted on
}

test('reload() serves the new certificate to new handshakes while an old session keeps working', async (t) => {
  const { dir, first, provider, server, log } = await setup(t);
  const old = await handshake(server.port, { servername: 'mail.example.test' });
  assert.equal(old.fingerprint, first.fingerprint);
  const next = await replaceCert(dir, ['mail.example.test']);
  assert.deepEqual(provider.reload(), { ok: true, changed: true });
  assert.ok(log.lines.some((l) => l.event === 'tls.reload.ok'));
  const fresh = await handshake(server.port, { servername: 'mail.example.test' });
  fresh.socket.end();
  assert.equal(fresh.fingerprint, next);
  assert.equal(await echo(old.socket, 'still here\n'), 'still here\n');
  old.socket.end();
  assert.deepEqual(provider.reload(), { ok: true, changed: false }, 'unchanged files are not reloaded again');
});

test('reload() keeps the old certificate when the new files are unusable, and logs why', async (t) => {
  const { dir, first, provider, server, log } = await setup(t);
  await writeFile(join(dir, 'tls', 'cert.pem'), 'not a certificate\n');
  const bad = provider.reload();
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.error, /cert\.pem: is not a PEM certificate/);
  // A certificate whose key is another one's.
  await writeFile(join(dir, 'tls', 'cert.pem'), createSelfSigned(['mail.example.test']).certPem);
  const mismatch = provider.reload();
  assert.match(mismatch.ok ? '' : mismatch.error, /cert\.key: is not the private key of/);
  assert.equal(log.lines.filter((l) => l.event === 'tls.reload.failed').length, 2);
  const h = await handshake(server.port, { servername: 'mail.example.test' });
  h.socket.end();
  assert.equal(h.fingerprint, first.fingerprint);
});

for (const mode of ['fs.watch', 'poll'] as const) {
  test(`reloads by itself when the files change (${mode})`, async (t) => {
    const { dir, provider, server, log } = await setup(t, { watch: true });
    if (mode === 'poll') {
      // The provider's own watcher uses fs.watch; prove the poll path on its own as well.
      provider.close();
      const w = watchFiles([join(dir, 'tls', 'cert.pem'), join(dir, 'tls', 'cert.key')], () => provider.reload(), { debounceMs: 50, pollMs: 100, fsWatch: false });
      t.after(() => w.close());
    } else provider.start();
    const old = await handshake(server.port, { servername: 'mail.example.test' });
    const next = await replaceCert(dir, ['mail.example.test']);
    await until(() => log.lines.some((l) => l.event === 'tls.reload.ok'));
    const fresh = await handshake(server.port, { servername: 'mail.example.test' });
    fresh.socket.end();
    assert.equal(fresh.fingerprint, next);
    assert.equal(await echo(old.socket, 'ping\n'), 'ping\n');
    old.socket.end();
  });
}

test('a running server reloads on ctx.tls.reload() (the SIGHUP path) without dropping a session', async (t) => {
  const srv = await startTestServer({ listeners: [{ name: 'https', protocol: 'http', tls: 'implicit' }], captureLogs: true });
  t.after(() => srv.close());
  const port = srv.port('https');
  const { connect } = await import('node:tls');
  const old = connect({ host: '127.0.0.1', port, servername: 'mail.example.test', ca: srv.certPem });
  await new Promise((r, j) => old.once('secureConnect', r).once('error', j));
  const c = createSelfSigned(['mail.example.test']);
  await writeFile(join(srv.dataDir, 'tls', 'key.pem'), c.keyPem);
  await writeFile(join(srv.dataDir, 'tls', 'cert.pem'), c.certPem);
  assert.deepEqual(srv.ctx.tls.reload(), { ok: true, changed: true });
  const fresh = connect({ host: '127.0.0.1', port, servername: 'mail.example.test', ca: c.certPem });
  await new Promise((r, j) => fresh.once('secureConnect', r).once('error', j));
  assert.equal(fresh.getPeerX509Certificate()?.fingerprint256, c.fingerprint256);
  fresh.end();
  const reply = await new Promise<string>((resolve) => {
    old.once('data', (d) => resolve(String(d)));
    old.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  });
  assert.match(reply, /^HTTP\/1\.1 200/);
});

test('sessions resume across a certificate reload but not across a ticket key rotation', async (t) => {
  const { dir, provider, server } = await setup(t);
  const ticket = async () => {
    const h = await handshake(server.port, { servername: 'mail.example.test' });
    const session = await new Promise<Buffer>((r) => h.socket.once('session', r));
    return { h, session };
  };
  const resumes = async (session: Buffer) => {
    const h = await handshake(server.port, { servername: 'mail.example.test', session });
    h.socket.end();
    return h.reused;
  };
  const a = await ticket();
  a.h.socket.end();
  await replaceCert(dir, ['mail.example.test']);
  assert.equal(provider.reload().ok, true);
  assert.equal(await resumes(a.session), true, 'the ticket key survives a reload');
  const b = await ticket();
  provider.rotateTicketKey();
  assert.equal(await resumes(b.session), false, 'a ticket sealed with the old key is not accepted');
  assert.equal(await echo(b.h.socket, 'open\n'), 'open\n', 'the established session is untouched');
  b.h.socket.end();
  const c = await ticket();
  c.h.socket.end();
  assert.equal(await resumes(c.session), true, 'tickets under the new key resume');
});

test('a long-lived tls.Server passed to attachServer follows reloads, also for clients without SNI', async (t) => {
  const { createServer } = await import('node:tls');
  const { dir, provider } = await setup(t);
  const server = createServer(provider.serverOptions(), (s) => s.end('hello\n'));
  const detach = provider.attachServer(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    detach();
    server.close();
  });
  const port = (server.address() as { port: number }).port;
  const next = await replaceCert(dir, ['mail.example.test']);
  assert.equal(provider.reload().ok, true);
  for (const servername of [undefined, 'mail.example.test']) {
    const h = await handshake(port, servername ? { servername } : {});
    h.socket.destroy();
    assert.equal(h.fingerprint, next, `SNI ${servername ?? 'absent'}`);
  }
});
