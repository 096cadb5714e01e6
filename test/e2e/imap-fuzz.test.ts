// Seeded fuzz of a live session: random and mutated commands must never crash the server or wedge
// the session; afterwards the same connection still answers NOOP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { login, startImapServer, type ImapTestServer } from './imap-client.ts';
import { rng } from '../helpers/random.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(async () => {
  await srv.server.close();
});


const seeds = [
  'SELECT INBOX', 'FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODYSTRUCTURE)', 'UID FETCH 1:* (BODY[1.2.MIME]<0.10>)',
  'SEARCH OR (FROM a SUBJECT b) NOT (LARGER 10 SMALLER 5) UID 1:*', 'STORE 1 +FLAGS (\\Seen $x)', 'UID STORE 1:* (UNCHANGEDSINCE 1) -FLAGS (\\Deleted)',
  'LIST (SUBSCRIBED RECURSIVEMATCH) "" (INBOX "*") RETURN (CHILDREN STATUS (MESSAGES SIZE))', 'STATUS INBOX (MESSAGES UNSEEN HIGHESTMODSEQ)',
  'SORT (REVERSE DATE SUBJECT) UTF-8 ALL', 'THREAD REFERENCES UTF-8 ALL', 'COPY 1:* Trash', 'UID MOVE 1 Archive', 'EXPUNGE', 'CREATE "a/b"', 'RENAME "a" "c"',
  'SEARCH RETURN (MIN MAX SAVE) ALL', 'FETCH $ (UID)', 'ENABLE CONDSTORE', 'ID ("a" "b")', 'NAMESPACE', 'GETQUOTAROOT INBOX', 'EXAMINE INBOX',
];
const junk = '(){}[]<>*%\\"+~0123456789 .:,$\r\nABCXYZ';

test('seeded session fuzz: no crash, the session keeps answering', async () => {
  const rand = rng(2024);
  const c = await login(srv.port);
  const body = 'Subject: fuzz\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\none\r\n--x--\r\n';
  await c.cmd('p', `APPEND INBOX {${body.length}+}\r\n${body}`);
  for (let i = 0; i < 400; i++) {
    let cmd = seeds[Math.floor(rand() * seeds.length)]!;
    const mutations = Math.floor(rand() * 4);
    for (let m = 0; m < mutations; m++) {
      const pos = Math.floor(rand() * (cmd.length + 1));
      const ch = junk[Math.floor(rand() * junk.length)]!;
      cmd = rand() < 0.5 ? cmd.slice(0, pos) + ch + cmd.slice(pos) : cmd.slice(0, pos) + cmd.slice(pos + 1);
    }
    // Literal announcements and line breaks inside the mutation are removed: the test would wait for "+".
    cmd = cmd.replace(/[\r\n]/g, ' ').replace(/\{\d*\+?\}$/, '');
    const tag = `f${i}`;
    const r = await c.cmd(tag, cmd);
    assert.match(r.at(-1)!, new RegExp(`^${tag} (OK|NO|BAD)`), `${cmd}\n${r.join('\n')}`);
    assert.ok(!r.some((l) => l.includes('SERVERBUG')), `${cmd}\n${r.join('\n')}`);
  }
  assert.match((await c.cmd('z', 'NOOP')).at(-1)!, /^z OK/);
  c.close();
});
