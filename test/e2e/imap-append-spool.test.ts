// APPEND streams large literals to the spool (src/imap/literal-spool.ts): a 20 MiB message does not
// sit in the server's memory, comes back byte-identical, and a failed or interrupted APPEND leaves
// no spool file behind. The server runs in this process, so its memory is measured directly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { login, RawImap, startImapServer, type ImapTestServer } from './imap-client.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Full collections until the array-buffer count settles: V8 frees the backing stores of dead
 * buffers on a background thread after the collection, so one gc() right before
 * process.memoryUsage() may still count them.
 */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 20; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 10));
    const m = process.memoryUsage();
    if (m.arrayBuffers >= last - 64 * 1024) return m;
    last = m.arrayBuffers;
  }
  return process.memoryUsage();
}

let srv: ImapTestServer;
let spoolDir: string;
before(async () => {
  srv = await startImapServer();
  spoolDir = join(srv.server.dataDir, 'spool');
  await srv.server.ctx.directory.createUser('quota@example.test', 'secret-quota', { quotaBytes: 512 * 1024 });
});
after(() => srv.server.close());

/** A deterministic message of `size` bytes: a header, then lines of pseudo-random text. */
function* messageChunks(size: number, seed: string): Generator<Buffer> {
  const head = Buffer.from(`From: a@example.test\r\nSubject: big ${seed}\r\nMessage-ID: <${seed}@example.test>\r\n\r\n`);
  yield head;
  let left = size - head.length;
  let n = 0;
  while (left > 0) {
    const line = Buffer.from(`${createHash('sha256').update(`${seed}${n++}`).digest('base64')}${'x'.repeat(1000)}\r\n`);
    const chunk = Buffer.alloc(Math.min(left, 64 * 1024));
    for (let i = 0; i < chunk.length; i += line.length) line.copy(chunk, i, 0, Math.min(line.length, chunk.length - i));
    left -= chunk.length;
    yield chunk;
  }
}

/** Writes the chunks with backpressure; returns their SHA-256 (or adds them to `into`). */
async function sendChunks(c: RawImap, chunks: Iterable<Buffer>, into?: ReturnType<typeof createHash>): Promise<string> {
  const hash = into ?? createHash('sha256');
  for (const chunk of chunks) {
    hash.update(chunk);
    if (!c.socket.write(chunk)) await new Promise((r) => c.socket.once('drain', r));
  }
  return into ? '' : hash.digest('hex');
}

/** Polls until `check` holds (a generous deadline; the test does not depend on how fast). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function spoolFiles(): Promise<{ name: string; size: number }[]> {
  const names = await readdir(spoolDir);
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(spoolDir, name))).size })));
}

/** FETCHes BODY.PEEK[] of one UID without buffering quadratic copies; returns its SHA-256 and size. */
async function fetchBodyHash(c: RawImap, uid: number): Promise<{ hash: string; size: number }> {
  c.socket.pause();
  const chunks: Buffer[] = [];
  let total = 0;
  const done = new Promise<Buffer>((resolve) => {
    const onData = (d: Buffer) => {
      chunks.push(d);
      total += d.length;
      const tail = Buffer.concat(chunks.slice(-2)).toString('latin1');
      if (/\r\nF9 (OK|NO|BAD)[^\n]*\r\n$/.test(tail)) {
        c.socket.off('data', onData);
        resolve(Buffer.concat(chunks, total));
      }
    };
    // This client is used for nothing after: RawImap's own reader (it copies its whole buffer on
    // every chunk) is taken off.
    c.socket.removeAllListeners('data');
    c.socket.on('data', onData);
  });
  c.socket.resume();
  c.send(`F9 UID FETCH ${uid} BODY.PEEK[]\r\n`);
  const all = await done;
  const m = /BODY\[\] \{(\d+)\}\r\n/.exec(all.subarray(0, 200).toString('latin1'));
  assert.ok(m, all.subarray(0, 200).toString('latin1'));
  const start = all.indexOf('\r\n', m.index) + 2;
  const size = Number(m[1]);
  return { hash: createHash('sha256').update(all.subarray(start, start + size)).digest('hex'), size };
}

