// Golden C:/S: transcripts per command, run over a real socket against a full in-process server.
// In S: lines "{*}" matches any text (UIDVALIDITY, dates) and CRLF inside literals is written "\r\n".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RawImap, startImapServer, type ImapTestServer } from './imap-client.ts';

let srv: ImapTestServer;
before(async () => {
  srv = await startImapServer({ users: { 'alice@example.test': 'secret-alice', 'bob@example.test': 'secret-bob', 'carol@example.test': 'secret-carol', 'dave@example.test': 'secret-dave' } });
});
after(async () => {
  await srv.server.close();
});

function pattern(expected: string): RegExp {
  const parts = expected.split('{*}').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*?')}$`, 's');
}

async function play(script: string, opts: { port?: number; user?: string } = {}): Promise<void> {
  const c = await RawImap.open(opts.port ?? srv.port);
  // "$UIDVALIDITY" in C: lines is the last UIDVALIDITY the server announced.
  let uidValidity = '';
  try {
    for (const raw of script.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('C: ')) {
        // "{+}" announces a non-synchronising literal of everything after it on the line.
        let text = line.slice(3).replace(/\\r\\n/g, '\r\n').replace('$UIDVALIDITY', uidValidity);
        const at = text.indexOf('{+}\r\n');
        if (at >= 0) text = `${text.slice(0, at)}{${Buffer.byteLength(text.slice(at + 5))}+}\r\n${text.slice(at + 5)}`;
        c.send(text + '\r\n');
      }
      else if (line.startsWith('S: ')) {
        const want = line.slice(3);
        const got = Buffer.from(await c.line(), 'latin1').toString('utf8').replace(/\r\n/g, '\\r\\n');
        assert.match(got, pattern(want), `expected ${want}`);
        uidValidity = /(?:UIDVALIDITY|APPENDUID) (\d+)/.exec(got)?.[1] ?? uidValidity;
      } else throw new Error(`bad script line ${line}`);
    }
  } finally {
    c.close();
  }
}

test('greeting, CAPABILITY, NOOP, LOGOUT', () => play(`
  S: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 {*} AUTH=PLAIN AUTH=LOGIN] Postern IMAP ready
  C: a1 CAPABILITY
  S: * CAPABILITY IMAP4rev1 IMAP4rev2 {*}STARTTLS AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1 AUTH=PLAIN AUTH=LOGIN
  S: a1 OK CAPABILITY completed
  C: a2 NOOP
  S: a2 OK NOOP completed
  C: a3 SELECT INBOX
  S: a3 BAD Log in first (SELECT is valid in authenticated/selected state)
  C: a4 FOO
  S: a4 BAD Unknown command FOO
  C: a5 LOGOUT
  S: * BYE Logging out
  S: a5 OK LOGOUT completed
`));

test('LOGIN failure, then success; AUTHENTICATE PLAIN with SASL-IR and with a continuation', async () => {
  const plain = Buffer.from('\0bob@example.test\0secret-bob').toString('base64');
  await play(`
    S: * OK {*}
    C: a1 LOGIN alice@example.test wrong
    S: a1 NO [AUTHENTICATIONFAILED] Authentication failed
    C: a2 LOGIN "alice@example.test" {12+}\\r\\nsecret-alice
    S: a2 OK [CAPABILITY {*}] Logged in
    C: a3 LOGIN alice@example.test secret-alice
    S: a3 BAD Not allowed now (LOGIN is valid in not-authenticated state)
  `);
  await play(`
    S: * OK {*}
    C: b1 AUTHENTICATE PLAIN ${plain}
    S: b1 OK [CAPABILITY {*}] Logged in
  `);
  await play(`
    S: * OK {*}
    C: c1 AUTHENTICATE PLAIN
    S: +{*}
    C: ${plain}
    S: c1 OK [CAPABILITY {*}] Logged in
  `);
  await play(`
    S: * OK {*}
    C: d1 AUTHENTICATE PLAIN
    S: +{*}
    C: *
    S: d1 BAD Authentication cancelled
  `);
});

