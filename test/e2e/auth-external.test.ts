// EXTERNAL (RFC 4422 Appendix A) with TLS client certificates over a real TLS socket on 127.0.0.1:
// the CA and client certificates are made with openssl(1) for the test.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { createSelfSigned } from '../../src/tls/index.ts';
import { makeFixture, type Fixture } from '../../src/sasl/fixtures.test-helper.ts';
import { enc, LineClient, serveSasl } from './auth-wire.test-helper.ts';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
let dir: string;
let server: Server;
let f: Fixture;
const pem: Record<string, string> = {};

function makeCerts(): void {
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  o('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Postern test CA');
  const client = (name: string, subject: string, san: string, signer: 'ca' | 'self') => {
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=clientAuth\n`);
    if (signer === 'self') {
      o('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject, '-addext', `subjectAltName=${san}`);
    } else {
      o('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      o('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    }
    pem[`${name}.key`] = readFileSync(join(dir, `${name}.key`), 'utf8');
    pem[`${name}.pem`] = readFileSync(join(dir, `${name}.pem`), 'utf8');
  };
  client('alice', '/CN=Alice', 'email:alice@example.test', 'ca');
  client('ghost', '/CN=ghost@example.test', 'DNS:ghost.example.test', 'ca');
  client('forged', '/CN=Alice', 'email:alice@example.test', 'self');
  pem['ca.pem'] = readFileSync(join(dir, 'ca.pem'), 'utf8');
}

before(async () => {
  if (!haveOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'postern-ext-'));
  makeCerts();
  f = await makeFixture({ mechanisms: ['EXTERNAL', 'PLAIN'], external_listeners: ['certs'], master_users: [], delay_after_failures: 100 });
  await f.directory.createUser('alice@example.test', 'pw');
  await f.directory.createUser('bob@example.test', 'pw');
  const cert = createSelfSigned(['localhost']);
  server = createServer({ key: cert.keyPem, cert: cert.certPem, requestCert: true, rejectUnauthorized: false, ca: pem['ca.pem'] }, (sock: TLSSocket) => {
    void serveSasl(sock, f.auth, { protocol: 'imap', remoteAddress: sock.remoteAddress!, secure: true, allowPlaintext: false, tlsSocket: sock, listener: 'certs' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
after(async () => {
  if (!haveOpenssl) return;
  await new Promise((r) => server.close(r));
  await f.close();
  rmSync(dir, { recursive: true, force: true });
});

async function client(name?: string): Promise<LineClient> {
  const sock = connect({
    host: '127.0.0.1', port: (server.address() as { port: number }).port, rejectUnauthorized: false,
    ...(name ? { key: pem[`${name}.key`], cert: pem[`${name}.pem`] } : {}),
  });
  await new Promise<void>((resolve, reject) => sock.once('secureConnect', resolve).once('error', reject));
  const c = new LineClient(sock);
  assert.equal(await c.next(), 'READY');
  return c;
}

test('EXTERNAL: a CA-signed certificate with an rfc822Name logs in as that account', async (t) => {
  if (!haveOpenssl) return t.skip('openssl not installed');
  const c = await client('alice');
  assert.equal(await c.send('MECHS'), 'MECHS EXTERNAL PLAIN');
  assert.equal(await c.send('AUTH EXTERNAL ='), 'OK', 'empty authzid: act as the certificate\'s account');
  assert.equal(await c.send(`AUTH EXTERNAL ${enc('alice@example.test')}`), 'OK');
  assert.equal(await c.send(`AUTH EXTERNAL ${enc('bob@example.test')}`), 'NO invalid-credentials', 'no proxy right');
  assert.equal(await c.send('AUTH EXTERNAL'), '+ ', 'no initial response: empty challenge');
  assert.equal(await c.send(''), 'OK');
  c.close();
});

test('EXTERNAL fails without a certificate, with a self-signed one, or when no account matches', async (t) => {
  if (!haveOpenssl) return t.skip('openssl not installed');
  for (const who of [undefined, 'forged', 'ghost']) {
    const c = await client(who);
    assert.equal(await c.send('AUTH EXTERNAL ='), 'NO invalid-credentials', String(who));
    c.close();
  }
});

test('EXTERNAL is not offered on other listeners', async (t) => {
  if (!haveOpenssl) return t.skip('openssl not installed');
  assert.deepEqual(f.auth.mechanisms({ protocol: 'imap', remoteAddress: '127.0.0.1', secure: true, allowPlaintext: false, listener: 'other', tlsSocket: {} as TLSSocket }), ['PLAIN']);
});
