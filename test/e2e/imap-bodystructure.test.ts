// BODYSTRUCTURE, ENVELOPE and section fetches over the wire for the tricky messages of
// src/mime/testdata: nested multiparts, message/rfc822, missing boundaries, RFC 2231 parameters.
// Each message is appended, then fetched twice (the second time from the saved structure), and the
// answers must equal what the MIME parser and formatters give for the same bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findPart, parseMime } from '../../src/mime/index.ts';
import { formatBodyStructure } from '../../src/imap/bodystructure.ts';
import { formatEnvelope } from '../../src/imap/envelope.ts';
import { login, startImapServer, type ImapTestServer } from './imap-client.ts';

const dir = join(import.meta.dirname, '../../src/mime/testdata');
let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(async () => {
  await srv.server.close();
});

test('BODYSTRUCTURE, ENVELOPE and BODY[n] of every tricky message match the parser, before and after the structure is saved', async () => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  assert.ok(files.length > 10);
  const c = await login(srv.port);
  await c.cmd('c', 'CREATE Tricky');
  const expected: { file: string; bs: string; env: string; part1: Buffer | null }[] = [];
  for (const f of files) {
    const bytes = await readFile(join(dir, f));
    c.send(Buffer.concat([Buffer.from(`a APPEND Tricky {${bytes.length}+}\r\n`), bytes, Buffer.from('\r\n')]));
    assert.match((await c.until('a')).at(-1)!, /^a OK/, f);
    const root = await parseMime(bytes);
    const p1 = findPart(root, [1]);
    expected.push({ file: f, bs: formatBodyStructure(root, true), env: formatEnvelope(root), part1: p1 ? bytes.subarray(p1.bodyStart, p1.end) : null });
  }
  await c.cmd('s', 'SELECT Tricky');
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i]!;
      const r = await c.cmd('f', `FETCH ${i + 1} (BODYSTRUCTURE ENVELOPE)`);
      const raw = r.find((l) => l.startsWith(`* ${i + 1} FETCH`));
      assert.ok(raw, `${e.file}: ${r.join('\n')}`);
      // The test client reads bytes as latin1; the formatters return UTF-8 text.
      const line = Buffer.from(raw, 'latin1').toString('utf8');
      assert.ok(line.includes(`BODYSTRUCTURE ${e.bs}`), `${e.file} BODYSTRUCTURE\n got: ${line}\nwant: ${e.bs}`);
      assert.ok(line.includes(`ENVELOPE ${e.env}`), `${e.file} ENVELOPE`);
      if (e.part1) {
        const b = await c.cmd('g', `FETCH ${i + 1} (BODY.PEEK[1])`);
        const text = b.join('\n');
        assert.ok(text.includes(`BODY[1] {${e.part1.length}}\r\n${e.part1.toString('latin1')}`), `${e.file} BODY[1]`);
      }
    }
  }
  c.close();
});
