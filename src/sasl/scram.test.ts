import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultAuthSettings } from '../config/index.ts';
import type { Account } from '../store/index.ts';
import type { MechanismEnv } from './mechanism.ts';
import { conn, makeFixture, run, text } from './fixtures.test-helper.ts';
import { ScramClient } from './scram-client.test-helper.ts';
import { makeScramCredential, parseClientFirst, scramExchange } from './scram.ts';

/** An env around one account named as in the RFC examples ("user" has no domain, so no store). */
function rfcEnv(h: 'sha1' | 'sha256', saltB64: string): MechanismEnv {
  const account: Account = {
    id: 1, address: 'user', domainId: 1, passwordHash: null, quotaBytes: null, usedBytes: 0, disabled: false, createdAt: new Date(0),
    credentials: { [h === 'sha1' ? 'scram-sha-1' : 'scram-sha-256']: makeScramCredential(h, 'pencil', 4096, Buffer.from(saltB64, 'base64')) },
  };
  return {
    settings: defaultAuthSettings(), conn: conn(), offersPlus: false, secret: Buffer.alloc(32), fetch,
    findAccount: async (u) => (u === 'user' ? account : undefined),
    checkPassword: async () => ({ kind: 'failure', reason: 'invalid-credentials', detail: 'n/a' }),
    authorize: async (a, c) => ({ kind: 'success', account: a, authcid: c }),
  };
}

