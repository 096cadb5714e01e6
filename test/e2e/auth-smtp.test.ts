// Every SASL mechanism over the wire in SMTP submission (RFC 4954 AUTH): PLAIN, LOGIN,
// SCRAM-SHA-1/-256 with and without channel binding (implicit TLS and STARTTLS), CRAM-MD5 (also
// through python3's smtplib, a real client), OAUTHBEARER against a local introspection endpoint,
// app passwords (also with nodemailer), unknown user vs wrong password, and throttling (454 4.7.0).
// EXTERNAL is not here: listeners do not request client certificates yet (see auth-external).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import nodemailer from 'nodemailer';
import { createAppPassword } from '../../src/sasl/index.ts';
import { ScramClient } from '../../src/sasl/scram-client.test-helper.ts';
import { clientChannelBinding, scramAnswer } from './auth-wire.test-helper.ts';
import type { TestServer } from '../helpers/server.ts';
import { SmtpWire, startSmtpServer } from './smtp-wire.ts';

let server: TestServer;
let idp: Server;
const USER = 'alice@example.test';
const PASS = 'alice-password';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString();
const auth = {
  argon2_memory_kib: 1024, argon2_passes: 1, scram_iterations: 4096,
  mechanisms: ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-1', 'PLAIN', 'LOGIN', 'CRAM-MD5', 'OAUTHBEARER'],
  ip_block_after: 0, account_block_after: 0, delay_after_failures: 1000,
};

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
  server = await startSmtpServer({ config: { auth: { ...auth, oauth_introspection_url: `http://127.0.0.1:${(idp.address() as { port: number }).port}/` } }, captureLogs: true });
});
after(async () => {
  await server.close();
  await new Promise((r) => idp.close(r));
});

async function subs(): Promise<SmtpWire> {
  const c = await SmtpWire.connect(server.port('subs'), { tls: { ca: server.certPem } });
  assert.equal((await c.reply()).code, 220);
  assert.equal((await c.cmd('EHLO client.example')).code, 250);
  return c;
}

async function sub(): Promise<SmtpWire> {
  const c = await SmtpWire.connect(server.port('sub'));
  assert.equal((await c.reply()).code, 220);
  await c.cmd('EHLO client.example');
  assert.equal((await c.cmd('STARTTLS')).code, 220);
  await c.startTls(server.certPem);
  assert.equal((await c.cmd('EHLO client.example')).code, 250);
  return c;
}

/** AUTH with an optional initial response; `answer` maps each decoded 334 challenge to a reply line. */
async function authenticate(c: SmtpWire, mech: string, ir: string | undefined, answer: (challenge: string) => string): Promise<string> {
  let r = await c.cmd(`AUTH ${mech}${ir === undefined ? '' : ` ${ir === '' ? '=' : b64(ir)}`}`);
  while (r.code === 334) r = await c.cmd(answer(unb64(r.text.slice(4))));
  return r.text;
}

test('no AUTH before STARTTLS; every mechanism after it', async () => {
  const c = await SmtpWire.connect(server.port('sub'));
  await c.reply();
  const ehlo = await c.cmd('EHLO client.example');
  assert.ok(!ehlo.lines.some((l) => l.includes('AUTH')), ehlo.text);
  assert.equal((await c.cmd(`AUTH PLAIN ${b64(`\0${USER}\0${PASS}`)}`)).code, 538);
  c.end();
  const t = await sub();
  const caps = await t.cmd('EHLO again.example');
  assert.ok(caps.lines.includes('250-AUTH SCRAM-SHA-256-PLUS SCRAM-SHA-256 SCRAM-SHA-1-PLUS SCRAM-SHA-1 PLAIN LOGIN CRAM-MD5 OAUTHBEARER'), caps.text);
  t.end();
});

test('PLAIN with an initial response and after an empty 334; LOGIN', async () => {
  for (const ir of [true, false]) {
    const c = await subs();
    assert.match(await authenticate(c, 'PLAIN', ir ? `\0${USER}\0${PASS}` : undefined, () => b64(`\0${USER}\0${PASS}`)), /^235 2\.7\.0/);
    c.end();
  }
  const l = await subs();
  assert.match(await authenticate(l, 'LOGIN', undefined, (ch) => b64(ch === 'Username:' ? USER : PASS)), /^235 /);
  l.end();
});

for (const [mech, h] of [['SCRAM-SHA-256', 'sha256'], ['SCRAM-SHA-1', 'sha1']] as const) {
  test(`${mech}: server-final sent as a 334 and checked, then 235`, async () => {
    const c = await subs();
    const client = new ScramClient({ h, user: USER, password: PASS, cnonce: 'smtpnonce' });
    const seen: string[] = [];
    assert.match(await authenticate(c, mech, client.first(), scramAnswer(client, seen)), /^235 /);
    assert.ok(seen.some((s) => s.startsWith('v=')));
    c.end();
  });
}