test('a 20 MiB APPEND streams to the spool: bounded memory, byte-identical FETCH, empty spool after', async () => {
  const size = 20 * 1024 * 1024;
  const c = await login(srv.port);
  await c.cmd('S0', 'SELECT INBOX');
  c.send(`A1 APPEND INBOX {${size}}\r\n`);
  assert.match(await c.line(), /^\+ /);
  const base = await settledMemory();
  // Everything but the last byte: the server must have it on disk, not in memory.
  const chunks = [...messageChunks(size, 'twenty')];
  const whole = createHash('sha256');
  const last = chunks.at(-1)!;
  chunks[chunks.length - 1] = last.subarray(0, last.length - 1);
  await sendChunks(c, chunks, whole);
  await until('the spool file to hold all but one byte', async () => (await spoolFiles()).some((f) => f.size === size - 1));
  const now = await settledMemory();
  const grew = now.arrayBuffers - base.arrayBuffers + (now.heapUsed - base.heapUsed);
  // The test's own message chunks (20 MiB) are alive here too: count them out.
  const mine = chunks.reduce((n, b) => n + b.length, 0);
  assert.ok(grew - mine < 8 * 1024 * 1024, `server memory grew by ${((grew - mine) / 1048576).toFixed(1)} MiB`);
  chunks.length = 0;
  whole.update(last.subarray(last.length - 1));
  c.send(Buffer.concat([last.subarray(last.length - 1), Buffer.from('\r\n')]));
  const r = await c.until('A1');
  assert.match(r.at(-1)!, /^A1 OK \[APPENDUID \d+ 1\]/);
  assert.deepEqual(await spoolFiles(), []);
  const got = await fetchBodyHash(c, 1);
  assert.deepEqual(got, { hash: whole.digest('hex'), size });
  c.close();
});

test('MULTIAPPEND with several large literals stores each', async () => {
  const c = await login(srv.port);
  await c.cmd('C1', 'CREATE Multi');
  const sizes = [300_000, 1_000_000, 200];
  c.send(`A2 APPEND Multi (\\Seen) {${sizes[0]}+}\r\n`);
  const h0 = await sendChunks(c, messageChunks(sizes[0]!, 'm0'));
  c.send(` {${sizes[1]}+}\r\n`);
  const h1 = await sendChunks(c, messageChunks(sizes[1]!, 'm1'));
  c.send(` {${sizes[2]}}\r\n`);
  assert.match(await c.line(), /^\+ /);
  const h2 = await sendChunks(c, messageChunks(sizes[2]!, 'm2'));
  c.send('\r\n');
  const r = await c.until('A2');
  assert.match(r.at(-1)!, /^A2 OK \[APPENDUID \d+ 1:3\]/);
  assert.deepEqual(await spoolFiles(), []);
  await c.cmd('S1', 'SELECT Multi');
  const f = await c.cmd('F1', 'FETCH 1:3 (FLAGS RFC822.SIZE BODYSTRUCTURE)');
  assert.match(f[0]!, /^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) RFC822\.SIZE 300000 BODYSTRUCTURE \("TEXT" "PLAIN"/);
  assert.match(f[1]!, /RFC822\.SIZE 1000000/);
  assert.deepEqual(await fetchBodyHash(c, 1), { hash: h0, size: sizes[0] });
  c.close();
  const d = await login(srv.port);
  await d.cmd('S1', 'SELECT Multi');
  assert.deepEqual(await fetchBodyHash(d, 2), { hash: h1, size: sizes[1] });
  d.close();
  const e = await login(srv.port);
  await e.cmd('S1', 'SELECT Multi');
  assert.deepEqual(await fetchBodyHash(e, 3), { hash: h2, size: sizes[2] });
  e.close();
});

