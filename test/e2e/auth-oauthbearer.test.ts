// OAUTHBEARER (RFC 7628) against a token-introspection endpoint (RFC 7662) that the test runs on
// 127.0.0.1, through a full in-process Postern over TLS.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { connect } from 'node:tls';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { dec, enc, LineClient, saslTestHandler } from './auth-wire.test-helper.ts';

let idp: Server;
let server: TestServer;
const seen: { auth: string | undefined; body: string }[] = [];
const tokens: Record<string, object> = {
  'good-token': { active: true, username: 'alice@example.test', scope: 'mail' },
  'expired-token': { active: true, username: 'alice@example.test', exp: 1000 },
  'revoked-token': { active: false },
  'stranger-token': { active: true, username: 'nobody@example.test' },
};

before(async () => {
  idp = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body });
      const token = new URLSearchParams(body).get('token') ?? '';
      if (token === 'boom') {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens[token] ?? { active: false }));
    });
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  const port = (idp.address() as { port: number }).port;
  server = await startTestServer({
    listeners: [{ name: 'secure', protocol: 'imap', tls: 'implicit' }],
    config: {
      auth: {
        argon2_memory_kib: 1024, argon2_passes: 1, scram_iterations: 4096, delay_after_failures: 100,
        mechanisms: ['OAUTHBEARER', 'PLAIN'],
        oauth_introspection_url: `http://127.0.0.1:${port}/introspect`, oauth_client_id: 'postern', oauth_client_secret: 's3cret',
      },
    },
    users: { 'alice@example.test': 'pw' },
    handlers: { imap: saslTestHandler },
  });
});
after(async () => {
  await server.close();
  await new Promise((r) => idp.close(r));
});

async function client(): Promise<LineClient> {
  const sock = connect({ host: '127.0.0.1', port: server.port('secure'), ca: server.certPem, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => sock.once('secureConnect', resolve).once('error', reject));
  const c = new LineClient(sock);
  assert.equal(await c.next(), 'READY');
  return c;
}

const msg = (token: string, authzid = '') => enc(`n,${authzid ? `a=${authzid}` : ''},\x01host=mail.example.test\x01port=993\x01auth=Bearer ${token}\x01\x01`);

test('OAUTHBEARER is offered when configured, and a valid token logs in', async () => {
  const c = await client();
  assert.equal(await c.send('MECHS'), 'MECHS OAUTHBEARER PLAIN');
  assert.equal(await c.send(`AUTH OAUTHBEARER ${msg('good-token')}`), 'OK');
  assert.equal(seen.at(-1)!.auth, `Basic ${Buffer.from('postern:s3cret').toString('base64')}`, 'client authentication at the endpoint');
  assert.match(seen.at(-1)!.body, /^token=good-token&token_type_hint=access_token$/);
  c.close();
});

test('authzid must be the token\'s own account', async () => {
  const c = await client();
  assert.equal(await c.send(`AUTH OAUTHBEARER ${msg('good-token', 'alice@example.test')}`), 'OK');
  const r = await c.send(`AUTH OAUTHBEARER ${msg('good-token', 'bob@example.test')}`);
  assert.ok(r.startsWith('+ '));
  assert.equal(await c.send(enc('\x01')), 'NO invalid-credentials');
  c.close();
});

for (const bad of ['expired-token', 'revoked-token', 'stranger-token', 'unknown-token']) {
  test(`${bad}: RFC 7628 §3.2.2 error challenge, then failure`, async () => {
    const c = await client();
    const r = await c.send(`AUTH OAUTHBEARER ${msg(bad)}`);
    assert.ok(r.startsWith('+ '), r);
    assert.equal(JSON.parse(dec(r.slice(2))).status, 'invalid_token');
    assert.equal(await c.send(enc('\x01')), 'NO invalid-credentials');
    c.close();
  });
}

test('endpoint failure is a temporary error, not a failed login', async () => {
  const c = await client();
  assert.equal(await c.send(`AUTH OAUTHBEARER ${msg('boom')}`), 'NO temporary');
  assert.equal(await c.send(`AUTH OAUTHBEARER ${enc('n,,\x01auth=Basic abc\x01\x01')}`), 'NO malformed');
  c.close();
});
