// Unknown user and wrong password take the same time: both verify an argon2id hash with the
// configured parameters. Statistical, with generous bounds (medians within a factor of 2), and
// interleaved so that machine load hits both alike.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conn, makeFixture } from './fixtures.test-helper.ts';

test('wrong password and unknown user: same answer, similar time', async () => {
  const f = await makeFixture({ argon2_memory_kib: 8192, argon2_passes: 2, ip_block_after: 0, account_block_after: 0, max_attempts_per_connection: 1000 });
  try {
    await f.directory.createUser('alice@example.test', 'right');
    const c = conn();
    const time = async (user: string) => {
      const t0 = process.hrtime.bigint();
      const r = await f.auth.verifyPassword(user, 'wrong', c);
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(r.kind === 'failure' && r.reason, 'invalid-credentials');
      return dt;
    };
    await time('alice@example.test');
    await time('nobody@example.test'); // warm-up: the dummy hash is made on first use
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    // A real timing difference shows in every round; a burst of load from other processes (the
    // suite runs files in parallel) rarely spans three rounds, so one good round is enough.
    const rounds: string[] = [];
    for (let round = 0; round < 3; round++) {
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 15; i++) {
        known.push(await time('alice@example.test'));
        unknown.push(await time(`nobody${round}-${i}@example.test`));
      }
      const ratio = median(unknown) / median(known);
      rounds.push(`${ratio.toFixed(2)} (${median(unknown).toFixed(1)} ms vs ${median(known).toFixed(1)} ms)`);
      if (ratio > 0.5 && ratio < 2) break;
    }
    const last = rounds[rounds.length - 1]!;
    const ok = Number(last.split(' ')[0]);
    assert.ok(ok > 0.5 && ok < 2, `median unknown/known per round: ${rounds.join(', ')}`);
    // Same answer text: the details differ only in the log.
    const a = await f.auth.verifyPassword('alice@example.test', 'wrong', c);
    const b = await f.auth.verifyPassword('nobody@example.test', 'wrong', c);
    assert.equal(a.kind === 'failure' && a.reason, b.kind === 'failure' && b.reason);
  } finally {
    await f.close();
  }
});
