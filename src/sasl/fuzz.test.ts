// Seeded fuzz of every SASL parser and exchange (CONVENTIONS.md §3): random and mutated input
// never throws and never produces anything but a challenge, a failure, or (for a valid login) a
// success.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conn, makeFixture } from './fixtures.test-helper.ts';
import { parseOauthBearer } from './oauthbearer.ts';
import { parsePasswdFile } from './passwd-file.ts';
import { parsePlain } from './plain.ts';
import { saslprep } from './saslprep.ts';
import { parseClientFinal, parseClientFirst } from './scram.ts';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const seeds = ['n,,n=user,r=abc', 'p=tls-exporter,a=x,n=u=2C,r=x', 'c=biws,r=abc,p=AAAA', 'n,a=u@x,\x01auth=Bearer t\x01\x01', '\0user@example.test\0pw', 'u:{SHA512-CRYPT}$6$x$y::::::userdb_quota_rule=*:storage=1G'];

function mutate(r: () => number, base: string): Buffer {
  const b = Buffer.from(base);
  const out: number[] = [...b];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(r() * (out.length + 1));
    const op = r();
    if (op < 0.4) out.splice(pos, 1);
    else if (op < 0.8) out.splice(pos, 0, Math.floor(r() * 256));
    else out.splice(pos, 0, ...Buffer.from([',', '=', '\0', '\x01', ':', '$'][Math.floor(r() * 6)]!));
  }
  return Buffer.from(out);
}

test('parsers never throw on random and mutated input', () => {
  const r = rng(20261123);
  for (let i = 0; i < 3000; i++) {
    const input = r() < 0.3 ? Buffer.from(Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256))) : mutate(r, seeds[i % seeds.length]!);
    const s = input.toString('utf8');
    parseClientFirst(s);
    parseClientFinal(s);
    parseOauthBearer(s);
    parsePlain(input);
    saslprep(s);
    parsePasswdFile(s, { defaultDomain: 'example.test' });
  }
});

test('exchanges never throw and end in a failure on garbage', async () => {
  const f = await makeFixture({ mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN', 'CRAM-MD5'], ip_block_after: 0, account_block_after: 0, delay_after_failures: 1_000_000, max_attempts_per_connection: 1_000_000 });
  try {
    await f.directory.createUser('user@example.test', 'pw');
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const mech = f.auth.mechanisms(conn())[i % 5]!;
      const ex = f.auth.start(mech, conn())!;
      let step = await ex.step(r() < 0.2 ? null : mutate(r, seeds[i % seeds.length]!));
      for (let k = 0; k < 4 && step.kind === 'challenge'; k++) step = await ex.step(mutate(r, seeds[(i + k) % seeds.length]!));
      assert.ok(step.kind === 'failure' || step.kind === 'challenge', `${mech}: ${step.kind}`);
    }
  } finally {
    await f.close();
  }
});
