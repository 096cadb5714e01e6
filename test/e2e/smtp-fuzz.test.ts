// Seeded fuzz of whole sessions over the wire (CONVENTIONS.md §3): random and mutated command
// streams, sent in random pieces. The server must never crash, must answer or close, and must
// still serve a well-behaved client afterwards.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { SmtpWire, startSmtpServer } from './smtp-wire.ts';
import { rng } from '../helpers/random.ts';


const seeds = [
  'EHLO fuzz.example\r\n', 'HELO x\r\n', 'MAIL FROM:<a@example.org>\r\n', 'MAIL FROM:<>\r\n', 'RCPT TO:<alice@example.test>\r\n',
  'RCPT TO:<x%y@example.test>\r\n', 'DATA\r\n', 'Subject: x\r\n\r\nbody\r\n.\r\n', '.\r\n', 'BDAT 4\r\nabcd', 'BDAT 0 LAST\r\n', 'BDAT x\r\n',
  'RSET\r\n', 'NOOP\r\n', 'VRFY a\r\n', 'AUTH PLAIN =\r\n', 'AUTH LOGIN\r\n', '*\r\n', 'STARTTLS\r\n', '\r\n', '\n', '\r', '\0', '\xff\xfe',
  'MAIL FROM:<a@b> SIZE=99999999999999\r\n', 'RCPT TO:<"a@b"@example.test> NOTIFY=NEVER,DELAY\r\n', 'X'.repeat(300), 'QUIT\r\n',
];

let server: TestServer;
before(async () => {
  server = await startSmtpServer({ limits: { max_line_bytes: 256, max_errors: 1000, max_message_bytes: 4096, command_timeout: '200ms', data_timeout: '200ms', greeting_timeout: '200ms' }, captureLogs: true });
});
after(async () => {
  await server.close();
});

test('random and mutated sessions: no crash, bounded answers, the server keeps serving', async () => {
  const rand = rng(5321);
  for (let iter = 0; iter < 30; iter++) {
    let input = '';
    const n = 5 + Math.floor(rand() * 30);
    for (let i = 0; i < n; i++) {
      let piece = seeds[Math.floor(rand() * seeds.length)]!;
      if (rand() < 0.3) {
        // mutate: flip, drop or duplicate a byte
        const pos = Math.floor(rand() * piece.length);
        const op = Math.floor(rand() * 3);
        piece = op === 0 ? piece.slice(0, pos) + String.fromCharCode(Math.floor(rand() * 256)) + piece.slice(pos + 1) : op === 1 ? piece.slice(0, pos) + piece.slice(pos + 1) : piece.slice(0, pos) + piece[pos] + piece.slice(pos);
      }
      input += piece;
    }
    input += '\r\n.\r\nRSET\r\nQUIT\r\n';
    const c = await SmtpWire.connect(server.port('mx'));
    const bytes = Buffer.from(input, 'latin1');
    for (let pos = 0; pos < bytes.length;) {
      const k = 1 + Math.floor(rand() * 64);
      c.send(bytes.subarray(pos, pos + k));
      pos += k;
    }
    // Every session ends: QUIT, a limit, a bad BDAT, or the server's timeout (421) at the latest.
    await c.closed();
    for (const line of c.pending.split('\r\n').filter((l) => l !== '')) assert.match(line, /^[2-5]\d\d[ -]/, 'every line is a reply');
    c.end();
  }
  assert.equal(server.logLines.filter((l) => l.event === 'smtp.session.crashed' || l.event === 'net.session.crashed' || l.event === 'smtp.command.failed').length, 0, 'no session crashed');
  const ok = await SmtpWire.connect(server.port('mx'));
  assert.equal((await ok.reply()).code, 220);
  assert.equal((await ok.cmd('EHLO after.example')).code, 250);
  ok.end();
});