test('too many failed logins end the connection with BYE', () => play(`
  S: * OK {*}
  C: a1 LOGIN alice@example.test x
  S: a1 NO [AUTHENTICATIONFAILED] {*}
  C: a2 LOGIN alice@example.test y
  S: a2 NO [AUTHENTICATIONFAILED] {*}
  C: a3 LOGIN alice@example.test z
  S: a3 NO [AUTHENTICATIONFAILED] {*}
  S: * BYE Too many failed logins
`));

test('mailboxes: CREATE, LIST, RENAME with children, SUBSCRIBE, STATUS, DELETE', () => play(`
  S: * OK {*}
  C: a LOGIN carol@example.test secret-carol
  S: a OK {*}
  C: b CREATE Work/Projects
  S: b OK CREATE completed
  C: c CREATE Work
  S: c NO [ALREADYEXISTS] Mailbox already exists
  C: d LIST "" Work*
  S: * LIST (\\HasChildren) "/" Work
  S: * LIST (\\HasNoChildren) "/" Work/Projects
  S: d OK LIST completed
  C: e LIST "" %
  S: * LIST (\\HasNoChildren \\Archive) "/" Archive
  S: * LIST (\\HasNoChildren \\Drafts) "/" Drafts
  S: * LIST (\\HasNoChildren) "/" INBOX
  S: * LIST (\\HasNoChildren \\Junk) "/" Junk
  S: * LIST (\\HasNoChildren \\Sent) "/" Sent
  S: * LIST (\\HasNoChildren \\Trash) "/" Trash
  S: * LIST (\\HasChildren) "/" Work
  S: e OK LIST completed
  C: f RENAME Work Job
  S: f OK RENAME completed
  C: g LIST "" Job/*
  S: * LIST (\\HasNoChildren) "/" Job/Projects
  S: g OK LIST completed
  C: h LIST "" ""
  S: * LIST (\\Noselect) "/" ""
  S: h OK LIST completed
  C: i STATUS Job/Projects (MESSAGES UIDNEXT UNSEEN SIZE)
  S: * STATUS Job/Projects (MESSAGES 0 UIDNEXT 1 UNSEEN 0 SIZE 0)
  S: i OK STATUS completed
  C: j DELETE Job
  S: j NO [INUSE] Mailbox has children; delete them first
  C: k DELETE Job/Projects
  S: k OK DELETE completed
  C: l DELETE INBOX
  S: l NO [CANNOT] INBOX cannot be deleted
  C: m CREATE "Entw&APw-rfe"
  S: m OK CREATE completed
  C: n LIST "" Entw*
  S: * LIST (\\HasNoChildren) "/" Entw&APw-rfe
  S: n OK LIST completed
  C: o ENABLE UTF8=ACCEPT
  S: * ENABLED UTF8=ACCEPT
  S: o OK ENABLE completed
  C: p LIST "" Entw*
  S: * LIST (\\HasNoChildren) "/" "Entwürfe"
  S: p OK LIST completed
  C: q CREATE MySent (USE (\\Sent))
  S: q OK CREATE completed
  C: r LIST (SPECIAL-USE) "" MySent
  S: * LIST (\\HasNoChildren \\Sent) "/" MySent
  S: r OK LIST completed
  C: s UNSUBSCRIBE MySent
  S: s OK UNSUBSCRIBE completed
  C: t LSUB "" My*
  S: t OK LSUB completed
  C: u NAMESPACE
  S: * NAMESPACE (("" "/")) NIL NIL
  S: u OK NAMESPACE completed
`));

