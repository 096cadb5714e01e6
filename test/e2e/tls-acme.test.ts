// ACME (RFC 8555) against Let's Encrypt's test CA `pebble` on loopback: issuance with HTTP-01
// (answered by the real `http` listener) and TLS-ALPN-01 (RFC 8737, answered by the real
// implicit-TLS listener), renewal before expiry with the key kept (DANE), a failed renewal that
// keeps the old certificate, and badNonce retries (pebble rejects 30% of good nonces here).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:tls';
import { validateConfig } from '../../src/config/index.ts';
import { createAcmeManager, type AcmeManager } from '../../src/tls/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { pebbleMissing, startDnsStub, startPebble, type Pebble } from './tls-pebble.ts';

const missing = pebbleMissing();

describe('ACME against pebble', { skip: missing }, () => {
  let srv: TestServer;
  let pebble: Pebble;
  let dns: Awaited<ReturnType<typeof startDnsStub>>;
  const managers: AcmeManager[] = [];

  before(async () => {
    srv = await startTestServer({
      hostname: 'mail.acme.test',
      listeners: [{ name: 'http', protocol: 'http', tls: 'none' }, { name: 'https', protocol: 'http', tls: 'implicit' }],
      captureLogs: true,
    });
    dns = await startDnsStub();
    pebble = await startPebble(srv.dataDir, { httpPort: srv.port('http'), tlsPort: srv.port('https'), dnsPort: dns.port, nonceReject: 30 });
  });
  after(async () => {
    for (const m of managers) await m.stop();
    await pebble?.stop();
    await dns?.close();
    await srv?.close();
  });

  function manager(acme: Record<string, unknown>, now: () => Date = () => new Date()): AcmeManager {
    const cfg = validateConfig({ hostname: 'mail.acme.test', acme: { enabled: true, directory_url: pebble.directoryUrl, ca_file: pebble.caFile, email: 'postmaster@acme.test', ...acme } });
    const m = createAcmeManager({ dataDir: srv.dataDir, hostname: cfg.hostname, acme: cfg.acme, tlsSettings: cfg.tls, tls: srv.ctx.tls, log: srv.ctx.log, clock: { now }, pollInitialMs: 100 });
    managers.push(m);
    return m;
  }
  const certFile = () => join(srv.dataDir, 'tls', 'cert.pem');
  const keyFile = () => join(srv.dataDir, 'tls', 'key.pem');
  const leaf = () => new X509Certificate(readFileSync(certFile()));

  async function served(servername: string): Promise<X509Certificate> {
    const s = connect({ host: '127.0.0.1', port: srv.port('https'), servername, rejectUnauthorized: false });
    await new Promise((r, j) => s.once('secureConnect', r).once('error', j));
    const cert = s.getPeerX509Certificate()!;
    s.end();
    return cert;
  }

  test('issues a certificate with HTTP-01 through the http listener and serves it', async () => {
    assert.equal(leaf().issuer, leaf().subject, 'starts with the self-signed certificate');
    const m = manager({ challenge: 'http-01' });
    const r = await m.check();
    assert.equal(r.outcome, 'issued', JSON.stringify(r));
    assert.match(leaf().issuer, /Pebble Intermediate/);
    assert.ok(leaf().checkHost('mail.acme.test'));
    assert.equal(statSync(keyFile()).mode & 0o777, 0o600);
    assert.equal((await served('mail.acme.test')).fingerprint256, leaf().fingerprint256);
    assert.ok(dns.queries.some((q) => q.startsWith('mail.acme.test/')), 'pebble resolved the name through the stub');
    assert.equal((await m.check()).outcome, 'fresh', 'a second check finds nothing to do');
  });

  test('issues with TLS-ALPN-01 through the TLS listener for a new name', async () => {
    const before = leaf();
    const m = manager({ challenge: 'tls-alpn-01', hostnames: ['mail.acme.test', 'alpn.acme.test'] });
    const r = await m.check();
    assert.equal(r.outcome, 'issued', JSON.stringify(r));
    assert.ok(leaf().checkHost('alpn.acme.test'));
    assert.notEqual(leaf().serialNumber, before.serialNumber);
    assert.ok(srv.logLines.some((l) => l.event === 'tls.acme.alpn_challenge_served'));
    assert.equal((await served('alpn.acme.test')).fingerprint256, leaf().fingerprint256, 'after validation the name gets the real certificate again');
  });

  test('renews before expiry, keeping the key (TLSA 3 1 1 stays valid)', async () => {
    const before = leaf();
    const keyBefore = readFileSync(keyFile(), 'utf8');
    const soon = new Date(before.validToDate.getTime() - 10 * 86_400_000); // inside the 30 d window
    const m = manager({ challenge: 'http-01', hostnames: ['mail.acme.test', 'alpn.acme.test'] }, () => soon);
    assert.match(m.renewalReason() ?? '', /^expires /);
    const r = await m.check();
    assert.equal(r.outcome, 'issued', JSON.stringify(r));
    assert.notEqual(leaf().serialNumber, before.serialNumber);
    assert.equal(readFileSync(keyFile(), 'utf8'), keyBefore);
    assert.equal((await served('mail.acme.test')).serialNumber, leaf().serialNumber);
  });

  test('a failed renewal keeps the old certificate in use', async () => {
    const before = leaf();
    await pebble.stop();
    const m = manager({ challenge: 'http-01', hostnames: ['mail.acme.test', 'alpn.acme.test'] }, () => new Date(before.validToDate.getTime() - 86_400_000));
    const r = await m.check();
    assert.equal(r.outcome, 'failed');
    assert.equal(leaf().serialNumber, before.serialNumber);
    assert.equal((await served('mail.acme.test')).serialNumber, before.serialNumber);
    assert.ok(srv.logLines.some((l) => l.event === 'acme.order.failed'));
  });

  test('badNonce rejections were retried', () => {
    assert.ok(srv.logLines.some((l) => l.event === 'acme.bad_nonce.retry'), 'pebble rejected some nonces and the client retried');
  });
});

describe('a server started with [acme] enabled', { skip: missing }, () => {
  test('obtains its certificate by itself once the CA answers, retrying until then', async (t) => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { setTimeout: sleep } = await import('node:timers/promises');
    const { planPebble } = await import('./tls-pebble.ts');
    const pebbleDir = await mkdtemp(join(tmpdir(), 'postern-pebble-'));
    const plan = await planPebble(pebbleDir);
    const dns = await startDnsStub();
    const srv = await startTestServer({
      hostname: 'mail.acme.test',
      listeners: [{ name: 'http', protocol: 'http', tls: 'none' }],
      config: { acme: { enabled: true, directory_url: plan.directoryUrl, ca_file: plan.caFile, retry_interval: '1s' } },
      captureLogs: true,
    });
    let pebble: Pebble | undefined;
    t.after(async () => {
      await srv.close();
      await pebble?.stop();
      await dns.close();
      await rm(pebbleDir, { recursive: true, force: true });
    });
    // The first attempt runs before the CA is up and fails; the old certificate stays.
    while (!srv.logLines.some((l) => l.event === 'acme.order.failed')) await sleep(20);
    pebble = await startPebble(plan, { httpPort: srv.port('http'), tlsPort: srv.port('http'), dnsPort: dns.port });
    while (!srv.logLines.some((l) => l.event === 'acme.certificate.issued')) await sleep(20);
    const cert = new X509Certificate(readFileSync(join(srv.dataDir, 'tls', 'cert.pem')));
    assert.match(cert.issuer, /Pebble Intermediate/);
    assert.ok(srv.logLines.some((l) => l.event === 'tls.reload.ok'));
  });
});
