import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBodyDecoder, knownEncodings } from './index.ts';
import { rng } from './test-support.ts';

/** Run a decoder over input split into chunks of the given sizes (cycled). */
async function decode(encoding: string, input: string | Uint8Array, chunk: () => number = () => 1 << 20): Promise<Buffer> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : Buffer.from(input);
  const d = createBodyDecoder(encoding);
  const out: Buffer[] = [];
  d.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    d.on('end', resolve);
    d.on('error', reject);
  });
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, chunk());
    d.write(bytes.subarray(i, i + n));
    i += n;
  }
  d.end();
  await done;
  return Buffer.concat(out);
}

async function sameAtEverySplit(encoding: string, input: string, expected: Buffer): Promise<void> {
  assert.deepEqual(await decode(encoding, input), expected);
  assert.deepEqual(await decode(encoding, input, () => 1), expected);
  for (let seed = 1; seed <= 10; seed++) {
    const r = rng(seed);
    assert.deepEqual(await decode(encoding, input, () => Math.floor(r() * 8)), expected, `seed ${seed}`);
  }
}

test('base64 at every chunk split, with line breaks and junk ignored (RFC 2045 §6.8)', async () => {
  const data = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
  await sameAtEverySplit('base64', b64, data);
  await sameAtEverySplit('BASE64', `  ${b64.slice(0, 20)}!!*${b64.slice(20)}\r\n\r\n`, data);
  assert.deepEqual(await decode('base64', 'QQ'), Buffer.from('A')); // missing padding
  assert.deepEqual(await decode('base64', 'QQ==QkI='), Buffer.from('ABB')); // concatenated runs
});

test('quoted-printable escapes, soft breaks and trailing white space (RFC 2045 §6.7)', async () => {
  await sameAtEverySplit('quoted-printable', 'Gr=C3=BC=C3=9Fe=\r\n dich   \r\nline2\t\r\n=3D=3d\r\n', Buffer.from('Grüße dich\r\nline2\r\n==\r\n'));
  await sameAtEverySplit('quoted-printable', 'bare lf=\nsoft\nend', Buffer.from('bare lfsoft\nend'));
  await sameAtEverySplit('quoted-printable', 'bad =ZZ and =4 and = end=', Buffer.from('bad =ZZ and =4 and = end'));
  await sameAtEverySplit('quoted-printable', 'soft with space= \t\r\nnext', Buffer.from('soft with spacenext'));
});

test('quoted-printable keeps memory bounded on a line without breaks', async () => {
  const long = 'a=41'.repeat(100_000);
  const out = await decode('quoted-printable', long, () => 4096);
  assert.equal(out.length, 200_000);
  assert.ok(out.every((b, i) => b === (i % 2 === 0 ? 0x61 : 0x41)));
});

test('identity encodings and unknown ones pass through', async () => {
  const bin = new Uint8Array([0, 1, 2, 0xff, 0x0d, 0x0a]);
  for (const e of ['7bit', '8bit', 'binary', 'x-unknown']) assert.deepEqual(await decode(e, bin), Buffer.from(bin));
  assert.ok(knownEncodings.has('base64') && !knownEncodings.has('x-uuencode'));
});
