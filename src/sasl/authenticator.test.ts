import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAppPassword, listAppPasswords, revokeAppPassword } from './app-passwords.ts';
import { conn, makeFixture, run, text } from './fixtures.test-helper.ts';
import { parsePlain } from './plain.ts';

const plain = (authz: string, user: string, pass: string) => Buffer.from(`${authz}\0${user}\0${pass}`);

test('mechanisms: nothing before TLS unless allowed; per-listener lists; PLUS needs a TLS socket', async () => {
  const f = await makeFixture({ listener_mechanisms: { sub: ['PLAIN'] } });
  try {
    assert.deepEqual(f.auth.mechanisms(conn({ secure: false })), []);
    assert.deepEqual(f.auth.mechanisms(conn({ secure: false, allowPlaintext: true })), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN']);
    assert.deepEqual(f.auth.mechanisms(conn()), ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN']);
    assert.deepEqual(f.auth.mechanisms(conn({ listener: 'sub' })), ['PLAIN']);
    assert.equal(f.auth.start('PLAIN', conn({ secure: false })), undefined);
    assert.equal(f.auth.start('EXTERNAL', conn()), undefined);
    assert.equal(f.auth.start('OAUTHBEARER', conn()), undefined, 'no introspection endpoint configured');
  } finally {
    await f.close();
  }
});

test('PLAIN: RFC 4616 parsing, success, same failure for wrong password and unknown user', async () => {
  // RFC 4616 §4 examples.
  assert.deepEqual(parsePlain(plain('', 'tim', 'tanstaaftanstaaf')), { authzid: '', authcid: 'tim', passwd: 'tanstaaftanstaaf' });
  assert.deepEqual(parsePlain(plain('Ursel', 'Kurt', 'xipj3plmq')), { authzid: 'Ursel', authcid: 'Kurt', passwd: 'xipj3plmq' });
  assert.equal(typeof parsePlain(Buffer.from('a\0b')), 'string');
  assert.equal(typeof parsePlain(Buffer.from('\0\0pw')), 'string');
  assert.equal(typeof parsePlain(Buffer.from([0, 0x61, 0, 0xff])), 'string', 'invalid UTF-8');
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const ok = await run(f.auth.start('PLAIN', conn())!, [plain('', 'alice@example.test', 'right')]);
    assert.equal(ok[0]!.kind, 'success');
    const noIr = await run(f.auth.start('PLAIN', conn())!, [null, plain('', 'ALICE@example.test', 'right')]);
    assert.equal(noIr[0]!.kind, 'challenge');
    assert.equal(noIr[1]!.kind, 'success', 'case-insensitive user name');
    const wrong = (await run(f.auth.start('PLAIN', conn({ remoteAddress: '192.0.2.1' }))!, [plain('', 'alice@example.test', 'wrong')]))[0]!;
    const unknown = (await run(f.auth.start('PLAIN', conn({ remoteAddress: '192.0.2.2' }))!, [plain('', 'bob@example.test', 'wrong')]))[0]!;
    assert.equal(wrong.kind === 'failure' && wrong.reason, 'invalid-credentials');
    assert.equal(unknown.kind === 'failure' && unknown.reason, 'invalid-credentials');
    const bad = (await run(f.auth.start('PLAIN', conn())!, ['garbage']))[0]!;
    assert.equal(bad.kind === 'failure' && bad.reason, 'malformed');
  } finally {
    await f.close();
  }
});

test('LOGIN: Username:/Password: challenges, initial response is the user name', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const steps = await run(f.auth.start('LOGIN', conn())!, [null, 'alice@example.test', 'right']);
    assert.deepEqual(steps.map(text), ['Username:', 'Password:', '']);
    assert.equal(steps[2]!.kind, 'success');
    const ir = await run(f.auth.start('LOGIN', conn())!, ['alice@example.test', 'wrong']);
    assert.equal(text(ir[0]), 'Password:');
    assert.equal(ir[1]!.kind, 'failure');
  } finally {
    await f.close();
  }
});