// RFC 9051 §6.3.9, §7.3.1, RFC 5258 §3.1: subscriptions are names; DELETE and RENAME keep them (as
// Dovecot does), LIST (SUBSCRIBED) shows a name without its mailbox as \NonExistent.
test('subscriptions: kept across DELETE and RENAME, \\NonExistent in LIST (SUBSCRIBED), LSUB', () => play(`
  S: * OK {*}
  C: a LOGIN dave@example.test secret-dave
  S: a OK {*}
  C: b CREATE Old/Sub
  S: b OK CREATE completed
  C: c SUBSCRIBE Old/Sub
  S: c OK SUBSCRIBE completed
  C: d SUBSCRIBE Nowhere
  S: d NO [NONEXISTENT] Mailbox does not exist: Nowhere
  C: e DELETE Old/Sub
  S: e OK DELETE completed
  C: f LIST (SUBSCRIBED) "" Old*
  S: * LIST (\\Subscribed \\NonExistent) "/" Old/Sub
  S: f OK LIST completed
  C: g LIST (SUBSCRIBED RECURSIVEMATCH) "" Old
  S: * LIST () "/" Old (CHILDINFO ("SUBSCRIBED"))
  S: g OK LIST completed
  C: h LSUB "" Old/*
  S: * LSUB () "/" Old/Sub
  S: h OK LSUB completed
  C: i LSUB "" %
  S: * LSUB () "/" Archive
  S: * LSUB () "/" Drafts
  S: * LSUB () "/" INBOX
  S: * LSUB () "/" Junk
  S: * LSUB (\\Noselect) "/" Old
  S: * LSUB () "/" Sent
  S: * LSUB () "/" Trash
  S: i OK LSUB completed
  C: j CREATE Old/Sub
  S: j OK CREATE completed
  C: k LIST "" Old/* RETURN (SUBSCRIBED)
  S: * LIST (\\HasNoChildren \\Subscribed) "/" Old/Sub
  S: k OK LIST completed
  C: l RENAME Old Fresh
  S: l OK RENAME completed
  C: m LIST (SUBSCRIBED) "" *
  S: * LIST (\\HasNoChildren \\Subscribed \\Archive) "/" Archive
  S: * LIST (\\HasNoChildren \\Subscribed \\Drafts) "/" Drafts
  S: * LIST (\\HasNoChildren \\Subscribed) "/" INBOX
  S: * LIST (\\HasNoChildren \\Subscribed \\Junk) "/" Junk
  S: * LIST (\\Subscribed \\NonExistent) "/" Old/Sub
  S: * LIST (\\HasNoChildren \\Subscribed \\Sent) "/" Sent
  S: * LIST (\\HasNoChildren \\Subscribed \\Trash) "/" Trash
  S: m OK LIST completed
  C: n UNSUBSCRIBE Old/Sub
  S: n OK UNSUBSCRIBE completed
  C: o LSUB "" Old*
  S: o OK LSUB completed
`));

