import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSupportedHash, verifyStoredPassword } from './hash-formats.ts';
import { hashPassword } from './password.ts';
import { saslprep } from './saslprep.ts';

const current = { memoryKiB: 1024, passes: 1, parallelism: 1 };

// Vectors computed with python3 (hashlib, crypt) for the password "secret".
const formats: [string, string][] = [
  ['{SSHA512}', '{SSHA512}n7aZJ/odvdUxUZHPTu0Vd+GbtKe/I/Y7YRPBzZnTjVLN4Max/+VM/3Jyem52FmnfUbErhgpU+F7cNyTQ4lWs2BAgMEBQYHCA'],
  ['{SSHA256}', '{SSHA256}ik82f/s72F3RCdaWmCwzVMOJKJqAWk2fHvxz4MK19B8QIDBAUGBwgA=='],
  ['{SSHA}', '{SSHA}MU1b4mJ9b7sFLEw7VWjsvnFO4asQIDBAUGBwgA=='],
  ['{SHA512}', '{SHA512}vSsar3708Jvp9Szi2NWZZ02Bqp1qRCFpbcTZPdBhnWgs5WtNZKnvCXdhztmeD2cmW192CF5bDufKRpayrW/isg=='],
  ['{PBKDF2} (Dovecot)', '{PBKDF2}$1$abcdefghijklmnop$5000$45937b8f8cb51eb6efe003dabea51300f2777475'],
  ['$pbkdf2-sha256$ (passlib)', '$pbkdf2-sha256$6400$AQIDBAUGBwg$UufFoaHdC6uSLQ9yUiDxgaDLR//WGd6/MIL1cFKZs4Y'],
  ['{PLAIN}', '{PLAIN}secret'],
];

test('verifies the Dovecot/Postfix formats and asks for a rehash', async () => {
  for (const [name, hash] of formats) {
    assert.ok(isSupportedHash(hash), name);
    const ok = await verifyStoredPassword('secret', hash, current);
    assert.equal(ok.ok, true, name);
    assert.equal(ok.needsRehash, true, name);
    assert.equal((await verifyStoredPassword('Secret', hash, current)).ok, false, `${name} wrong password`);
  }
});

test('verifies {SHA512-CRYPT}, {SHA256-CRYPT}, {BLF-CRYPT}, {CRYPT} and bare crypt strings', async () => {
  const six = '$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/';
  const five = '$5$saltsalt$gOjOtoMpVhru2uyjeJSEc/JaLQWOXMNmlOnj6T4AtC.';
  const blf = '$2b$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm';
  for (const h of [`{SHA512-CRYPT}${six}`, `{SHA256-CRYPT}${five}`, `{BLF-CRYPT}${blf}`, `{CRYPT}${six}`, six, five, blf, `{BLF-CRYPT}${blf.replace('$2b$', '$2y$')}`]) {
    const r = await verifyStoredPassword('password', h, current);
    assert.equal(r.ok, true, h);
    assert.equal(r.needsRehash, true);
    assert.equal((await verifyStoredPassword('passwort', h, current)).ok, false, h);
  }
});

test('argon2id: Postern\'s own needs no rehash with current parameters; {ARGON2ID} imports do', async () => {
  const own = await hashPassword('secret', current);
  assert.deepEqual(await verifyStoredPassword('secret', own, current), { ok: true, scheme: 'argon2id', needsRehash: false });
  assert.equal((await verifyStoredPassword('secret', own, { ...current, passes: 2 })).needsRehash, true, 'changed parameters');
  const imported = `{ARGON2ID}${await hashPassword('secret', current)}`;
  assert.equal((await verifyStoredPassword('secret', imported, current)).ok, true);
  assert.equal((await verifyStoredPassword('secret', imported, current)).needsRehash, true);
  assert.equal((await verifyStoredPassword('wrong', imported, current)).ok, false);
});

test('unknown or malformed hashes verify as false, never throw', async () => {
  for (const h of ['', '{MD4}abc', '{SSHA512}!!!', '$6$', '$2b$99$abcdefghijklmnopqrstuu', '{PBKDF2}$1$x$0$00', '$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA', 'garbage']) {
    const r = await verifyStoredPassword('secret', h, current);
    assert.equal(r.ok, false, h);
  }
});

test('own hashes compare the SASLprep form; imported ones the bytes as typed', async () => {
  // U+00AD SOFT HYPHEN is mapped to nothing by SASLprep.
  const own = await hashPassword(saslprep('sec\u00ADret').ok ? 'secret' : 'x', current);
  assert.equal((await verifyStoredPassword('sec\u00ADret', own, current)).ok, true);
  assert.equal((await verifyStoredPassword('secret', own, current)).ok, true);
});
