// Every SASL mechanism over the wire in IMAP (RFC 9051 AUTHENTICATE with RFC 4959 SASL-IR, and
// LOGIN): PLAIN, LOGIN, SCRAM-SHA-1/-256 with and without channel binding (implicit TLS and
// STARTTLS), CRAM-MD5, OAUTHBEARER against a local introspection endpoint, app passwords (also
// with imapflow, a real client), unknown user vs wrong password, and throttling.
// EXTERNAL is not here: IMAP listeners do not request client certificates yet (see
// test/e2e/auth-external.test.ts for EXTERNAL over real TLS).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { createAppPassword } from '../../src/sasl/index.ts';
import { ScramClient } from '../../src/sasl/scram-client.test-helper.ts';
import { clientChannelBinding, scramAnswer } from './auth-wire.test-helper.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { RawImap } from './imap-client.ts';

let server: TestServer;
let idp: Server;
const USER = 'alice@example.test';
const PASS = 'correct horse battery';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString();

before(async () => {
  idp = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const ok = new URLSearchParams(body).get('token') === 'valid-token';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { active: true, username: USER } : { active: false }));
    });
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  server = await startTestServer({
    listeners: [
      { name: 'imap', protocol: 'imap', tls: 'starttls' },
      { name: 'imaps', protocol: 'imap', tls: 'implicit' },
    ],
    config: {
      auth: {
        argon2_memory_kib: 1024, argon2_passes: 1, scram_iterations: 4096,
        mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'OAUTHBEARER'],
        oauth_introspection_url: `http://127.0.0.1:${(idp.address() as { port: number }).port}/`,
        ip_block_after: 0, account_block_after: 0, delay_after_failures: 1000,
      },
    },
    users: { [USER]: PASS },
    captureLogs: true,
  });
});
after(async () => {
  await server.close();
  await new Promise((r) => idp.close(r));
});

async function imaps(): Promise<RawImap> {
  const c = await RawImap.open(server.port('imaps'), true);
  assert.match(await c.line(), /^\* OK /);
  return c;
}

async function starttls(): Promise<RawImap> {
  const c = await RawImap.open(server.port('imap'));
  await c.line();
  assert.match((await c.cmd('s', 'STARTTLS')).at(-1)!, /^s OK/);
  const tls = connect({ socket: c.socket, rejectUnauthorized: false });
  await new Promise<void>((r) => tls.once('secureConnect', () => r()));
  return new RawImap(tls);
}

/** AUTHENTICATE with an optional initial response; `answer` maps each decoded challenge to a reply line. */
async function authenticate(c: RawImap, tag: string, mech: string, ir: string | undefined, answer: (challenge: string) => string): Promise<string> {
  c.send(`${tag} AUTHENTICATE ${mech}${ir === undefined ? '' : ` ${ir === '' ? '=' : b64(ir)}`}\r\n`);
  for (;;) {
    const l = await c.line();
    if (l.startsWith(`${tag} `)) return l;
    assert.match(l, /^\+ ?/);
    c.send(`${answer(unb64(l.slice(2)))}\r\n`);
  }
}

async function isLoggedIn(c: RawImap): Promise<boolean> {
  return (await c.cmd('z', 'SELECT INBOX')).at(-1)!.startsWith('z OK');
}

test('before STARTTLS nothing is offered; after it every mechanism is', async () => {
  const c = await RawImap.open(server.port('imap'));
  const greet = await c.line();
  assert.doesNotMatch(greet, /AUTH=/);
  assert.match((await c.cmd('a', `AUTHENTICATE PLAIN ${b64(`\0${USER}\0${PASS}`)}`)).at(-1)!, /^a NO \[PRIVACYREQUIRED\]/);
  c.close();
  const t = await starttls();
  const caps = (await t.cmd('b', 'CAPABILITY'))[0]!;
  assert.match(caps, /AUTH=SCRAM-SHA-256-PLUS AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-1-PLUS AUTH=SCRAM-SHA-1 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=OAUTHBEARER$/);
  t.close();
});

test('PLAIN with SASL-IR and with a continuation; LOGIN mechanism; IMAP LOGIN command', async () => {
  for (const ir of [true, false]) {
    const c = await imaps();
    const r = await authenticate(c, 'a', 'PLAIN', ir ? `\0${USER}\0${PASS}` : undefined, () => b64(`\0${USER}\0${PASS}`));
    assert.match(r, /^a OK /);
    assert.ok(await isLoggedIn(c));
    c.close();
  }
  const l = await imaps();
  assert.match(await authenticate(l, 'b', 'LOGIN', undefined, (ch) => b64(ch === 'Username:' ? USER : PASS)), /^b OK /);
  l.close();
  const m = await imaps();
  assert.match((await m.cmd('c', `LOGIN "${USER}" "${PASS}"`)).at(-1)!, /^c OK /);
  m.close();
});

for (const [mech, h] of [['SCRAM-SHA-256', 'sha256'], ['SCRAM-SHA-1', 'sha1']] as const) {
  test(`${mech} over IMAPS, with the server signature checked`, async () => {
    const c = await imaps();
    const client = new ScramClient({ h, user: USER, password: PASS, cnonce: 'imapnonce' });
    const seen: string[] = [];
    assert.match(await authenticate(c, 'a', mech, client.first(), scramAnswer(client, seen)), /^a OK /);
    assert.ok(seen.some((s) => s.startsWith('v=')));
    assert.ok(await isLoggedIn(c));
    c.close();
  });
}