test('APPEND, SELECT, FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE', () => play(`
  S: * OK {*}
  C: a LOGIN bob@example.test secret-bob
  S: a OK {*}
  C: b APPEND INBOX (\\Seen) "01-Feb-2024 10:00:00 +0100" {+}\\r\\nFrom: a@example.test\\r\\nSubject: first\\r\\nContent-Type: text/plain\\r\\n\\r\\nThe first message body here.\\r\\n
  S: b OK [APPENDUID {*} 1] APPEND completed
  C: c APPEND INBOX {+}\\r\\nFrom: b@example.test\\r\\nSubject: second one\\r\\n\\r\\nAnother body text\\r\\n
  S: c OK [APPENDUID {*} 2] APPEND completed
  C: d SELECT INBOX
  S: * 2 EXISTS
  S: * 2 RECENT
  S: * FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)
  S: * OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft \\*)] Flags permitted
  S: * OK [UIDVALIDITY {*}] UIDs valid
  S: * OK [UIDNEXT 3] Predicted next UID
  S: * OK [HIGHESTMODSEQ 3] Highest
  S: * OK [UNSEEN 2] First unseen
  S: d OK [READ-WRITE] SELECT completed
  C: e FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE)
  S: * 1 FETCH (UID 1 FLAGS (\\Seen \\Recent) RFC822.SIZE 96 INTERNALDATE "01-Feb-2024 09:00:00 +0000")
  S: * 2 FETCH (UID 2 FLAGS (\\Recent) RFC822.SIZE 64 INTERNALDATE {*})
  S: e OK FETCH completed
  C: f FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY[TEXT]<0.7>)
  S: * 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {23}\\r\\nSubject: second one\\r\\n\\r\\n BODY[TEXT]<0> {7}\\r\\nAnother FLAGS (\\Seen \\Recent))
  S: f OK FETCH completed
  C: g STORE 1:2 +FLAGS (\\Flagged $Important)
  S: * FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Important)
  S: * OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Important \\*)] Flags permitted
  S: * 1 FETCH (FLAGS (\\Seen \\Flagged $Important \\Recent))
  S: * 2 FETCH (FLAGS (\\Seen \\Flagged $Important \\Recent))
  S: g OK STORE completed
  C: h UID STORE 2 -FLAGS.SILENT (\\Flagged)
  S: h OK UID STORE completed
  C: i SEARCH FLAGGED
  S: * SEARCH 1
  S: i OK SEARCH completed
  C: j UID SEARCH SUBJECT "second" NOT FLAGGED
  S: * SEARCH 2
  S: j OK UID SEARCH completed
  C: k SEARCH BODY "first message" SINCE 1-Jan-2024
  S: * SEARCH 1
  S: k OK SEARCH completed
  C: l SEARCH RETURN (MIN MAX COUNT ALL) OR KEYWORD $Important LARGER 5000
  S: * ESEARCH (TAG "l") MIN 1 MAX 2 COUNT 2 ALL 1:2
  S: l OK SEARCH completed
  C: m COPY 1:2 Archive
  S: m OK [COPYUID {*} 1:2 1:2] COPY completed
  C: n UID MOVE 1 Trash
  S: * OK [COPYUID {*} 1 1] Moved
  S: * 1 EXPUNGE
  S: n OK UID MOVE completed
  C: o STORE 1 +FLAGS.SILENT (\\Deleted)
  S: o OK STORE completed
  C: p EXPUNGE
  S: * 1 EXPUNGE
  S: p OK EXPUNGE completed
  C: q STATUS Archive (MESSAGES UNSEEN)
  S: * STATUS Archive (MESSAGES 2 UNSEEN 0)
  S: q OK STATUS completed
  C: r FETCH 1 FLAGS
  S: r BAD Invalid message sequence number
  C: s COPY 1:* Nowhere
  S: s BAD Invalid message sequence number
  C: t UNSELECT
  S: t OK UNSELECT completed
`));

