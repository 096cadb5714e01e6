import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { cramMd5Exchange, cramMd5Secret } from './cram-md5.ts';
import { makeFixture, conn, run, text } from './fixtures.test-helper.ts';
import { decodeStates, hmacMd5FromStates, hmacMd5States, md5Continue, md5Init } from './md5.ts';

test('MD5 and HMAC-MD5 from stored states agree with node:crypto', () => {
  for (const len of [0, 1, 55, 56, 63, 64, 65, 200]) {
    const data = randomBytes(len);
    assert.equal(md5Continue(md5Init, 0, data).toString('hex'), createHash('md5').update(data).digest('hex'));
    const key = randomBytes(len % 80);
    assert.equal(hmacMd5FromStates(hmacMd5States(key), data).toString('hex'), createHmac('md5', key).update(data).digest('hex'));
  }
  // The stored text round-trips.
  const st = hmacMd5States(Buffer.from('tanstaaftanstaaf'));
  assert.deepEqual(decodeStates(cramMd5Secret('tanstaaftanstaaf')), st);
});

test('RFC 2195 §2 example: tim / tanstaaftanstaaf', async () => {
  const f = await makeFixture({ mechanisms: ['CRAM-MD5'] });
  try {
    await f.directory.createUser('tim@example.test', 'tanstaaftanstaaf');
    const acct = await f.store.getAccount('tim@example.test');
    assert.ok(acct?.credentials['cram-md5'], 'CRAM-MD5 secret stored when enabled');
    const challenge = '<1896.697170952@postoffice.reston.mci.net>';
    const env = (f.auth as unknown as { env(c: unknown, p: boolean): import('./mechanism.ts').MechanismEnv }).env(conn(), false);
    const steps = await run(cramMd5Exchange(env, { challenge }), [null, 'tim@example.test b913a602c7eda7a495b4e6e7334d3890']);
    assert.equal(text(steps[0]), challenge);
    assert.equal(steps[1]!.kind, 'success');
    const bad = await run(cramMd5Exchange(env, { challenge }), [null, 'tim@example.test b913a602c7eda7a495b4e6e7334d3891']);
    assert.equal(bad[1]!.kind, 'failure');
    // Through the authenticator: offered only when listed, and works end to end.
    const ex = f.auth.start('CRAM-MD5', conn())!;
    const c = text(await ex.step(null));
    const digest = createHmac('md5', 'tanstaaftanstaaf').update(c).digest('hex');
    const r = await ex.step(Buffer.from(`tim@example.test ${digest}`));
    assert.equal(r.kind, 'success');
  } finally {
    await f.close();
  }
});

test('CRAM-MD5 is off by default and stores no secret then', async () => {
  const f = await makeFixture();
  try {
    await f.directory.createUser('tim@example.test', 'tanstaaftanstaaf');
    assert.equal((await f.store.getAccount('tim@example.test'))?.credentials['cram-md5'], undefined);
    assert.equal(f.auth.mechanisms(conn()).includes('CRAM-MD5'), false);
    assert.equal(f.auth.start('CRAM-MD5', conn()), undefined);
  } finally {
    await f.close();
  }
});
