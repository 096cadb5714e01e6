// RFC 3516 §4.4: APPEND of binary content in a literal8. BODY[] never returns binary bytes (they are
// stored re-encoded in base64, as Dovecot does); BINARY[] returns the original decoded bytes, for a
// small message held in memory and for a large one streamed to the spool alike.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { login, startImapServer, type ImapTestServer } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(() => srv.server.close());

function message(payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from('From: a@example.test\r\nSubject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--zz\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
    payload,
    Buffer.from('\r\n--zz--\r\n'),
  ]);
}

const payloadOf = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + (i >> 8)) % 256));

for (const [what, size] of [['a small', 300], ['a spooled (large)', 200_000]] as const) {
  test(`${what} literal8 APPEND: BODY[2] is base64 without NUL, BINARY[2] the original bytes`, async () => {
    const payload = payloadOf(size);
    const msg = message(payload);
    const c = await login(srv.port);
    const box = `Bin${size}`;
    await c.cmd('C', `CREATE ${box}`);
    c.send(Buffer.concat([Buffer.from(`A APPEND ${box} ~{${msg.length}+}\r\n`), msg, Buffer.from('\r\n')]));
    assert.match((await c.until('A')).at(-1)!, /^A OK \[APPENDUID/);
    assert.deepEqual(await readdir(join(srv.server.dataDir, 'spool')), []);
    await c.cmd('S', `SELECT ${box}`);
    const body = (await c.cmd('F1', 'FETCH 1 (BODY.PEEK[2] BODY.PEEK[2.MIME] BODYSTRUCTURE)'))[0]!;
    const m = /BODY\[2\] \{(\d+)\}\r\n/.exec(body)!;
    const b64 = body.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1]));
    assert.equal(b64.includes('\0'), false);
    assert.deepEqual(Buffer.from(b64, 'base64'), payload);
    assert.match(body, /Content-Transfer-Encoding: base64/);
    assert.match(body, /"APPLICATION" "OCTET-STREAM" NIL NIL NIL "BASE64"/);
    const bin = (await c.cmd('F2', 'FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])'))[0]!;
    assert.match(bin, new RegExp(`BINARY\\.SIZE\\[2\\] ${size} BINARY\\[2\\] ~\\{${size}\\}\\r\\n`));
    const start = bin.indexOf(`~{${size}}\r\n`) + `~{${size}}\r\n`.length;
    assert.deepEqual(Buffer.from(bin.slice(start, start + size), 'latin1'), payload);
    c.close();
  });
}

test('a plain literal with binary content is stored as it came (only literal8 announces binary)', async () => {
  const msg = Buffer.from('Subject: x\r\nContent-Transfer-Encoding: binary\r\n\r\nabc\r\n');
  const c = await login(srv.port);
  await c.cmd('C', 'CREATE Plain');
  c.send(Buffer.concat([Buffer.from(`A APPEND Plain {${msg.length}+}\r\n`), msg, Buffer.from('\r\n')]));
  assert.match((await c.until('A')).at(-1)!, /^A OK/);
  await c.cmd('S', 'SELECT Plain');
  assert.match((await c.cmd('F', 'FETCH 1 BODY.PEEK[]'))[0]!, /Content-Transfer-Encoding: binary\r\n\r\nabc\r\n\)$/);
  c.close();
});