test('CONDSTORE and QRESYNC', () => play(`
  S: * OK {*}
  C: a LOGIN alice@example.test secret-alice
  S: a OK {*}
  C: b CREATE Sync
  S: b OK CREATE completed
  C: c APPEND Sync {+}\\r\\nSubject: x\\r\\n\\r\\nbody\\r\\n
  S: c OK [APPENDUID {*} 1] APPEND completed
  C: d APPEND Sync {+}\\r\\nSubject: y\\r\\n\\r\\nbody\\r\\n
  S: d OK [APPENDUID {*} 2] APPEND completed
  C: e ENABLE QRESYNC
  S: * ENABLED QRESYNC
  S: e OK ENABLE completed
  C: f SELECT Sync
  S: * 2 EXISTS
  S: * 2 RECENT
  S: * FLAGS {*}
  S: * OK [PERMANENTFLAGS {*}
  S: * OK [UIDVALIDITY {*}
  S: * OK [UIDNEXT 3] Predicted next UID
  S: * OK [HIGHESTMODSEQ 3] Highest
  S: * OK [UNSEEN 1] First unseen
  S: f OK [READ-WRITE] SELECT completed
  C: g STORE 1 (UNCHANGEDSINCE 2) +FLAGS (\\Seen)
  S: * 1 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (4))
  S: g OK STORE completed
  C: h STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS (\\Answered)
  S: * 2 FETCH (FLAGS (\\Answered \\Recent) MODSEQ (5))
  S: h OK [MODIFIED 1] Conditional STORE failed for some messages
  C: i FETCH 1:* (FLAGS) (CHANGEDSINCE 4)
  S: * 2 FETCH (FLAGS (\\Answered \\Recent) MODSEQ (5))
  S: i OK FETCH completed
  C: j UID STORE 1 +FLAGS.SILENT (\\Deleted)
  S: j OK UID STORE completed
  C: k UID EXPUNGE 1
  S: * VANISHED 1
  S: k OK UID EXPUNGE completed
  C: l UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)
  S: * VANISHED (EARLIER) 1
  S: l OK UID FETCH completed
  C: m SEARCH MODSEQ 5
  S: * SEARCH 1 (MODSEQ 5)
  S: m OK SEARCH completed
  C: n CLOSE
  S: n OK CLOSE completed
  C: o SELECT Sync (QRESYNC ($UIDVALIDITY 3 1:2))
  S: * 1 EXISTS
  S: * 0 RECENT
  S: * FLAGS {*}
  S: * OK [PERMANENTFLAGS {*}
  S: * OK [UIDVALIDITY {*}
  S: * OK [UIDNEXT 3] {*}
  S: * OK [HIGHESTMODSEQ 7] Highest
  S: * OK [UNSEEN 1] First unseen
  S: * VANISHED (EARLIER) 1
  S: * 1 FETCH (UID 2 FLAGS (\\Answered) MODSEQ (5))
  S: o OK [READ-WRITE] SELECT completed
`));

test('limits: TOOBIG literal, over-long line, bad syntax', () => play(`
  S: * OK {*}
  C: a LOGIN alice@example.test secret-alice
  S: a OK {*}
  C: b APPEND INBOX {999999999999}
  S: b BAD Invalid literal size
  C: c APPEND INBOX {99999999}
  S: c NO [TOOBIG] Literal too big
  C: d FETCH (
  S: d BAD Select a mailbox first (FETCH is valid in selected state)
  C: e SELECT INBOX
  S: * {*} EXISTS
  S: * 0 RECENT
  S: * FLAGS {*}
  S: * OK [PERMANENTFLAGS {*}
  S: * OK [UIDVALIDITY {*}
  S: * OK [UIDNEXT {*}
  S: * OK [HIGHESTMODSEQ {*}
  S: e OK [READ-WRITE] SELECT completed
  C: f FETCH 1:* (FLAGS
  S: f BAD FETCH: {*}
  C: g SEARCH ((((((((((((((((((((ALL))))))))))))))))))))
  S: g BAD SEARCH: Too deeply nested
  C: h NOOP ${'x'.repeat(70000)}
  S: h BAD [TOOBIG] Command line too long
  C: i NOOP
  S: i OK NOOP completed
`));

test('LOGINDISABLED and STARTTLS on a listener without plaintext auth', async () => {
  const s2 = await startImapServer({ listener: { allow_plaintext_auth: false } });
  try {
    const c = await RawImap.open(s2.port);
    const greet = await c.line();
    assert.match(greet, /LOGINDISABLED/);
    assert.match(greet, /STARTTLS/);
    assert.doesNotMatch(greet, /AUTH=PLAIN/);
    assert.match((await c.cmd('a', 'LOGIN alice@example.test secret-alice')).at(-1)!, /^a NO \[PRIVACYREQUIRED\]/);
    // Pipelined bytes after STARTTLS are discarded (RFC 9051 §11.1).
    c.send('b STARTTLS\r\nc NOOP\r\n');
    assert.equal(await c.line(), 'b OK Begin TLS negotiation now');
    const { connect } = await import('node:tls');
    const tls = connect({ socket: c.socket, rejectUnauthorized: false });
    await new Promise<void>((r) => tls.once('secureConnect', () => r()));
    const t = new RawImap(tls);
    const caps = await t.cmd('d', 'CAPABILITY');
    assert.doesNotMatch(caps[0]!, /LOGINDISABLED|STARTTLS/);
    assert.match(caps[0]!, /AUTH=PLAIN/);
    assert.match((await t.cmd('e', 'LOGIN alice@example.test secret-alice')).at(-1)!, /^e OK/);
    t.close();
    // Implicit TLS listener.
    const i = await RawImap.open(s2.tlsPort, true);
    assert.match(await i.line(), /^\* OK .*AUTH=PLAIN/);
    i.close();
  } finally {
    await s2.server.close();
  }
});

