// ImapFlow (a real client written by others) against Postern over implicit TLS and STARTTLS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { startImapServer, type ImapTestServer } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer();
});
after(async () => {
  await srv.server.close();
});

function client(port: number, secure: boolean, user = 'alice@example.test', pass = 'secret-alice'): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port, secure, auth: { user, pass }, logger: false, tls: { rejectUnauthorized: false }, doSTARTTLS: secure ? undefined : true } as ConstructorParameters<typeof ImapFlow>[0]);
}

const multipart = [
  'From: "Alice Example" <alice@example.test>',
  'To: bob@example.test',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
  'Message-ID: <m1@example.test>',
  'Date: Mon, 02 Feb 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hallo Gr=C3=BC=C3=9Fe',
  '--b1',
  'Content-Type: application/octet-stream; name="a.bin"',
  'Content-Disposition: attachment; filename="a.bin"',
  'Content-Transfer-Encoding: base64',
  '',
  Buffer.from([0, 1, 2, 3, 255]).toString('base64'),
  '--b1--',
  '',
].join('\r\n');

test('imapflow: login over implicit TLS, list, append, fetch structure and parts, flags, search, move, idle', async () => {
  const c = client(srv.tlsPort, true);
  await c.connect();
  const boxes = await c.list();
  const sent = boxes.find((b) => b.path === 'Sent');
  assert.equal(sent?.specialUse, '\\Sent');

  const res = await c.append('INBOX', multipart, ['\\Seen']);
  assert.ok(res && typeof res === 'object' && res.uid === 1);

  const lock = await c.getMailboxLock('INBOX');
  try {
    const msg = await c.fetchOne('1', { envelope: true, bodyStructure: true, flags: true, uid: true, size: true });
    assert.ok(msg);
    assert.equal(msg.envelope?.subject, 'Grüße');
    assert.equal(msg.envelope?.from?.[0]?.address, 'alice@example.test');
    assert.equal(msg.bodyStructure?.type, 'multipart/mixed');
    assert.equal(msg.bodyStructure?.childNodes?.[1]?.dispositionParameters?.filename, 'a.bin');
    assert.ok(msg.flags?.has('\\Seen'));

    const part = await c.download('1', '2');
    const chunks: Buffer[] = [];
    for await (const ch of part.content) chunks.push(ch as Buffer);
    assert.deepEqual(Buffer.concat(chunks), Buffer.from([0, 1, 2, 3, 255]));

    const text = await c.download('1', '1');
    const t: Buffer[] = [];
    for await (const ch of text.content) t.push(ch as Buffer);
    assert.equal(Buffer.concat(t).toString('utf8').trim(), 'Hallo Grüße');

    await c.messageFlagsAdd('1', ['\\Flagged', '$label1']);
    const found = await c.search({ flagged: true, subject: 'Grüße' });
    assert.deepEqual(found, [1]);
    const none = await c.search({ body: 'nothing like this' });
    assert.deepEqual(none, []);

    const moved = await c.messageMove('1', 'Archive');
    assert.ok(moved && moved.uidMap?.get(1) === 1);
  } finally {
    lock.release();
  }
  const st = await c.status('Archive', { messages: true, unseen: true, uidNext: true });
  assert.equal(st.messages, 1);
  assert.equal(st.uidNext, 2);
  await c.logout();
});

test('imapflow: STARTTLS, IDLE notification of a message appended by another client', async () => {
  const watcher = client(srv.port, false);
  const writer = client(srv.tlsPort, true);
  await watcher.connect();
  await writer.connect();
  await watcher.mailboxCreate('Watched');
  const lock = await watcher.getMailboxLock('Watched');
  try {
    const seen = new Promise<number>((resolve) => watcher.on('exists', (d: { count: number }) => resolve(d.count)));
    // Whether the append lands before or during IDLE, IDLE's first sync or its push reports it.
    void watcher.idle();
    await new Promise((r) => setTimeout(r, 100));
    await writer.append('Watched', 'Subject: ping\r\n\r\nhello\r\n');
    assert.equal(await seen, 1);
  } finally {
    lock.release();
  }
  await writer.logout();
  await watcher.logout();
});
