// Interop with clients written by others: python3 imaplib, curl's IMAP URLs and mbsync (isync)
// syncing a mailbox both ways with a local Maildir.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { login, startImapServer, type ImapTestServer } from './imap-client.ts';

const run = promisify(execFile);
let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(async () => {
  await srv.server.close();
});

const python = '/usr/bin/python3';

test('python3 imaplib: login, append, select, search, fetch, store, expunge, over TLS and plaintext', async (t) => {
  if (!existsSync(python)) return t.skip('python3 not installed');
  const script = `
import imaplib, ssl, sys, json
port, tls_port = int(sys.argv[1]), int(sys.argv[2])
out = {}
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL('127.0.0.1', tls_port, ssl_context=ctx)
m.login('alice@example.test', 'secret-alice')
out['caps'] = list(m.capabilities)
typ, _ = m.create('Py')
typ, data = m.append('Py', '(\\\\Flagged)', None, b'Subject: from python\\r\\nFrom: p@example.test\\r\\n\\r\\nhello from imaplib\\r\\n')
out['append'] = data[0].decode()
typ, data = m.select('Py')
out['exists'] = data[0].decode()
typ, data = m.search(None, 'FLAGGED', 'SUBJECT', 'python')
out['search'] = data[0].decode()
typ, data = m.fetch('1', '(RFC822.SIZE BODY[TEXT] FLAGS)')
out['fetch'] = data[0][0].decode(); out['text'] = data[0][1].decode()
typ, data = m.uid('STORE', '1', '+FLAGS', '(\\\\Deleted)')
typ, data = m.expunge()
out['expunge'] = [d.decode() for d in data if d]
m.logout()
p = imaplib.IMAP4('127.0.0.1', port)
p.login('alice@example.test', 'secret-alice')
typ, data = p.list()
out['list'] = [d.decode() for d in data]
typ, data = p.status('Py', '(MESSAGES UIDNEXT)')
out['status'] = data[0].decode()
p.logout()
print(json.dumps(out))
`;
  const { stdout } = await run(python, ['-c', script, String(srv.port), String(srv.tlsPort)]);
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok((out.caps as string[]).includes('IMAP4REV1'));
  assert.match(String(out.append), /^\[APPENDUID \d+ 1\] APPEND completed$/);
  assert.equal(out.exists, '1');
  assert.equal(out.search, '1');
  assert.match(String(out.fetch), /RFC822\.SIZE 66 BODY\[TEXT\] \{20\}/);
  assert.equal(out.text, 'hello from imaplib\r\n');
  assert.deepEqual(out.expunge, ['1']);
  assert.ok((out.list as string[]).some((l) => l.endsWith('"/" Py')));
  assert.match(String(out.status), /Py \(MESSAGES 0 UIDNEXT 2\)/);
});

test('curl IMAP URLs: list, fetch by UID, custom command', async (t) => {
  const curl = '/usr/bin/curl';
  if (!existsSync(curl)) return t.skip('curl not installed');
  const c = await login(srv.port, 'bob@example.test', 'secret-bob');
  const body = 'Subject: curl test\r\n\r\nfetched by curl\r\n';
  await c.cmd('a', `APPEND INBOX {${body.length}+}\r\n${body}`);
  c.close();
  const base = `imaps://127.0.0.1:${srv.tlsPort}`;
  const auth = ['-k', '-s', '-u', 'bob@example.test:secret-bob'];
  const list = await run(curl, [...auth, `${base}/`]);
  assert.match(list.stdout, /\* LIST \(\\HasNoChildren\) "\/" INBOX/);
  const msg = await run(curl, [...auth, `${base}/INBOX;UID=1`]);
  assert.equal(msg.stdout, body);
  const part = await run(curl, [...auth, `${base}/INBOX;UID=1;SECTION=TEXT`]);
  assert.equal(part.stdout, 'fetched by curl\r\n');
  const ex = await run(curl, [...auth, '-X', 'EXAMINE INBOX', `${base}/`]);
  assert.match(ex.stdout, /\* 1 EXISTS/);
  const search = await run(curl, [...auth, `${base}/INBOX?SUBJECT%20curl`]);
  assert.match(search.stdout, /\* SEARCH 1/);
  // STARTTLS upgrade on the plain listener.
  const st = await run(curl, [...auth, '--ssl-reqd', `imap://127.0.0.1:${srv.port}/INBOX;UID=1;SECTION=HEADER`]);
  assert.equal(st.stdout, 'Subject: curl test\r\n\r\n');
});

test('mbsync syncs a mailbox both ways with a local Maildir', async (t) => {
  const mbsync = '/usr/bin/mbsync';
  if (!existsSync(mbsync)) return t.skip('mbsync (isync) not installed');
  const dir = await mkdtemp(join(tmpdir(), 'postern-mbsync-'));
  try {
    const c = await login(srv.port, 'bob@example.test', 'secret-bob');
    await c.cmd('c', 'CREATE Sync1');
    for (let i = 1; i <= 3; i++) {
      const body = `Subject: server ${i}\r\nMessage-ID: <s${i}@example.test>\r\n\r\nfrom the server ${i}\r\n`;
      await c.cmd(`a${i}`, `APPEND Sync1 ${i === 1 ? '(\\Seen) ' : ''}{${body.length}+}\r\n${body}`);
    }
    await writeFile(join(dir, 'cert.pem'), srv.server.certPem);
    const conf = `IMAPAccount postern
Host 127.0.0.1
Port ${srv.tlsPort}
User bob@example.test
Pass secret-bob
SSLType IMAPS
CertificateFile ${join(dir, 'cert.pem')}

IMAPStore remote
Account postern

MaildirStore local
Path ${join(dir, 'mail')}/
Inbox ${join(dir, 'mail', 'INBOX')}
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns Sync1
Create Both
Expunge Both
SyncState *
`;
    await mkdir(join(dir, 'mail'), { recursive: true });
    await writeFile(join(dir, 'mbsyncrc'), conf);
    const runSync = () => run(mbsync, ['-c', join(dir, 'mbsyncrc'), '-a'], { env: { ...process.env, HOME: dir } });
    await runSync();
    const cur = join(dir, 'mail', 'Sync1');
    const files = [...(await readdir(join(cur, 'cur'))), ...(await readdir(join(cur, 'new')))];
    assert.equal(files.length, 3, files.join(','));
    assert.ok(files.some((f) => /,S$/.test(f) || /:2,S/.test(f)), `one message is seen: ${files.join(',')}`);

    // A message written locally and a flag set locally go up to the server.
    await writeFile(join(cur, 'new', `${Date.now()}.local.host`), 'Subject: from maildir\r\nMessage-ID: <l1@example.test>\r\n\r\nlocal body\r\n');
    await runSync();
    await c.cmd('s', 'SELECT Sync1');
    const f = await c.cmd('f', 'FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    assert.ok(f.some((l) => l.includes('Subject: from maildir')), f.join('\n'));

    // An expunge on the server is propagated to the Maildir.
    await c.cmd('d', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
    await c.cmd('e', 'EXPUNGE');
    await runSync();
    const after = [...(await readdir(join(cur, 'cur'))), ...(await readdir(join(cur, 'new')))];
    assert.equal(after.length, 3, after.join(','));
    const texts = await Promise.all(after.map(async (n) => readFile(join(cur, (await readdir(join(cur, 'cur'))).includes(n) ? 'cur' : 'new', n), 'utf8')));
    assert.ok(!texts.some((x) => x.includes('server 2')));
    c.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
