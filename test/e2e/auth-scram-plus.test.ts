// SCRAM-*-PLUS over real TLS on 127.0.0.1, through a full in-process Postern (listener, TLS,
// store, directory, authenticator), with both channel-binding types and the downgrade check.
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ScramClient } from '../../src/sasl/scram-client.test-helper.ts';
import { dec, enc, LineClient, saslTestHandler, clientChannelBinding } from './auth-wire.test-helper.ts';

let server: TestServer;
const fast = { argon2_memory_kib: 1024, argon2_passes: 1, scram_iterations: 4096, delay_after_failures: 100 };

before(async () => {
  server = await startTestServer({
    listeners: [{ name: 'secure', protocol: 'imap', tls: 'implicit' }, { name: 'clear', protocol: 'imap', tls: 'none' }],
    config: { auth: fast },
    users: { 'alice@example.test': 'pencil and paper' },
    handlers: { imap: saslTestHandler },
    captureLogs: true,
  });
});
after(() => server.close());

async function tlsClient(opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3' } = {}): Promise<{ c: LineClient; sock: TLSSocket }> {
  const sock = connect({ host: '127.0.0.1', port: server.port('secure'), ca: server.certPem, servername: 'localhost', ...opts });
  await new Promise<void>((resolve, reject) => sock.once('secureConnect', resolve).once('error', reject));
  const c = new LineClient(sock);
  assert.equal(await c.next(), 'READY');
  return { c, sock };
}

async function scram(c: LineClient, mech: string, client: ScramClient, overrides: { cb?: string } = {}): Promise<string> {
  const s1 = await c.send(`AUTH ${mech} ${enc(client.first())}`);
  if (!s1.startsWith('+ ')) return s1;
  const s2 = await c.send(enc(client.final(dec(s1.slice(2)), overrides)));
  if (s2.startsWith('+ ')) return `${dec(s2.slice(2))} / ${await c.send('*')}`;
  return s2;
}

test('over TLS 1.3 the -PLUS mechanisms are offered, first', async () => {
  const { c } = await tlsClient();
  const mechs = (await c.send('MECHS')).split(' ').slice(1);
  assert.deepEqual(mechs.slice(0, 4), ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1']);
  c.close();
});

for (const mech of ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'] as const) {
  for (const type of ['tls-exporter', 'tls-server-end-point']) {
    test(`${mech} with ${type} succeeds and the server proves itself`, async () => {
      const { c, sock } = await tlsClient();
      const client = new ScramClient({
        h: mech.includes('256') ? 'sha256' : 'sha1', user: 'alice@example.test', password: 'pencil and paper',
        cnonce: 'client-nonce-1', gs2Header: `p=${type},,`, cbData: clientChannelBinding(sock, type),
      });
      const r = await scram(c, mech, client);
      assert.equal(r, `OK ${enc(`v=${client.expectedServerSignature}`)}`);
      c.close();
    });
  }
}

test('channel-binding data from another TLS connection is refused (a man in the middle)', async () => {
  const a = await tlsClient();
  const b = await tlsClient();
  const client = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pencil and paper', cnonce: 'n', gs2Header: 'p=tls-exporter,,', cbData: clientChannelBinding(b.sock, 'tls-exporter') });
  assert.equal(await scram(a.c, 'SCRAM-SHA-256-PLUS', client), 'e=channel-bindings-dont-match / NO invalid-credentials');
  a.c.close();
  b.c.close();
});

test('downgrade check: "y" while -PLUS is offered fails with e=server-does-support-channel-binding', async () => {
  const { c } = await tlsClient();
  const client = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pencil and paper', cnonce: 'n', gs2Header: 'y,,' });
  assert.equal(await scram(c, 'SCRAM-SHA-256', client), 'e=server-does-support-channel-binding / NO invalid-credentials');
  // "n" (a client without channel binding) is still fine.
  const plain = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pencil and paper', cnonce: 'n' });
  assert.match(await scram(c, 'SCRAM-SHA-256', plain), /^OK /);
  c.close();
});

test('over TLS 1.2 only tls-server-end-point is available', async () => {
  const { c, sock } = await tlsClient({ maxVersion: 'TLSv1.2' });
  assert.equal(sock.getProtocol(), 'TLSv1.2');
  const exp = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pencil and paper', cnonce: 'n', gs2Header: 'p=tls-exporter,,', cbData: Buffer.alloc(32) });
  assert.equal(await scram(c, 'SCRAM-SHA-256-PLUS', exp), 'NO malformed');
  const sep = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pencil and paper', cnonce: 'n', gs2Header: 'p=tls-server-end-point,,', cbData: clientChannelBinding(sock, 'tls-server-end-point') });
  assert.match(await scram(c, 'SCRAM-SHA-256-PLUS', sep), /^OK /);
  c.close();
});

test('PLAIN works over TLS; a cleartext listener offers nothing and refuses everything', async () => {
  const { c } = await tlsClient();
  assert.equal(await c.send(`AUTH PLAIN ${enc('\0alice@example.test\0pencil and paper')}`), 'OK');
  c.close();
  const sock = netConnect(server.port('clear'), '127.0.0.1');
  const p = new LineClient(sock);
  assert.equal(await p.next(), 'READY');
  assert.equal(await p.send('MECHS'), 'MECHS');
  assert.equal(await p.send(`AUTH PLAIN ${enc('\0alice@example.test\0pencil and paper')}`), 'NO unavailable');
  p.close();
});

test('log lines carry ip and mechanism, never the password', () => {
  const auth = server.logLines.filter((l) => String(l.event).startsWith('auth.'));
  assert.ok(auth.some((l) => l.event === 'auth.succeeded' && l.mechanism === 'SCRAM-SHA-256-PLUS' && l.ip === '127.0.0.1'));
  assert.ok(auth.some((l) => l.event === 'auth.failed' && l.ip === '127.0.0.1'));
  assert.ok(!JSON.stringify(server.logLines).includes('pencil and paper'));
});