test('RFC 5802 §5: the SCRAM-SHA-1 example exchange, byte for byte', async () => {
  const ex = scramExchange('SCRAM-SHA-1', 'sha1', false, rfcEnv('sha1', 'QSXCR+Q6sek8bf92'), { nonce: '3rfcNHYJY1ZVvWVs7j' });
  const s1 = await ex.step(Buffer.from('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL'));
  assert.equal(text(s1), 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
  const s2 = await ex.step(Buffer.from('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts='));
  assert.equal(s2.kind, 'success');
  assert.equal(text(s2), 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=');
});

test('RFC 7677 §3: the SCRAM-SHA-256 example exchange, byte for byte', async () => {
  const ex = scramExchange('SCRAM-SHA-256', 'sha256', false, rfcEnv('sha256', 'W22ZaJ0SNY7soEsUEjb6gQ=='), { nonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0' });
  const s1 = await ex.step(Buffer.from('n,,n=user,r=rOprNGfwEbeRWgbNEkqO'));
  assert.equal(text(s1), 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
  const s2 = await ex.step(Buffer.from('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='));
  assert.equal(s2.kind, 'success');
  assert.equal(text(s2), 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
});

test('the test client reproduces the RFC proofs (it is a faithful RFC client)', () => {
  const c = new ScramClient({ h: 'sha256', user: 'user', password: 'pencil', cnonce: 'rOprNGfwEbeRWgbNEkqO' });
  assert.equal(c.first(), 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(c.final('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'),
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  assert.equal(c.expectedServerSignature, '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
});

test('client-first parsing: gs2 header, authzid, saslname escapes, m= and bad input', () => {
  const p = parseClientFirst('n,a=bob=2Cjr@x=3D,n=al=2Cice,r=abc');
  assert.ok(p.ok);
  if (p.ok) {
    assert.equal(p.value.authzid, 'bob,jr@x=');
    assert.equal(p.value.username, 'al,ice');
    assert.equal(p.value.gs2Header, 'n,a=bob=2Cjr@x=3D,');
  }
  assert.equal(parseClientFirst('n,,m=ext,n=a,r=b').ok, false);
  assert.equal(parseClientFirst('n,,n=a=ZZ,r=b').ok, false);
  assert.equal(parseClientFirst('x,,n=a,r=b').ok, false);
  assert.equal(parseClientFirst('n,,n=a,r=b,c').ok, true, 'extensions after r= are allowed');
  assert.equal(parseClientFirst('n,,r=b,n=a').ok, false);
  const plus = parseClientFirst('p=tls-exporter,,n=a,r=b');
  assert.ok(plus.ok && plus.value.cbFlag === 'p' && plus.value.cbName === 'tls-exporter');
});

for (const [mech, h] of [['SCRAM-SHA-256', 'sha256'], ['SCRAM-SHA-1', 'sha1']] as const) {
  test(`${mech} through the authenticator: keys stored at user creation, no cleartext needed`, async () => {
    const f = await makeFixture();
    try {
      await f.directory.createUser('alice@example.test', 'correct horse');
      const acct = await f.store.getAccount('alice@example.test');
      assert.ok(acct?.passwordHash?.startsWith('$argon2id$'));
      const client = new ScramClient({ h, user: 'alice@example.test', password: 'correct horse', cnonce: 'abcdefghijklmnop' });
      const ex = f.auth.start(mech, conn())!;
      const s1 = await ex.step(Buffer.from(client.first()));
      assert.match(text(s1), /^r=abcdefghijklmnop[^,]+,s=[^,]+,i=4096$/);
      const s2 = await ex.step(Buffer.from(client.final(text(s1))));
      assert.equal(s2.kind, 'success');
      assert.equal(text(s2), `v=${client.expectedServerSignature}`);
      assert.ok(f.log.lines.some((l) => l.event === 'auth.succeeded' && l.mechanism === mech && l.username === 'alice@example.test'));
    } finally {
      await f.close();
    }
  });
}

test('SCRAM failures: wrong password and unknown user both get e=invalid-proof, salts of unknown users are stable', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'correct horse');
    const attempt = async (user: string, password: string) => {
      const client = new ScramClient({ h: 'sha256', user, password, cnonce: 'nonce123' });
      const ex = f.auth.start('SCRAM-SHA-256', conn())!;
      const s1 = text(await ex.step(Buffer.from(client.first())));
      const s2 = await ex.step(Buffer.from(client.final(s1)));
      const s3 = await ex.step(new Uint8Array(0));
      return { salt: /s=([^,]+)/.exec(s1)![1], s2, s3 };
    };
    const wrong = await attempt('alice@example.test', 'wrong');
    const unknown1 = await attempt('nobody@example.test', 'wrong');
    const unknown2 = await attempt('nobody@example.test', 'other');
    for (const r of [wrong, unknown1]) {
      assert.equal(text(r.s2), 'e=invalid-proof');
      assert.equal(r.s3.kind, 'failure');
      assert.equal(r.s3.kind === 'failure' && r.s3.reason, 'invalid-credentials');
    }
    assert.equal(unknown1.salt, unknown2.salt, 'stand-in salt is stable');
    assert.equal(Buffer.from(unknown1.salt!, 'base64').length, 16);
  } finally {
    await f.close();
  }
});

test('SCRAM: nonce and channel-binding mismatches, "y" without -PLUS offered, "p" on a non-PLUS mechanism', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'pw');
    const go = async (opts: { nonce?: string; cb?: string; gs2Header?: string; mech?: string }, c = conn()) => {
      const client = new ScramClient({ h: 'sha256', user: 'alice@example.test', password: 'pw', cnonce: 'n1', ...(opts.gs2Header ? { gs2Header: opts.gs2Header } : {}) });
      const ex = f.auth.start(opts.mech ?? 'SCRAM-SHA-256', c)!;
      const s1 = await ex.step(Buffer.from(client.first()));
      if (s1.kind !== 'challenge') return s1;
      return ex.step(Buffer.from(client.final(text(s1), opts)));
    };
    assert.equal(text(await go({ nonce: 'n1forged' })), 'e=other-error');
    assert.equal(text(await go({ cb: Buffer.from('y,,').toString('base64') })), 'e=channel-bindings-dont-match');
    // "y": the client could bind but thinks we cannot; we offer no -PLUS here (no TLS socket), so it is fine.
    assert.equal((await go({ gs2Header: 'y,,' })).kind, 'success');
    const p = await go({ gs2Header: 'p=tls-exporter,,' });
    assert.equal(p.kind === 'failure' && p.reason, 'malformed');
    // Authorization identity: only oneself without a master right.
    assert.equal((await go({ gs2Header: 'n,a=alice@example.test,' })).kind, 'success');
    assert.equal(text(await go({ gs2Header: 'n,a=bob@example.test,' })), 'e=invalid-proof');
  } finally {
    await f.close();
  }
});

test('SCRAM without an initial response gets an empty challenge first; the failure counts when e= is sent', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('alice@example.test', 'pw');
    const client = new ScramClient({ h: 'sha1', user: 'alice@example.test', password: 'nope', cnonce: 'xyz' });
    const ex = f.auth.start('SCRAM-SHA-1', conn())!;
    const steps = await run(ex, [null, client.first()]);
    assert.equal(text(steps[0]), '');
    const s2 = await ex.step(Buffer.from(client.final(text(steps[1]))));
    assert.equal(text(s2), 'e=invalid-proof');
    // Counted when e= goes out: a client that hangs up now does not escape the throttle.
    const failed = () => f.log.lines.filter((l) => l.event === 'auth.failed' && l.mechanism === 'SCRAM-SHA-1').length;
    assert.equal(failed(), 1);
    assert.equal(f.auth.throttle.recordFailure('192.0.2.10', undefined).ipFailures, 2, 'one failure already on the IP');
    const c = ex.cancel();
    assert.equal(c.kind === 'failure' && c.reason, 'invalid-credentials');
    await new Promise((r) => setImmediate(r));
    assert.equal(failed(), 1, 'not counted twice');
  } finally {
    await f.close();
  }
});
