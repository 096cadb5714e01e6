// `postern dns` prints the DANE TLSA record (RFC 7672 §3.1.1: 3 1 1) of the current certificate;
// the hash is checked against openssl's own SPKI extraction.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, type CliIo } from '../../src/cli/index.ts';

function memoryIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: { write: (s: string) => (io.out += s) },
    stderr: { write: (s: string) => (io.err += s) },
    readSecret: async () => '',
    readAll: async () => '',
  };
  return io;
}

test('postern dns prints _25._tcp.HOST. IN TLSA 3 1 1 <sha256 of the SPKI>', { skip: spawnSync('openssl', ['version']).error ? 'openssl not installed' : false }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'postern-dns-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await runCli(['init', '--data', dir, '--hostname', 'mx.example.test', '--domain', 'example.test'], memoryIo()), 0);
  const io = memoryIo();
  assert.equal(await runCli(['dns', '--data', dir], io), 0, io.err);
  const cert = await readFile(join(dir, 'tls', 'cert.pem'));
  const pub = spawnSync('openssl', ['x509', '-noout', '-pubkey'], { input: cert }).stdout;
  const der = spawnSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub }).stdout;
  const hash = spawnSync('openssl', ['dgst', '-sha256', '-r'], { input: der }).stdout.toString().split(' ')[0];
  assert.match(hash ?? '', /^[0-9a-f]{64}$/);
  assert.ok(io.out.split('\n').includes(`_25._tcp.mx.example.test. IN TLSA 3 1 1 ${hash}`), io.out);
});
