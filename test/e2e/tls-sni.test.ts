// SNI selection (RFC 6066 §3) over real TLS sockets: exact and wildcard names, the default for
// unknown or absent names, ECDSA and RSA certificates for the same name chosen by the client's
// signature algorithms, session resumption, the protocol and cipher policy, and the same through
// a real implicit-TLS listener of net/.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { createTlsProvider, type TlsProvider } from '../../src/tls/index.ts';
import { startTestServer } from '../helpers/server.ts';
import { handshake, startUpgradeServer, tempDir, tlsSettings, writeCert } from './tls-support.ts';

describe('SNI certificate selection', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let provider: TlsProvider;
  let server: Awaited<ReturnType<typeof startUpgradeServer>>;
  const fp: Record<string, string> = {};

  before(async () => {
    dir = await tempDir();
    fp.default = (await writeCert(dir.dir, 'cert', ['mail.example.test'])).fingerprint;
    const exact = await writeCert(dir.dir, 'exact', ['imap.example.org']);
    const wild = await writeCert(dir.dir, 'wild', ['*.example.net', 'example.net']);
    const rsa = await writeCert(dir.dir, 'default-rsa', ['mail.example.test'], 'rsa-2048');
    Object.assign(fp, { exact: exact.fingerprint, wild: wild.fingerprint, rsa: rsa.fingerprint });
    provider = createTlsProvider({
      dataDir: dir.dir,
      settings: tlsSettings({ private_key: 'tls/cert.key', certificates: [exact, wild, rsa].map(({ certificate, private_key }) => ({ certificate, private_key })) }),
    });
    server = await startUpgradeServer(provider);
  });
  after(async () => {
    await server.close();
    provider.close();
    await dir.cleanup();
  });

  const cases: [string, string | undefined, string][] = [
    ['an exact name', 'imap.example.org', 'exact'],
    ['an exact name in another case, with a trailing dot', 'IMAP.Example.ORG.', 'exact'],
    ['a wildcard name', 'smtp.example.net', 'wild'],
    ['the bare domain listed beside the wildcard', 'example.net', 'wild'],
    ['the default for a name two labels below the wildcard', 'a.b.example.net', 'default'],
    ['the default for an unknown name', 'other.example', 'default'],
    ['the default without SNI', undefined, 'default'],
  ];
  for (const [what, servername, want] of cases) {
    test(`serves ${what}`, async () => {
      const h = await handshake(server.port, servername ? { servername } : {});
      h.socket.end();
      assert.equal(h.fingerprint, fp[want]);
    });
  }

  for (const servername of ['mail.example.test', undefined]) {
    test(`serves the default name's ECDSA or RSA certificate by the client's algorithms (SNI ${servername ?? 'absent'})`, async () => {
      const sni = servername ? { servername } : {};
      const ec = await handshake(server.port, { ...sni, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' });
      ec.socket.end();
      assert.equal(ec.fingerprint, fp.default);
      const rsa = await handshake(server.port, { ...sni, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
      rsa.socket.end();
      assert.equal(rsa.fingerprint, fp.rsa);
      const rsa13 = await handshake(server.port, { ...sni, sigalgs: 'rsa_pss_rsae_sha256' });
      rsa13.socket.end();
      assert.equal(rsa13.fingerprint, fp.rsa);
      const ec13 = await handshake(server.port, { ...sni, sigalgs: 'ecdsa_secp256r1_sha256' });
      ec13.socket.end();
      assert.equal(ec13.fingerprint, fp.default);
    });
  }

  test('refuses TLS 1.1 and below, and non-AEAD ciphers', async () => {
    await assert.rejects(handshake(server.port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }));
    await assert.rejects(handshake(server.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES128-SHA' }));
    const h13 = await handshake(server.port);
    h13.socket.end();
    assert.equal(h13.protocol, 'TLSv1.3');
  });

  test('prefers the server\'s cipher order in TLS 1.2', async () => {
    const h = await handshake(server.port, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384' });
    h.socket.end();
    assert.equal(h.cipher, 'ECDHE-ECDSA-AES256-GCM-SHA384');
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    for (const servername of ['mail.example.test', 'smtp.example.net']) {
      test(`resumes a ${version} session by ticket (SNI ${servername})`, async () => {
        const first = await handshake(server.port, { servername, maxVersion: version });
        // TLS 1.3 tickets arrive after the handshake; wait for one.
        const session = await new Promise<Buffer>((resolve) => {
          const s = first.socket.getSession();
          if (version === 'TLSv1.2' && s) resolve(s);
          else first.socket.once('session', resolve);
        });
        first.socket.end();
        assert.equal(first.reused, false);
        const second = await handshake(server.port, { servername, maxVersion: version, session });
        second.socket.end();
        assert.equal(second.reused, true);
      });
    }
  }
});

describe('TLS through a real implicit-TLS listener', () => {
  test('an https listener serves the certificate and answers', async (t) => {
    const srv = await startTestServer({ listeners: [{ name: 'https', protocol: 'http', tls: 'implicit' }] });
    t.after(() => srv.close());
    const body = await new Promise<{ status: number; text: string; protocol: string | null }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.port('https'), path: '/health', servername: 'mail.example.test', ca: srv.certPem }, (res) => {
        let text = '';
        const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol();
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, protocol }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body.status, 200);
    assert.equal(body.protocol, 'TLSv1.3');
  });
});

describe('a listener with a certificate of its own', () => {
  test('serves it by default, the [tls] certificate elsewhere, and SNI names on both', async (t) => {
    const dir = await tempDir();
    const own = await writeCert(dir.dir, 'own', ['submit.example.test']);
    const other = await writeCert(dir.dir, 'other', ['imap.example.org']);
    const abs = (p: string) => `${dir.dir}/${p}`;
    const srv = await startTestServer({
      listeners: [
        { name: 'plain', protocol: 'http', tls: 'implicit' },
        { name: 'own', protocol: 'http', tls: 'implicit', certificate: abs(own.certificate), private_key: abs(own.private_key) },
      ],
      config: { tls: { certificates: [{ certificate: abs(other.certificate), private_key: abs(other.private_key) }] } },
    });
    t.after(async () => {
      await srv.close();
      await dir.cleanup();
    });
    const { X509Certificate } = await import('node:crypto');
    const mainFp = new X509Certificate(srv.certPem).fingerprint256;
    const fp = async (listener: string, servername?: string) => {
      const { connect } = await import('node:tls');
      const s = connect({ host: '127.0.0.1', port: srv.port(listener), rejectUnauthorized: false, ...(servername ? { servername } : {}) });
      await new Promise((r, j) => s.once('secureConnect', r).once('error', j));
      const f = s.getPeerX509Certificate()!.fingerprint256;
      s.destroy();
      return f;
    };
    assert.equal(await fp('own'), own.fingerprint);
    assert.equal(await fp('own', 'unknown.example'), own.fingerprint);
    assert.equal(await fp('own', 'imap.example.org'), other.fingerprint);
    assert.equal(await fp('own', 'mail.example.test'), mainFp);
    assert.equal(await fp('plain'), mainFp);
    assert.equal(await fp('plain', 'imap.example.org'), other.fingerprint);
  });
});
