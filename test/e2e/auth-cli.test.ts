// The authentication CLI: `postern user import` (Dovecot passwd-file) and `postern app-password`,
// run in-process against a data directory made by `postern init`, then checked by logging in.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { silentLogger } from '../../src/observe/index.ts';
import { closeContext, openContext } from '../../src/server.ts';

let dir: string;
function io(stdin = '') {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
      readSecret: async () => stdin.split('\n')[0]!,
      readAll: async () => stdin,
    },
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'postern-cli-auth-'));
  const r = io();
  assert.equal(await runCli(['init', '--data', dir, '--hostname', 'mail.example.test', '--domain', 'example.test', '--dev'], r.io), 0, r.out.stderr);
});
after(() => rm(dir, { recursive: true, force: true }));

async function login(user: string, password: string, protocol = 'imap'): Promise<string> {
  const ctx = await openContext(dir, loadConfig(join(dir, 'postern.toml')), { log: silentLogger });
  try {
    const r = await ctx.auth.verifyPassword(user, password, { protocol, remoteAddress: '127.0.0.1', secure: true, allowPlaintext: false });
    return r.kind === 'failure' ? r.reason : r.kind;
  } finally {
    await closeContext(ctx);
  }
}

test('user import: hashes kept, problems reported, quota applied; imported users log in', async () => {
  const file = join(dir, 'passwd');
  await writeFile(file, [
    'a@example.test:{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/::::::userdb_quota_rule=*:storage=10M',
    'b:{BLF-CRYPT}$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm',
    'c@other.test:{PLAIN}password',
    'd@example.test:{NTLM}0123',
  ].join('\n'));
  const r = io();
  assert.equal(await runCli(['user', 'import', file, '--domain', 'example.test', '--data', dir], r.io), 1, 'problems give exit 1');
  assert.match(r.out.stdout, /imported 2 account\(s\), 2 problem\(s\)/);
  assert.match(r.out.stderr, /line 3: domain "other.test" is not local/);
  assert.match(r.out.stderr, /line 4: unsupported password scheme \{NTLM\}/);
  const again = io();
  assert.equal(await runCli(['user', 'import', file, '--domain', 'example.test', '--create-domains', '--data', dir], again.io), 1);
  assert.match(again.out.stderr, /already exists/);
  assert.match(again.out.stdout, /imported 1 account/);
  const list = io();
  await runCli(['user', 'list', '--data', dir], list.io);
  assert.match(list.out.stdout, /a@example\.test\t0 B of 10\.0 MiB/);
  assert.equal(await login('a@example.test', 'password'), 'success');
  assert.equal(await login('b@example.test', 'password'), 'success');
  assert.equal(await login('c@other.test', 'password'), 'success');
  assert.equal(await login('b@example.test', 'wrong'), 'invalid-credentials');
});

test('app-password add, list, revoke', async () => {
  const add = io();
  assert.equal(await runCli(['app-password', 'add', 'a@example.test', 'phone', '--protocols', 'imap,submission', '--data', dir], add.io), 0, add.out.stderr);
  const secret = /^ {4}(\S+)$/m.exec(add.out.stdout)![1]!;
  assert.equal(await login('a@example.test', secret, 'imap'), 'success');
  assert.equal(await login('a@example.test', secret, 'pop3'), 'invalid-credentials');
  const list = io();
  await runCli(['app-password', 'list', 'a@example.test', '--data', dir], list.io);
  assert.match(list.out.stdout, /^1\tphone\timap,submission\tcreated .*\tlast used /m);
  assert.ok(!list.out.stdout.includes(secret), 'the secret is never listed');
  const bad = io();
  assert.equal(await runCli(['app-password', 'add', 'a@example.test', 'x', '--protocols', 'gopher', '--data', dir], bad.io), 1);
  const rev = io();
  assert.equal(await runCli(['app-password', 'revoke', 'a@example.test', '1', '--data', dir], rev.io), 0);
  assert.equal(await login('a@example.test', secret, 'imap'), 'invalid-credentials');
  const none = io();
  assert.equal(await runCli(['app-password', 'revoke', 'a@example.test', '1', '--data', dir], none.io), 1);
});
