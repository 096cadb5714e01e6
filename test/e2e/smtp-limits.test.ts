// Every SMTP limit of [listener.limits] and its reply, over real sockets.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { inbox, plain, SmtpWire, startSmtpServer } from './smtp-wire.ts';

let server: TestServer;
before(async () => {
  server = await startSmtpServer({
    listeners: [
      { name: 'mx', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', error_delay: '0s', max_recipients: 3, max_message_bytes: 1000, max_line_bytes: 100, max_errors: 5, soft_error_limit: 100, max_commands: 30, max_junk_commands: 4 } },
      // One timeout per listener, so a slow test machine can never trip the wrong one.
      { name: 'slowgreet', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', greeting_timeout: '300ms' } },
      { name: 'slowcmd', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', command_timeout: '300ms' } },
      { name: 'slowdata', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', data_timeout: '300ms' } },
      { name: 'session', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', session_timeout: '1s' } },
      { name: 'pregreet', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '1s' } },
      { name: 'tarpit', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', soft_error_limit: 1, error_delay: '200ms' } },
      { name: 'one', protocol: 'smtp', tls: 'none', limits: { greeting_delay: '0s', max_connections: 1 } },
      { name: 'denied', protocol: 'smtp', tls: 'none', deny: ['127.0.0.0/8'] },
      { name: 'v6denied', protocol: 'smtp', tls: 'none', address: '[::1]:0', deny: ['::1/128'] },
      { name: 'v6allowed', protocol: 'smtp', tls: 'none', address: '[::1]:0', allow: ['::1/128'], deny: ['2001:db8::/32'], limits: { greeting_delay: '0s' } },
    ],
    smtp: { max_received_headers: 5 },
  });
});
after(async () => {
  await server.close();
});

async function ready(name: string): Promise<SmtpWire> {
  const c = await SmtpWire.connect(server.port(name));
  assert.equal((await c.reply()).code, 220);
  assert.equal((await c.cmd('EHLO limits.example')).code, 250);
  return c;
}

test('max_recipients: the next RCPT gets 452 4.5.3', async () => {
  const c = await ready('mx');
  await c.cmd('MAIL FROM:<a@example.org>');
  for (let i = 0; i < 3; i++) assert.equal((await c.cmd('RCPT TO:<alice@example.test>')).code, 250);
  assert.equal((await c.cmd('RCPT TO:<bob@example.test>')).text, '452 4.5.3 Error: too many recipients');
  c.end();
});

test('max_message_bytes: SIZE is advertised, declared and streamed sizes are enforced with 552 5.3.4', async () => {
  const c = await ready('mx');
  assert.equal((await c.cmd('MAIL FROM:<a@example.org> SIZE=1001')).text, '552 5.3.4 Message size exceeds fixed maximum message size (1000)');
  await c.cmd('MAIL FROM:<a@example.org> SIZE=10');
  await c.cmd('RCPT TO:<alice@example.test>');
  assert.equal((await c.cmd('DATA')).code, 354);
  c.send(('y'.repeat(98) + '\r\n').repeat(20) + '.\r\n');
  assert.equal((await c.reply()).text, '552 5.3.4 Error: message size exceeds fixed maximum message size');
  assert.equal((await c.cmd('NOOP')).code, 250, 'the session continues after the body was drained');
  c.end();
});

test('max_line_bytes: a long command line gets 500 and the session goes on', async () => {
  const c = await ready('mx');
  assert.equal((await c.cmd('NOOP ' + 'z'.repeat(200))).text, '500 5.5.2 Error: line too long');
  assert.equal((await c.cmd('NOOP')).code, 250);
  c.end();
});

test('max_errors: at the limit the session ends with 421 4.7.0', async () => {
  const c = await ready('mx');
  for (let i = 0; i < 4; i++) assert.equal((await c.cmd('BOGUS')).code, 500);
  assert.equal((await c.cmd('BOGUS')).code, 500);
  assert.match((await c.reply()).text, /^421 4\.7\.0 .* too many errors/);
  await c.closed();
});

test('error_delay: past soft_error_limit error replies are delayed (tarpit)', async () => {
  const c = await ready('tarpit');
  await c.cmd('BOGUS');
  const t0 = Date.now();
  await c.cmd('BOGUS');
  assert.ok(Date.now() - t0 >= 150, 'the second error reply waited for error_delay');
  c.end();
});

test('max_junk_commands: 421 4.7.0', async () => {
  const c = await ready('mx');
  for (let i = 0; i < 4; i++) assert.equal((await c.cmd('NOOP')).code, 250);
  assert.match((await c.cmd('NOOP')).text, /^421 4\.7\.0 .* too many junk commands/);
  await c.closed();
});

test('max_commands: the command after the limit gets 421', async () => {
  const c = await ready('mx'); // EHLO was command 1
  for (let i = 2; i <= 30; i++) {
    const r = await c.cmd(i % 2 === 0 ? 'MAIL FROM:<a@example.org>' : 'HELO again.example');
    assert.equal(r.code, 250, `command ${i}: ${r.text}`);
  }
  assert.match((await c.cmd('HELO again.example')).text, /^421 4\.7\.0 .* too many commands/);
  await c.closed();
});

test('greeting_timeout, command_timeout and data_timeout: 421 4.4.2 and close', async () => {
  const a = await SmtpWire.connect(server.port('slowgreet'));
  await a.reply();
  assert.match((await a.reply()).text, /^421 4\.4\.2 /);
  await a.closed();
  const b = await ready('slowcmd');
  assert.match((await b.reply()).text, /^421 4\.4\.2 /);
  await b.closed();
  const c = await ready('slowdata');
  await c.cmd('MAIL FROM:<a@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  await c.cmd('DATA');
  c.send('Subject: slow\r\n');
  assert.match((await c.reply()).text, /^421 4\.4\.2 /);
  await c.closed();
});

test('session_timeout: a client trickling commands is cut off (slowloris)', async () => {
  const c = await ready('session');
  const timer = setInterval(() => c.send('NOOP\r\n'), 50);
  try {
    for (;;) {
      const r = await c.reply();
      if (r.code !== 250) {
        assert.match(r.text, /^421 4\.4\.2 /);
        break;
      }
    }
    await c.closed();
  } finally {
    clearInterval(timer);
  }
});

test('pre-greeting talkers get 554 and are closed', async () => {
  const s = connect({ port: server.port('pregreet'), host: '127.0.0.1' });
  await once(s, 'connect');
  s.write('EHLO eager.example\r\n');
  let text = '';
  s.setEncoding('latin1');
  s.on('data', (d: string) => (text += d));
  await once(s, 'close');
  assert.match(text, /^554 5\.5\.0 mail\.example\.test Protocol error: you talked before my greeting\r\n$/);
  // A patient client is greeted after the delay.
  const c = await SmtpWire.connect(server.port('pregreet'));
  assert.equal((await c.reply()).code, 220);
  c.end();
});

test('connection limits and deny rules answer with 421 4.7.0 / 554 5.7.1 before the greeting', async () => {
  const first = await SmtpWire.connect(server.port('one'));
  assert.equal((await first.reply()).code, 220);
  const second = await SmtpWire.connect(server.port('one'));
  assert.match((await second.reply()).text, /^421 4\.7\.0 mail\.example\.test Too many connections/);
  await second.closed();
  first.end();
  const d = await SmtpWire.connect(server.port('denied'));
  assert.equal((await d.reply()).text, '554 5.7.1 mail.example.test Access denied');
  await d.closed();
  // IPv6 rules, over ::1.
  const v6 = await SmtpWire.connect(server.port('v6denied'), { host: '::1' });
  assert.equal((await v6.reply()).text, '554 5.7.1 mail.example.test Access denied');
  await v6.closed();
  const ok6 = await SmtpWire.connect(server.port('v6allowed'), { host: '::1' });
  assert.equal((await ok6.reply()).code, 220);
  assert.match((await ok6.cmd('EHLO [IPv6:::1]')).text, /^250-mail\.example\.test greets \[IPv6:::1\]/);
  ok6.end();
});

test('bare LF in DATA is rejected with 550 5.6.0 and nothing is delivered', async () => {
  const before = (await inbox(server, 'alice@example.test')).length;
  const c = await ready('mx');
  await c.cmd('MAIL FROM:<a@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  await c.cmd('DATA');
  c.send('Subject: smuggle\r\n\r\nhi\n.\r\nMAIL FROM:<admin@example.test>\r\n.\r\n');
  assert.match((await c.reply()).text, /^550 5\.6\.0 /);
  assert.equal((await c.cmd('NOOP')).code, 250, 'the smuggled MAIL was data, not a command');
  c.end();
  assert.equal((await inbox(server, 'alice@example.test')).length, before);
});

test('mail loops: too many Received headers get 554 5.4.6', async () => {
  const c = await ready('mx');
  await c.cmd('MAIL FROM:<a@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  await c.cmd('DATA');
  c.send('Received: from a\r\n'.repeat(5) + 'Subject: loop\r\n\r\nx\r\n.\r\n');
  assert.match((await c.reply()).text, /^554 5\.4\.6 /);
  await c.cmd('MAIL FROM:<a@example.org>');
  await c.cmd('RCPT TO:<alice@example.test>');
  await c.cmd('DATA');
  c.send('Delivered-To: alice@example.test\r\nSubject: loop\r\n\r\nx\r\n.\r\n');
  assert.match((await c.reply()).text, /^554 5\.4\.6 .*Delivered-To/);
  c.end();
});

test('bare_line_endings = "normalize": bare LF becomes CRLF, and <LF>.<CRLF> still does not end the data', async () => {
  const s = await startSmtpServer({ smtp: { bare_line_endings: 'normalize' } });
  try {
    const c = await SmtpWire.connect(s.port('mx'));
    await c.reply();
    await c.cmd('EHLO n.example');
    await c.cmd('MAIL FROM:<a@example.org>');
    await c.cmd('RCPT TO:<alice@example.test>');
    await c.cmd('DATA');
    c.send('Subject: norm\r\n\r\none\ntwo\n.\r\nthree\r\n.\r\n');
    assert.match((await c.reply()).text, /^250 2\.0\.0 /);
    c.end();
    const m = (await inbox(s, 'alice@example.test'))[0]!;
    assert.ok(m.endsWith('Subject: norm\r\n\r\none\r\ntwo\r\n.\r\nthree\r\n'), JSON.stringify(m));
  } finally {
    await s.close();
  }
});

test('failed AUTH attempts per connection are limited: the last failure is followed by 421 and a close', async () => {
  // delay_after_failures is raised so the address-wide throttle stays out of this test's way.
  const server = await startSmtpServer({ config: { auth: { max_attempts_per_connection: 2, delay_after_failures: 100 } }, listeners: [{ name: 'plainsub', protocol: 'submission', tls: 'none', allow_plaintext_auth: true, limits: { greeting_delay: '0s', error_delay: '0s' } }] });
  try {
    const c = await SmtpWire.connect(server.port('plainsub'));
    await c.reply();
    await c.cmd('EHLO attempts.example');
    assert.equal((await c.cmd(`AUTH PLAIN ${plain('alice@example.test', 'wrong-1')}`)).text, '535 5.7.8 Error: authentication credentials invalid');
    const last = await c.cmd(`AUTH PLAIN ${plain('alice@example.test', 'wrong-2')}`);
    assert.equal(last.text, '535 5.7.8 Error: authentication credentials invalid');
    assert.match((await c.reply()).text, /^421 4\.7\.0 .* too many failed authentication attempts$/);
    await c.closed();
    // A new connection may try again, and the right password works.
    const d = await SmtpWire.connect(server.port('plainsub'));
    await d.reply();
    await d.cmd('EHLO attempts.example');
    assert.equal((await d.cmd(`AUTH PLAIN ${plain('alice@example.test', 'alice-password')}`)).code, 235);
    d.end();
  } finally {
    await server.close();
  }
});