for (const [mech, h, type, how] of [
  ['SCRAM-SHA-256-PLUS', 'sha256', 'tls-exporter', 'implicit'],
  ['SCRAM-SHA-256-PLUS', 'sha256', 'tls-server-end-point', 'starttls'],
  ['SCRAM-SHA-1-PLUS', 'sha1', 'tls-server-end-point', 'implicit'],
  ['SCRAM-SHA-1-PLUS', 'sha1', 'tls-exporter', 'starttls'],
] as const) {
  test(`${mech} with ${type} over ${how} TLS`, async () => {
    const c = how === 'implicit' ? await imaps() : await starttls();
    const client = new ScramClient({ h, user: USER, password: PASS, cnonce: 'plusnonce', gs2Header: `p=${type},,`, cbData: clientChannelBinding(c.socket as TLSSocket, type) });
    assert.match(await authenticate(c, 'a', mech, client.first(), scramAnswer(client)), /^a OK /);
    assert.ok(await isLoggedIn(c));
    c.close();
  });
}

test('SCRAM downgrade ("y" while -PLUS is offered) and a wrong password: e= then NO', async () => {
  const c = await imaps();
  const seen: string[] = [];
  const y = new ScramClient({ h: 'sha256', user: USER, password: PASS, cnonce: 'n', gs2Header: 'y,,' });
  assert.match(await authenticate(c, 'a', 'SCRAM-SHA-256', y.first(), scramAnswer(y, seen)), /^a NO \[AUTHENTICATIONFAILED\]/);
  assert.equal(seen.at(-1), 'e=server-does-support-channel-binding');
  const wrong = new ScramClient({ h: 'sha256', user: USER, password: 'nope', cnonce: 'n' });
  assert.match(await authenticate(c, 'b', 'SCRAM-SHA-256', wrong.first(), scramAnswer(wrong, seen)), /^b NO \[AUTHENTICATIONFAILED\]/);
  assert.equal(seen.at(-1), 'e=invalid-proof');
  c.close();
});

test('CRAM-MD5 (enabled here) and OAUTHBEARER', async () => {
  const c = await imaps();
  assert.match(await authenticate(c, 'a', 'CRAM-MD5', undefined, (ch) => b64(`${USER} ${createHmac('md5', PASS).update(ch).digest('hex')}`)), /^a OK /);
  c.close();
  const o = await imaps();
  assert.match(await authenticate(o, 'b', 'OAUTHBEARER', `n,,\x01auth=Bearer bad-token\x01\x01`, () => b64('\x01')), /^b NO \[AUTHENTICATIONFAILED\]/);
  assert.match(await authenticate(o, 'c', 'OAUTHBEARER', `n,a=${USER},\x01auth=Bearer valid-token\x01\x01`, () => '*'), /^c OK /);
  o.close();
});

test('unknown user and wrong password get the same answer', async () => {
  const c = await imaps();
  const a = (await c.cmd('a', `LOGIN "${USER}" "wrong"`)).at(-1)!;
  const b = (await c.cmd('b', 'LOGIN "nobody@example.test" "wrong"')).at(-1)!;
  assert.equal(a.slice(2), b.slice(2));
  c.close();
});

test('app passwords work for IMAP, also with imapflow; the listed protocols limit them', async () => {
  const { secret } = await createAppPassword(server.ctx.store, USER, 'laptop', ['imap']);
  const client = new ImapFlow({ host: '127.0.0.1', port: server.port('imaps'), secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: secret }, logger: false });
  await client.connect();
  const box = await client.mailboxOpen('INBOX');
  assert.equal(box.path, 'INBOX');
  await client.logout();
  const { secret: smtpOnly } = await createAppPassword(server.ctx.store, USER, 'mailer', ['submission']);
  const c = await imaps();
  assert.match((await c.cmd('a', `LOGIN "${USER}" "${smtpOnly}"`)).at(-1)!, /^a NO \[AUTHENTICATIONFAILED\]/);
  c.close();
});

test('the main password with imapflow (PLAIN or LOGIN as the client picks)', async () => {
  const client = new ImapFlow({ host: '127.0.0.1', port: server.port('imaps'), secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: PASS }, logger: false });
  await client.connect();
  await client.logout();
});

test('throttling: a blocked client address gets NO [UNAVAILABLE], even with the right password', async () => {
  const s = await startTestServer({
    listeners: [{ name: 'imaps', protocol: 'imap', tls: 'implicit' }],
    config: { auth: { argon2_memory_kib: 1024, argon2_passes: 1, scram_iterations: 4096, ip_block_after: 3, delay_after_failures: 1000 } },
    users: { [USER]: PASS },
    captureLogs: true,
  });
  try {
    const c = await RawImap.open(s.port('imaps'), true);
    await c.line();
    for (const t of ['a', 'b']) assert.match((await c.cmd(t, `LOGIN "${USER}" "wrong"`)).at(-1)!, /NO \[AUTHENTICATIONFAILED\]/);
    c.close();
    const d = await RawImap.open(s.port('imaps'), true);
    await d.line();
    assert.match((await d.cmd('c', `LOGIN "${USER}" "wrong"`)).at(-1)!, /NO \[AUTHENTICATIONFAILED\]/);
    assert.match((await d.cmd('d', `LOGIN "${USER}" "${PASS}"`)).at(-1)!, /^d NO \[UNAVAILABLE\]/);
    d.close();
    assert.ok(s.logLines.some((l) => l.event === 'auth.blocked' && l.ip === '127.0.0.1'));
  } finally {
    await s.close();
  }
});