for (const [mech, h, type, how] of [
  ['SCRAM-SHA-256-PLUS', 'sha256', 'tls-exporter', 'implicit'],
  ['SCRAM-SHA-256-PLUS', 'sha256', 'tls-server-end-point', 'starttls'],
  ['SCRAM-SHA-1-PLUS', 'sha1', 'tls-server-end-point', 'implicit'],
  ['SCRAM-SHA-1-PLUS', 'sha1', 'tls-exporter', 'starttls'],
] as const) {
  test(`${mech} with ${type} over ${how} TLS`, async () => {
    const c = how === 'implicit' ? await subs() : await sub();
    const client = new ScramClient({ h, user: USER, password: PASS, cnonce: 'plus', gs2Header: `p=${type},,`, cbData: clientChannelBinding(c.socket as TLSSocket, type) });
    assert.match(await authenticate(c, mech, client.first(), scramAnswer(client)), /^235 /);
    c.end();
  });
}

test('SCRAM downgrade and wrong password: 334 e=…, then 535', async () => {
  const c = await subs();
  const seen: string[] = [];
  const y = new ScramClient({ h: 'sha256', user: USER, password: PASS, cnonce: 'n', gs2Header: 'y,,' });
  assert.match(await authenticate(c, 'SCRAM-SHA-256', y.first(), scramAnswer(y, seen)), /^535 5\.7\.8/);
  assert.equal(seen.at(-1), 'e=server-does-support-channel-binding');
  const wrong = new ScramClient({ h: 'sha1', user: USER, password: 'nope', cnonce: 'n' });
  assert.match(await authenticate(c, 'SCRAM-SHA-1', wrong.first(), scramAnswer(wrong, seen)), /^535 5\.7\.8/);
  assert.equal(seen.at(-1), 'e=invalid-proof');
  c.end();
});

test('CRAM-MD5 and OAUTHBEARER', async () => {
  const c = await subs();
  assert.match(await authenticate(c, 'CRAM-MD5', undefined, (ch) => b64(`${USER} ${createHmac('md5', PASS).update(ch).digest('hex')}`)), /^235 /);
  c.end();
  const o = await subs();
  assert.match(await authenticate(o, 'OAUTHBEARER', 'n,,\x01auth=Bearer bad-token\x01\x01', () => b64('\x01')), /^535 /);
  assert.match(await authenticate(o, 'OAUTHBEARER', `n,a=${USER},\x01auth=Bearer valid-token\x01\x01`, () => '*'), /^235 /);
  o.end();
});

test('CRAM-MD5 with python3 smtplib (a real client; it prefers CRAM-MD5)', async (t) => {
  const py = [
    'import smtplib, ssl, sys',
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    's = smtplib.SMTP_SSL("127.0.0.1", int(sys.argv[1]), context=ctx)',
    's.ehlo("py.example")',
    'print(s.login(sys.argv[2], sys.argv[3]))',
    's.quit()',
  ].join('\n');
  // Asynchronous: the server runs in this process and must keep answering.
  const r = await new Promise<{ code: number | null; out: string; err: string; missing: boolean }>((resolve) => {
    execFile('python3', ['-c', py, String(server.port('subs')), USER, PASS], { timeout: 20_000 }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
  if (r.missing) return t.skip('python3 not installed');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /235/);
  assert.ok(server.logLines.some((l) => l.event === 'auth.succeeded' && l.mechanism === 'CRAM-MD5'));
});

test('unknown user and wrong password get the same reply', async () => {
  const c = await subs();
  const a = await authenticate(c, 'PLAIN', `\0${USER}\0wrong`, () => '*');
  const b = await authenticate(c, 'PLAIN', '\0nobody@example.test\0wrong', () => '*');
  assert.equal(a, b);
  assert.match(a, /^535 5\.7\.8/);
  c.end();
});

test('app passwords: nodemailer submits with one for submission; an IMAP-only one is refused', async () => {
  const { secret } = await createAppPassword(server.ctx.store, USER, 'mailer', ['submission']);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port('subs'), secure: true, tls: { rejectUnauthorized: false }, auth: { user: USER, pass: secret } });
  const info = await transport.sendMail({ from: USER, to: 'bob@example.test', subject: 'app password', text: 'hello' });
  assert.deepEqual(info.accepted, ['bob@example.test']);
  transport.close();
  const { secret: imapOnly } = await createAppPassword(server.ctx.store, USER, 'phone', ['imap']);
  const c = await subs();
  assert.match(await authenticate(c, 'PLAIN', `\0${USER}\0${imapOnly}`, () => '*'), /^535 /);
  c.end();
});

test('throttling: a blocked address gets 454 4.7.0, even with the right password', async () => {
  const s = await startSmtpServer({ config: { auth: { ...auth, ip_block_after: 3, max_attempts_per_connection: 10 } }, captureLogs: true });
  try {
    const c = await SmtpWire.connect(s.port('subs'), { tls: { ca: s.certPem } });
    await c.reply();
    await c.cmd('EHLO client.example');
    for (let i = 0; i < 3; i++) assert.equal((await c.cmd(`AUTH PLAIN ${b64(`\0${USER}\0wrong`)}`)).code, 535);
    const r = await c.cmd(`AUTH PLAIN ${b64(`\0${USER}\0${PASS}`)}`);
    assert.match(r.text, /^454 4\.7\.0/);
    c.end();
    assert.ok(s.logLines.some((l) => l.event === 'auth.blocked' && l.ip === '127.0.0.1'));
  } finally {
    await s.close();
  }
});
