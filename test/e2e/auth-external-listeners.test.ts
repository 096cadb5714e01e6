// SASL EXTERNAL over the real IMAP and SMTP listeners: a listener with client_certificates asks
// for a TLS client certificate, verified against [tls] client_ca; EXTERNAL maps it to an account.
// The CA and client certificates are made with openssl(1) for the test.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
let dir: string;
let server: TestServer;
const pem: Record<string, string> = {};

function makeCerts(): void {
  const o = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  o('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Postern client CA');
  for (const [name, signer] of [['alice', 'ca'], ['forged', 'self']] as const) {
    if (signer === 'self') {
      o('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', '/CN=Alice', '-addext', 'subjectAltName=email:alice@example.test');
    } else {
      writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=email:alice@example.test\nextendedKeyUsage=clientAuth\n');
      o('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=Alice');
      o('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
    }
    pem[name] = readFileSync(join(dir, `${name}.pem`), 'utf8');
    pem[`${name}.key`] = readFileSync(join(dir, `${name}.key`), 'utf8');
  }
}

before(async () => {
  if (!haveOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'postern-extl-'));
  makeCerts();
  server = await startTestServer({
    listeners: [
      { name: 'imaps', protocol: 'imap', tls: 'implicit', client_certificates: true },
      { name: 'subs', protocol: 'submission', tls: 'implicit', client_certificates: true },
      { name: 'plainimaps', protocol: 'imap', tls: 'implicit' },
    ],
    config: {
      tls: { client_ca: join(dir, 'ca.pem') },
      auth: { mechanisms: ['EXTERNAL', 'PLAIN'], external_listeners: ['imaps', 'subs', 'plainimaps'] },
    },
    users: { 'alice@example.test': 'alice-password' },
  });
});
after(async () => {
  if (!haveOpenssl) return;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A line-oriented TLS client that presents the named client certificate (or none). */
async function open(port: number, cert?: 'alice' | 'forged') {
  const sock: TLSSocket = connect({ host: '127.0.0.1', port, ca: server.certPem, servername: 'localhost', ...(cert ? { cert: pem[cert], key: pem[`${cert}.key`] } : {}) });
  await once(sock, 'secureConnect');
  let buf = '';
  const waiters: (() => void)[] = [];
  sock.on('data', (d: Buffer) => {
    buf += d.toString();
    waiters.splice(0).forEach((w) => w());
  });
  const line = async (re: RegExp): Promise<string> => {
    for (;;) {
      const lines = buf.split('\r\n');
      const i = lines.findIndex((l, k) => k < lines.length - 1 && re.test(l));
      if (i >= 0) {
        buf = lines.slice(i + 1).join('\r\n');
        return lines[i]!;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { sock, line, send: (s: string) => sock.write(s + '\r\n') };
}

test('IMAP: AUTHENTICATE EXTERNAL with a certificate from the client CA logs in', { skip: !haveOpenssl && 'openssl not installed' }, async () => {
  const c = await open(server.port('imaps'), 'alice');
  await c.line(/^\* OK/);
  c.send('a CAPABILITY');
  assert.match(await c.line(/^\* CAPABILITY/), / AUTH=EXTERNAL/);
  await c.line(/^a OK/);
  c.send('b AUTHENTICATE EXTERNAL =');
  assert.match(await c.line(/^b /), /^b OK/);
  c.send('c SELECT INBOX');
  assert.match(await c.line(/^c /), /^c OK/);
  c.sock.destroy();
});

test('IMAP: a self-signed look-alike certificate or none at all is refused', { skip: !haveOpenssl && 'openssl not installed' }, async () => {
  for (const cert of ['forged', undefined] as const) {
    const c = await open(server.port('imaps'), cert);
    await c.line(/^\* OK/);
    c.send('a AUTHENTICATE EXTERNAL =');
    assert.match(await c.line(/^a /), /^a NO/, `certificate: ${cert ?? 'none'}`);
    c.sock.destroy();
  }
});

test('a listener without client_certificates never asks, so EXTERNAL cannot succeed there', { skip: !haveOpenssl && 'openssl not installed' }, async () => {
  const c = await open(server.port('plainimaps'), 'alice');
  await c.line(/^\* OK/);
  c.send('a AUTHENTICATE EXTERNAL =');
  assert.match(await c.line(/^a /), /^a NO/);
  c.sock.destroy();
});

test('SMTP submission: AUTH EXTERNAL = then mail as the certificate\'s user', { skip: !haveOpenssl && 'openssl not installed' }, async () => {
  const c = await open(server.port('subs'), 'alice');
  await c.line(/^220 /);
  c.send('EHLO client.example');
  assert.match(await c.line(/^250-AUTH /), /\bEXTERNAL\b/);
  await c.line(/^250 /);
  c.send('AUTH EXTERNAL =');
  assert.match(await c.line(/^\d{3} /), /^235 /);
  c.send('MAIL FROM:<alice@example.test>');
  assert.match(await c.line(/^\d{3} /), /^250 /);
  c.sock.destroy();
});

test('config: client_certificates needs [tls] client_ca', async () => {
  await assert.rejects(startTestServer({ listeners: [{ protocol: 'imap', tls: 'implicit', client_certificates: true }] }), /listener\[0\]\.client_certificates: needs \[tls\] client_ca/);
});