test('extensions: BINARY, SEARCHRES, WITHIN, ID, QUOTA with OVERQUOTA on APPEND', async () => {
  await srv.server.ctx.directory.createUser('quota@example.test', 'secret-quota', { quotaBytes: 2048 });
  const qp = Buffer.from('Hello =C3=BC').toString();
  await play(`
    S: * OK {*}
    C: a LOGIN quota@example.test secret-quota
    S: a OK {*}
    C: b ID ("name" "test")
    S: * ID ("name" "Postern" "vendor" "Postern")
    S: b OK ID completed
    C: c APPEND INBOX {+}\\r\\nSubject: bin\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: quoted-printable\\r\\n\\r\\n${qp}\\r\\n
    S: c OK [APPENDUID {*} 1] APPEND completed
    C: d GETQUOTAROOT INBOX
    S: * QUOTAROOT INBOX ""
    S: * QUOTA "" (STORAGE 1 2)
    S: d OK GETQUOTAROOT completed
    C: e APPEND INBOX {+}\\r\\n${'x'.repeat(2100)}\\r\\n
    S: e NO [OVERQUOTA] Quota exceeded
    C: f SELECT INBOX
    S: * 1 EXISTS
    S: * 1 RECENT
    S: * FLAGS {*}
    S: * OK [PERMANENTFLAGS {*}
    S: * OK [UIDVALIDITY {*}
    S: * OK [UIDNEXT 2] {*}
    S: * OK [HIGHESTMODSEQ {*}
    S: * OK [UNSEEN 1] {*}
    S: f OK [READ-WRITE] SELECT completed
    C: g FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])
    S: * 1 FETCH (BINARY.SIZE[1] 10 BINARY[1] {10}\\r\\nHello ü\\r\\n)
    S: g OK FETCH completed
    C: h SEARCH RETURN (SAVE) YOUNGER 3600
    S: h OK SEARCH completed
    C: i FETCH $ (UID)
    S: * 1 FETCH (UID 1)
    S: i OK FETCH completed
    C: j SEARCH OLDER 3600
    S: * SEARCH
    S: j OK SEARCH completed
  `);
});

test('COMPRESS=DEFLATE: both directions deflated after the tagged OK', async () => {
  const { createDeflateRaw, createInflateRaw, constants } = await import('node:zlib');
  const c = await RawImap.open(srv.port);
  await c.line();
  await c.cmd('a', 'LOGIN alice@example.test secret-alice');
  assert.equal((await c.cmd('b', 'COMPRESS DEFLATE')).at(-1), 'b OK DEFLATE active');
  const deflate = createDeflateRaw();
  const inflate = createInflateRaw();
  deflate.on('data', (d: Buffer) => c.socket.write(d));
  c.socket.removeAllListeners('data');
  let text = '';
  const done = new Promise<void>((resolve) => inflate.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (text.includes('c OK')) resolve();
  }));
  c.socket.on('data', (d: Buffer) => inflate.write(d));
  deflate.write('c NOOP\r\n');
  deflate.flush(constants.Z_SYNC_FLUSH);
  await done;
  assert.match(text, /c OK NOOP completed/);
  c.close();
});