test('authorization identity: only oneself, unless a master user', async () => {
  const f = await makeFixture({ master_users: ['admin@example.test'] });
  try {
    await f.directory.createUser('alice@example.test', 'a-pass');
    await f.directory.createUser('admin@example.test', 'm-pass');
    const as = async (z: string, u: string, p: string) => (await run(f.auth.start('PLAIN', conn())!, [plain(z, u, p)]))[0]!;
    const self = await as('alice@example.test', 'alice@example.test', 'a-pass');
    assert.equal(self.kind, 'success');
    const other = await as('admin@example.test', 'alice@example.test', 'a-pass');
    assert.equal(other.kind === 'failure' && other.reason, 'invalid-credentials');
    const master = await as('alice@example.test', 'admin@example.test', 'm-pass');
    assert.ok(master.kind === 'success');
    if (master.kind === 'success') {
      assert.equal(master.account.address, 'alice@example.test', 'acts as alice');
      assert.equal(master.authcid, 'admin@example.test', 'authenticated as admin');
    }
    const none = await as('ghost@example.test', 'admin@example.test', 'm-pass');
    assert.equal(none.kind, 'failure');
  } finally {
    await f.close();
  }
});

test('app passwords: accepted for their protocols only, listed, revocable; the main password still works', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'main-password');
    const { secret, record } = await createAppPassword(f.store, 'alice@example.test', 'phone', ['imap', 'submission']);
    assert.match(secret, /^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    assert.deepEqual((await listAppPasswords(f.store, 'alice@example.test')).map((a) => a.name), ['phone']);
    const imap = await f.auth.verifyPassword('alice@example.test', secret, conn({ protocol: 'imap' }));
    assert.equal(imap.kind, 'success', 'IMAP LOGIN with the app password');
    const typed = await run(f.auth.start('PLAIN', conn({ protocol: 'submission' }))!, [plain('', 'alice@example.test', secret.toUpperCase().replace(/-/g, ' '))]);
    assert.equal(typed[0]!.kind, 'success', 'PLAIN on submission, typed in upper case with spaces');
    const pop = await f.auth.verifyPassword('alice@example.test', secret, conn({ protocol: 'pop3' }));
    assert.equal(pop.kind, 'failure', 'not for POP3');
    assert.equal((await f.auth.verifyPassword('alice@example.test', 'main-password', conn({ protocol: 'pop3' }))).kind, 'success');
    assert.ok((await listAppPasswords(f.store, 'alice@example.test'))[0]!.lastUsedAt, 'last use recorded');
    assert.equal(await revokeAppPassword(f.store, 'alice@example.test', record.id), true);
    assert.equal((await f.auth.verifyPassword('alice@example.test', secret, conn({ protocol: 'imap', remoteAddress: '192.0.2.99' }))).kind, 'failure');
    await assert.rejects(createAppPassword(f.store, 'alice@example.test', 'x', ['http']), /not one of/);
    await assert.rejects(createAppPassword(f.store, 'nobody@example.test', 'x', ['imap']), /no account/);
  } finally {
    await f.close();
  }
});

test('throttle: growing delays, IP block with the throttled answer, success resets the account counter', async () => {
  const f = await makeFixture({ ip_block_after: 5, account_block_after: 0, delay_after_failures: 1, delay_base: 1000, delay_max: 4000, block_duration: 600_000, max_attempts_per_connection: 100 });
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const attempt = (pass: string, ip = '198.51.100.7') => f.auth.verifyPassword('alice@example.test', pass, conn({ remoteAddress: ip }));
    for (let i = 0; i < 4; i++) assert.equal((await attempt('wrong')).kind, 'failure');
    assert.deepEqual(f.delays, [1000, 2000, 4000], 'no delay for the first failure, then doubling, capped');
    const fifth = await attempt('wrong');
    assert.equal(fifth.kind === 'failure' && fifth.reason, 'invalid-credentials');
    assert.ok(f.log.lines.some((l) => l.event === 'auth.blocked' && l.ip === '198.51.100.7' && l.blocked === 'ip'));
    const blocked = await attempt('right');
    assert.equal(blocked.kind === 'failure' && blocked.reason, 'throttled', 'even the right password gets "try later"');
    assert.equal((await attempt('right', '198.51.100.8')).kind, 'success', 'another address is not blocked');
    f.clock.t += 600_001;
    assert.equal((await attempt('right')).kind, 'success', 'the block expires');
  } finally {
    await f.close();
  }
});

