// Hash-format migration: a Dovecot passwd-file is imported with its hashes as they are, each
// account logs in with its old password, and the first successful login rehashes to argon2id
// and adds the SCRAM keys (after which SCRAM works).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conn, makeFixture, run, text } from './fixtures.test-helper.ts';
import { parsePasswdFile } from './passwd-file.ts';
import { ScramClient } from './scram-client.test-helper.ts';

const passwd = [
  '# Dovecot passwd-file',
  'sha512@example.test:{SHA512-CRYPT}$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/:1000:1000::/home/a::userdb_quota_rule=*:storage=1G',
  'sha256@example.test:{SHA256-CRYPT}$5$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.',
  'blf@example.test:{BLF-CRYPT}$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm:::',
  'bare:$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/',
  'ssha@example.test:{SSHA512}n7aZJ/odvdUxUZHPTu0Vd+GbtKe/I/Y7YRPBzZnTjVLN4Max/+VM/3Jyem52FmnfUbErhgpU+F7cNyTQ4lWs2BAgMEBQYHCA',
  'pbkdf2@example.test:{PBKDF2}$1$abcdefghijklmnop$5000$45937b8f8cb51eb6efe003dabea51300f2777475',
  'plain@example.test:{PLAIN}password',
  '',
  'nopass@example.test::::',
  'weird@example.test:{MD4}abcdef',
  'sha512@example.test:{PLAIN}dup',
  'broken-line',
].join('\n');

test('passwd-file parsing: schemes, default domain, quota, problems reported with line numbers', () => {
  const r = parsePasswdFile(passwd, { defaultDomain: 'example.test' });
  assert.deepEqual(r.entries.map((e) => e.address), [
    'sha512@example.test', 'sha256@example.test', 'blf@example.test', 'bare@example.test', 'ssha@example.test', 'pbkdf2@example.test', 'plain@example.test', 'nopass@example.test',
  ]);
  assert.equal(r.entries[0]!.quotaBytes, 1024 ** 3);
  assert.equal(r.entries[6]!.cleartext, 'password');
  assert.equal(r.entries[7]!.passwordHash, null);
  assert.deepEqual(r.problems.map((p) => p.line), [11, 12, 13]);
  assert.match(r.problems[0]!.reason, /unsupported password scheme \{MD4\}/);
  const noDomain = parsePasswdFile('bare:{PLAIN}x');
  assert.match(noDomain.problems[0]!.reason, /no domain/);
});

test('imported hashes log in, are rehashed to argon2id on success, and SCRAM works afterwards', async () => {
  const f = await makeFixture();
  try {
    const { entries } = parsePasswdFile(passwd, { defaultDomain: 'example.test' });
    for (const e of entries) {
      if (e.passwordHash !== null || e.cleartext === null) await f.directory.importUser(e.address, { passwordHash: e.passwordHash }, { quotaBytes: e.quotaBytes });
      else await f.directory.createUser(e.address, e.cleartext);
    }
    const expected: Record<string, string> = {
      'sha512@example.test': 'password', 'sha256@example.test': 'password', 'blf@example.test': 'password', 'bare@example.test': 'password',
      'ssha@example.test': 'secret', 'pbkdf2@example.test': 'secret', 'plain@example.test': 'password',
    };
    assert.ok((await f.store.getAccount('plain@example.test'))!.passwordHash!.startsWith('$argon2id$'), '{PLAIN} is hashed at import');
    for (const [user, pw] of Object.entries(expected)) {
      const before = (await f.store.getAccount(user))!;
      // SCRAM cannot work before the first password login of a migrated account (no keys yet).
      assert.equal(await f.auth.verifyPassword(user, `${pw}x`, conn({ remoteAddress: '192.0.2.200' })).then((r) => r.kind), 'failure', `${user} wrong password`);
      assert.equal((await f.store.getAccount(user))!.passwordHash, before.passwordHash, 'no rehash on failure');
      const ok = await run(f.auth.start('PLAIN', conn())!, [Buffer.from(`\0${user}\0${pw}`)]);
      assert.equal(ok[0]!.kind, 'success', user);
      const after = (await f.store.getAccount(user))!;
      assert.match(after.passwordHash!, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/, `${user} rehashed`);
      assert.ok(after.credentials['scram-sha-256'], `${user} has SCRAM keys`);
      assert.equal((await f.auth.verifyPassword(user, pw, conn())).kind, 'success', `${user} logs in with the new hash`);
      const client = new ScramClient({ h: 'sha256', user, password: pw, cnonce: 'abc' });
      const ex = f.auth.start('SCRAM-SHA-256', conn())!;
      const s1 = await ex.step(Buffer.from(client.first()));
      assert.equal((await ex.step(Buffer.from(client.final(text(s1))))).kind, 'success', `${user} SCRAM after migration`);
    }
    assert.ok(f.log.lines.some((l) => l.event === 'auth.rehashed' && l.from === 'bcrypt'));
    assert.equal((await f.auth.verifyPassword('nopass@example.test', '', conn())).kind, 'failure');
  } finally {
    await f.close();
  }
});
