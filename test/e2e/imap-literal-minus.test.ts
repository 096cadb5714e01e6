// RFC 7888 LITERAL-: with [imap] literal_plus = "minus" the server advertises LITERAL- and refuses
// non-synchronising literals over 4096 bytes with BAD [TOOBIG], discarding the rest of the command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { login, startImapServer, type ImapTestServer } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer({ config: { imap: { literal_plus: 'minus' } } });
});
after(() => srv.server.close());

const message = (n: number) => `Subject: m\r\n\r\n${'y'.repeat(n - 16)}\r\n`;

test('LITERAL- is advertised instead of LITERAL+', async () => {
  const c = await login(srv.port);
  const caps = (await c.cmd('C1', 'CAPABILITY'))[0]!;
  assert.match(caps, / LITERAL- /);
  assert.doesNotMatch(caps, /LITERAL\+/);
  c.close();
});

test('a non-synchronising literal of 4096 bytes is taken, a larger one gets BAD [TOOBIG] and is discarded', async () => {
  const c = await login(srv.port);
  c.send(`A1 APPEND INBOX {4096+}\r\n${message(4096)}\r\n`);
  assert.match((await c.until('A1')).at(-1)!, /^A1 OK \[APPENDUID/);
  // The refused literal is read and dropped with the rest of its command, further literals included.
  c.send(`A2 APPEND INBOX {4097+}\r\n${message(4097)} {5+}\r\nabcde\r\n`);
  assert.deepEqual(await c.until('A2'), ['A2 BAD [TOOBIG] Non-synchronizing literals are limited to 4096 bytes (LITERAL-)']);
  assert.match((await c.cmd('A3', 'STATUS INBOX (MESSAGES)'))[0]!, /MESSAGES 1\)/);
  c.close();
});

test('synchronising literals of any size still work under LITERAL-', async () => {
  const c = await login(srv.port);
  c.send('A4 APPEND INBOX {100000}\r\n');
  assert.match(await c.line(), /^\+ /);
  c.send(`${message(100000)}\r\n`);
  assert.match((await c.until('A4')).at(-1)!, /^A4 OK \[APPENDUID/);
  c.close();
});