test('throttle: account counter and block across addresses; success resets it', async () => {
  const f = await makeFixture({ ip_block_after: 0, account_block_after: 3, delay_after_failures: 10, max_attempts_per_connection: 100 });
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const attempt = (pass: string, n: number) => f.auth.verifyPassword('alice@example.test', pass, conn({ remoteAddress: `203.0.113.${n}` }));
    await attempt('wrong', 1);
    await attempt('wrong', 2);
    assert.equal((await attempt('right', 3)).kind, 'success');
    await attempt('wrong', 4);
    await attempt('wrong', 5);
    assert.equal((await attempt('right', 6)).kind, 'success', 'the counter was reset by the success');
    for (let i = 7; i < 10; i++) await attempt('wrong', i);
    const r = await attempt('right', 10);
    assert.equal(r.kind === 'failure' && r.reason, 'throttled', 'blocked account');
    // The window forgets old failures.
    f.clock.t += 24 * 3600_000;
    assert.equal((await attempt('right', 11)).kind, 'success');
  } finally {
    await f.close();
  }
});

test('attempts per connection are counted and exposed; the limit answers "throttled"', async () => {
  const f = await makeFixture({ max_attempts_per_connection: 2 });
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const c = conn({ remoteAddress: '192.0.2.50' });
    assert.equal(f.auth.attemptsLeft(c), 2);
    await f.auth.verifyPassword('alice@example.test', 'x', c);
    assert.equal(f.auth.attemptsLeft(c), 1);
    await run(f.auth.start('PLAIN', c)!, [plain('', 'alice@example.test', 'y')]);
    assert.equal(f.auth.attemptsLeft(c), 0);
    const r = await f.auth.verifyPassword('alice@example.test', 'right', c);
    assert.equal(r.kind === 'failure' && r.reason, 'throttled');
    assert.equal(f.auth.attemptsLeft(conn({ remoteAddress: '192.0.2.50' })), 2, 'a new connection starts afresh');
    // Protocols that build a fresh AuthConnection per command are counted by their TLS socket.
    const sock = {} as import('node:tls').TLSSocket;
    await f.auth.verifyPassword('alice@example.test', 'x', conn({ remoteAddress: '192.0.2.51', tlsSocket: sock }));
    assert.equal(f.auth.attemptsLeft(conn({ remoteAddress: '192.0.2.51', tlsSocket: sock })), 1);
  } finally {
    await f.close();
  }
});

test('log events: auth.failed / auth.succeeded with ip, mechanism, username; never the password', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'sup3r-s3cret');
    await run(f.auth.start('PLAIN', conn({ remoteAddress: '192.0.2.77' }))!, [plain('', 'alice@example.test', 'wr0ng-s3cret')]);
    await run(f.auth.start('PLAIN', conn({ remoteAddress: '192.0.2.77' }))!, [plain('', 'alice@example.test', 'sup3r-s3cret')]);
    const failed = f.log.lines.find((l) => l.event === 'auth.failed')!;
    assert.equal(failed.ip, '192.0.2.77');
    assert.equal(failed.mechanism, 'PLAIN');
    assert.equal(failed.username, 'alice@example.test');
    assert.ok(f.log.lines.some((l) => l.event === 'auth.succeeded' && l.ip === '192.0.2.77'));
    const all = JSON.stringify(f.log.lines);
    assert.ok(!all.includes('s3cret'), 'no secret in any log line');
    // The fail2ban regex of README.md matches the JSON line as the logger writes it.
    const line = JSON.stringify(failed);
    const failregex = /"event":"auth\.(?:failed|blocked)".*?"ip":"(?<host>[0-9a-fA-F.:]+)"/;
    assert.equal(failregex.exec(line)?.groups?.host, '192.0.2.77');
    // A user name cannot forge the address: quotes inside JSON strings are escaped.
    await run(f.auth.start('PLAIN', conn({ remoteAddress: '192.0.2.78' }))!, [plain('', 'x","ip":"10.9.9.9', 'p')]);
    const forged = JSON.stringify(f.log.lines.filter((l) => l.event === 'auth.failed').at(-1));
    assert.equal(failregex.exec(forged)?.groups?.host, '192.0.2.78');
  } finally {
    await f.close();
  }
});
