// Every message of the SpamAssassin public corpus (../shared/testdata/spam-corpus, see its README)
// parses without error, with consistent offsets; a sample also parses identically in random chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MimeParser, parseMime, type MimePart } from './index.ts';
import { checkOffsets, rng } from './test-support.ts';

const corpus = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'spam-corpus', 'spamassassin');
const folders = ['easy_ham', 'easy_ham_2', 'hard_ham', 'spam', 'spam_2'];

function countParts(p: MimePart): number {
  return 1 + p.children.reduce((n, c) => n + countParts(c), 0) + (p.message ? countParts(p.message) : 0);
}

test('SpamAssassin corpus: every message parses with consistent offsets', async (t) => {
  if (!existsSync(corpus)) {
    t.skip(`corpus not found at ${corpus} (see shared/testdata/spam-corpus/README.md)`);
    return;
  }
  let messages = 0;
  let parts = 0;
  let multiparts = 0;
  const r = rng(7);
  for (const folder of folders) {
    const dir = join(corpus, folder);
    for (const name of readdirSync(dir).sort()) {
      if (name === 'MD5SUMS') continue;
      const bytes = new Uint8Array(readFileSync(join(dir, name)));
      const root = await parseMime(bytes);
      checkOffsets(root, bytes.length);
      assert.equal(root.end, bytes.length, `${folder}/${name}: the root ends at the end of the message`);
      messages++;
      parts += countParts(root);
      if (root.contentType.type === 'multipart') {
        multiparts++;
        assert.ok(root.children.length > 0 || bytes.length < 100_000, `${folder}/${name}: a multipart with parts`);
      }
      if (messages % 10 === 0) {
        const p = new MimeParser();
        for (let i = 0; i < bytes.length; ) {
          const n = 1 + Math.floor(r() * 200);
          p.push(bytes.subarray(i, i + n));
          i += n;
        }
        assert.deepEqual(p.end(), root, `${folder}/${name}: random chunks`);
      }
    }
  }
  t.diagnostic(`${messages} messages, ${parts} parts, ${multiparts} multipart roots`);
  assert.ok(messages > 6000, 'the whole corpus was read');
});
