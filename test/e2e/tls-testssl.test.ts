// Interop check with testssl.sh against our TLS listeners on 127.0.0.1: every protocol, cipher and
// vulnerability finding must be rated OK or INFO (nothing LOW, MEDIUM, HIGH or CRITICAL). Slow
// (about a minute per listener): runs only with POSTERN_SLOW_TESTS=1. Certificate checks are left
// out on purpose: the test certificate is self-signed for a name that loopback cannot match.
// Covers the implicit-TLS listener always, and SMTP and IMAP STARTTLS once their handlers exist.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { protocolHandlers } from '../../src/protocols.ts';
import { startTestServer } from '../helpers/server.ts';

const slow = process.env.POSTERN_SLOW_TESTS === '1';
const testssl = ['testssl', 'testssl.sh'].find((b) => !spawnSync(b, ['--version'], { stdio: 'ignore' }).error);
const skip = !slow ? 'slow: set POSTERN_SLOW_TESTS=1' : !testssl ? 'testssl.sh is not installed (apt-get install testssl.sh)' : false;

interface Finding { id: string; severity: string; finding: string }
const bad = new Set(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

test('testssl.sh rates every protocol and cipher of our TLS listeners OK', { skip, timeout: 600_000 }, async (t) => {
  const listeners: { name: string; protocol: 'http' | 'smtp' | 'imap'; tls: 'implicit' | 'starttls' }[] = [{ name: 'tls', protocol: 'http', tls: 'implicit' }];
  if (protocolHandlers.smtp) listeners.push({ name: 'smtp', protocol: 'smtp', tls: 'starttls' });
  if (protocolHandlers.imap) listeners.push({ name: 'imap', protocol: 'imap', tls: 'starttls' });
  const srv = await startTestServer({ hostname: 'localhost', listeners });
  t.after(() => srv.close());
  for (const l of listeners) {
    const json = join(srv.dataDir, `testssl-${l.name}.json`);
    const args = ['--quiet', '--color', '0', '--warnings', 'off', '--jsonfile', json, '-p', '-s', '-f', '-P', '-U', '-E'];
    if (l.tls === 'starttls') args.push('--starttls', l.protocol);
    args.push(`127.0.0.1:${srv.port(l.name)}`);
    // Asynchronously: the server under test runs in this process and must keep answering.
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(testssl!, args, { stdio: 'ignore', timeout: 300_000 });
      child.once('error', reject);
      child.once('exit', (c) => resolve(c));
    });
    assert.notEqual(code, null, 'testssl finished');
    const findings = JSON.parse(readFileSync(json, 'utf8')) as Finding[];
    assert.ok(findings.some((f) => f.id === 'TLS1_3' && /offered/.test(f.finding)), `${l.name}: TLS 1.3 offered`);
    const below = findings.filter((f) => bad.has(f.severity));
    assert.deepEqual(below.map((f) => `${f.severity} ${f.id}: ${f.finding}`), [], `${l.name}: findings rated below OK`);
  }
});
