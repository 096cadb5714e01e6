// ALPN on our TLS listeners (RFC 7301, RFC 9325 §3.8 against cross-protocol attacks) and the
// ACME responders (RFC 8737 TLS-ALPN-01, RFC 8555 §8.3 HTTP-01) without a CA: a pending challenge
// answered, nothing answered when none is pending.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { test } from 'node:test';
import { connect } from 'node:tls';
import { alpnFor, createAlpnChallengeCertificate, createTlsProvider } from '../../src/tls/index.ts';
import { startTestServer } from '../helpers/server.ts';
import { startUpgradeServer, tempDir, tlsSettings, writeCert } from './tls-support.ts';

async function setup(t: import('node:test').TestContext, req?: import('../../src/tls/index.ts').ServerOptionsRequest) {
  const dir = await tempDir();
  await writeCert(dir.dir, 'cert', ['mail.example.test']);
  const provider = createTlsProvider({ dataDir: dir.dir, settings: tlsSettings({ private_key: 'tls/cert.key' }) });
  const server = await startUpgradeServer(provider, req);
  t.after(async () => {
    provider.close();
    await server.close();
    await dir.cleanup();
  });
  return { provider, port: server.port };
}

function hello(port: number, opts: { alpn: string[]; servername?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' }) {
  return new Promise<{ alpn: string | false | null; fingerprint: string; ext: boolean }>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: opts.servername ?? 'mail.example.test', ALPNProtocols: opts.alpn, rejectUnauthorized: false, ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}) }, () => {
      const cert = s.getPeerX509Certificate()!;
      resolve({ alpn: s.alpnProtocol, fingerprint: cert.fingerprint256, ext: cert.raw.includes(Buffer.from('06082b0601050507011f', 'hex')) });
      s.end();
    });
    s.once('error', reject);
  });
}

test('negotiates a mail protocol id, and refuses ids we do not speak (ALPACA)', async (t) => {
  const { port } = await setup(t);
  assert.equal((await hello(port, { alpn: ['h2', 'imap'] })).alpn, 'imap');
  await assert.rejects(hello(port, { alpn: ['h2'] }), /no application protocol/);
});

test('a listener that names its protocol accepts only that id', async (t) => {
  const { port } = await setup(t, { alpn: alpnFor('submission') });
  assert.equal((await hello(port, { alpn: ['http/1.1', 'smtp'] })).alpn, 'smtp');
  await assert.rejects(hello(port, { alpn: ['imap', 'http/1.1'] }), /no application protocol/);
  assert.equal((await hello(port, { alpn: [] })).alpn, false, 'no ALPN offered, none negotiated');
});

test('refuses acme-tls/1 when no challenge is pending', async (t) => {
  const { port } = await setup(t);
  await assert.rejects(hello(port, { alpn: ['acme-tls/1'] }), /no application protocol/);
});

test('answers a pending TLS-ALPN-01 challenge with the challenge certificate, other clients with the real one', async (t) => {
  const { port, provider } = await setup(t);
  const c = createAlpnChallengeCertificate('mail.example.test', 'token.thumb');
  provider.challenges.setAlpn('mail.example.test', c.certPem, c.keyPem);
  const v = await hello(port, { alpn: ['acme-tls/1'] });
  assert.equal(v.alpn, 'acme-tls/1');
  assert.ok(v.ext, 'the challenge certificate carries id-pe-acmeIdentifier');
  const normal = await hello(port, { alpn: ['smtp'] });
  assert.equal(normal.ext, false);
  // TLS 1.2 picks the certificate before ALPN: refused rather than answered wrongly.
  await assert.rejects(hello(port, { alpn: ['acme-tls/1'], maxVersion: 'TLSv1.2' }), /no application protocol/);
  provider.challenges.deleteAlpn('mail.example.test');
  await assert.rejects(hello(port, { alpn: ['acme-tls/1'] }), /no application protocol/);
});

test('the http listener serves pending HTTP-01 key authorisations and 404 otherwise', async (t) => {
  const srv = await startTestServer({ listeners: [{ name: 'http', protocol: 'http', tls: 'none' }] });
  t.after(() => srv.close());
  const fetchPath = (path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port: srv.port('http'), path }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
  srv.ctx.tls.challenges.setHttp('tok_123-x', 'tok_123-x.thumbprint');
  assert.deepEqual(await fetchPath('/.well-known/acme-challenge/tok_123-x'), { status: 200, body: 'tok_123-x.thumbprint' });
  assert.equal((await fetchPath('/.well-known/acme-challenge/other')).status, 404);
  assert.equal((await fetchPath('/.well-known/acme-challenge/tok%2F123')).status, 404, 'only base64url tokens are looked up');
  srv.ctx.tls.challenges.deleteHttp('tok_123-x');
  assert.equal((await fetchPath('/.well-known/acme-challenge/tok_123-x')).status, 404);
});