test('an APPEND cut off mid-literal leaves no spool file and appends nothing', async () => {
  const c = await login(srv.port);
  await c.cmd('C1', 'CREATE Cut');
  const blobsBefore = await readdir(join(srv.server.dataDir, 'blobs'), { recursive: true });
  c.send('A3 APPEND Cut {2000000+}\r\n');
  const part = [...messageChunks(2_000_000, 'cut')].slice(0, 8);
  await sendChunks(c, part);
  const sent = part.reduce((n, b) => n + b.length, 0);
  await until('the spool file to fill', async () => (await spoolFiles()).some((f) => f.size === sent));
  c.close();
  await until('the spool to empty', async () => (await spoolFiles()).length === 0);
  const d = await login(srv.port);
  assert.match((await d.cmd('S1', 'STATUS Cut (MESSAGES)'))[0]!, /MESSAGES 0/);
  assert.deepEqual(await readdir(join(srv.server.dataDir, 'blobs'), { recursive: true }), blobsBefore);
  d.close();
});

test('a refused APPEND (bad syntax after the literal, quota, missing mailbox) leaves no spool file', async () => {
  const c = await login(srv.port);
  c.send('A4 APPEND INBOX {500000+}\r\n');
  await sendChunks(c, messageChunks(500_000, 'bad'));
  c.send(' (trailing garbage\r\n');
  assert.match((await c.until('A4')).at(-1)!, /^A4 BAD /);
  assert.deepEqual(await spoolFiles(), []);
  c.send('A5 APPEND Nowhere {500000+}\r\n');
  await sendChunks(c, messageChunks(500_000, 'nowhere'));
  c.send('\r\n');
  assert.match((await c.until('A5')).at(-1)!, /^A5 NO \[TRYCREATE\]/);
  assert.deepEqual(await spoolFiles(), []);
  // The session goes on normally.
  assert.match((await c.cmd('A6', 'NOOP')).at(-1)!, /^A6 OK/);
  c.close();
  const q = await login(srv.port, 'quota@example.test', 'secret-quota');
  q.send('A7 APPEND INBOX {600000+}\r\n');
  await sendChunks(q, messageChunks(600_000, 'quota'));
  q.send('\r\n');
  assert.match((await q.until('A7')).at(-1)!, /^A7 NO \[OVERQUOTA\]/);
  assert.deepEqual(await spoolFiles(), []);
  q.close();
});

test('a spool file that cannot be created gets NO [UNAVAILABLE] after the literal is read; the session goes on', async () => {
  const { rm, mkdir, writeFile } = await import('node:fs/promises');
  await rm(spoolDir, { recursive: true });
  await writeFile(spoolDir, 'not a directory');
  try {
    const c = await login(srv.port);
    c.send('A8 APPEND INBOX {300000+}\r\n');
    await sendChunks(c, messageChunks(300_000, 'nospool'));
    c.send('\r\n');
    assert.match((await c.until('A8')).at(-1)!, /^A8 NO \[UNAVAILABLE\] Cannot store the message now \(ENOTDIR\)/);
    assert.match((await c.cmd('A9', 'NOOP')).at(-1)!, /^A9 OK/);
    c.close();
  } finally {
    await rm(spoolDir);
    await mkdir(spoolDir);
  }
});

test('before login no literal over the line limit is buffered: NO [TOOBIG], and the session goes on', async () => {
  const c = await RawImap.open(srv.port);
  await c.line();
  assert.deepEqual(await c.cmd('L1', 'LOGIN {70000}'), ['L1 NO [TOOBIG] Literal too big']);
  c.send('L2 LOGIN {70000+}\r\n');
  c.send(Buffer.alloc(70000, 0x61));
  c.send('\r\n');
  assert.deepEqual(await c.until('L2'), ['L2 NO [TOOBIG] Literal too big']);
  assert.match((await c.cmd('L3', 'LOGIN alice@example.test secret-alice')).at(-1)!, /^L3 OK/);
  c.close();
});
