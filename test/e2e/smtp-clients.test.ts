// Real clients written by others against our server: nodemailer (npm), swaks and python3 smtplib
// (Debian packages, see .ci/apt-packages). Each message must arrive in the store intact.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import nodemailer from 'nodemailer';
import type { TestServer } from '../helpers/server.ts';
import { inbox, startSmtpServer } from './smtp-wire.ts';

const run = promisify(execFile);
let server: TestServer;
before(async () => {
  server = await startSmtpServer();
  await writeFile(join(server.dataDir, 'ca.pem'), server.certPem);
});
after(async () => {
  await server.close();
});

const which = (cmd: string) => ['/usr/bin', '/usr/local/bin', '/bin'].map((d) => join(d, cmd)).find((p) => existsSync(p));

test('nodemailer: STARTTLS + AUTH PLAIN on submission, pipelined, with attachments and 8-bit', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: server.port('sub'), secure: false, requireTLS: true,
    tls: { ca: server.certPem, servername: 'localhost' }, auth: { user: 'alice@example.test', pass: 'alice-password' },
  });
  const info = await transport.sendMail({
    from: 'Alice <alice@example.test>', to: 'bob@example.test', subject: 'Grüße from nodemailer', text: 'Hällo Bob\n.\nDot line above.',
    attachments: [{ filename: 'a.bin', content: Buffer.from([0, 1, 2, 255]) }],
    dsn: { id: 'nm-1', return: 'headers', notify: ['failure', 'delay'], recipient: 'alice@example.test' },
  });
  assert.deepEqual(info.accepted, ['bob@example.test']);
  assert.match(info.response, /^250 2\.0\.0 Ok: queued as /);
  transport.close();
  const m = (await inbox(server, 'bob@example.test')).find((x) => x.includes('nodemailer'));
  assert.ok(m, 'delivered');
  assert.match(m, /with ESMTPSA id/);
  assert.match(m, /filename=a\.bin/);
});

test('nodemailer: implicit TLS (port 465 style) and a refused sender', async () => {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: server.port('subs'), secure: true, tls: { ca: server.certPem, servername: 'localhost' },
    auth: { user: 'alice@example.test', pass: 'alice-password' },
  });
  await transport.sendMail({ from: 'alice@example.test', to: 'bob@example.test', subject: 'implicit', text: 'x' });
  await assert.rejects(transport.sendMail({ from: 'bob@example.test', to: 'alice@example.test', subject: 'spoof', text: 'x' }), /553 5\.7\.1/);
  await assert.rejects(
    nodemailer.createTransport({ host: '127.0.0.1', port: server.port('subs'), secure: true, tls: { ca: server.certPem, servername: 'localhost' }, auth: { user: 'alice@example.test', pass: 'nope' } })
      .sendMail({ from: 'alice@example.test', to: 'bob@example.test', text: 'x' }),
    /535/,
  );
  transport.close();
});

test('nodemailer: plain MX delivery to a local user', async () => {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port('mx'), secure: false, ignoreTLS: true, name: 'mx-client.example' });
  const info = await transport.sendMail({ from: 'someone@example.org', to: 'alice@example.test', subject: 'inbound', text: 'hello' });
  assert.deepEqual(info.accepted, ['alice@example.test']);
  await assert.rejects(transport.sendMail({ from: 'someone@example.org', to: 'victim@remote.example', text: 'relay?' }), /554 5\.7\.1/);
  transport.close();
});

test('swaks: STARTTLS, AUTH LOGIN, PIPELINING, then plain MX', async (t) => {
  const swaks = which('swaks');
  if (!swaks) return t.skip('swaks not installed (apt-get install swaks)');
  const r = await run(swaks, ['--server', '127.0.0.1', '--port', String(server.port('sub')), '--tls', '--tls-ca-path', join(server.dataDir, 'ca.pem'),
    '--auth', 'LOGIN', '--auth-user', 'alice@example.test', '--auth-password', 'alice-password', '--from', 'alice@example.test', '--to', 'bob@example.test',
    '--header', 'Subject: from swaks', '--body', 'swaks body', '--pipeline', '--helo', 'swaks.example']);
  assert.match(r.stdout, /<~ {2}250 2\.0\.0 Ok: queued as /);
  const r2 = await run(swaks, ['--server', '127.0.0.1', '--port', String(server.port('mx')), '--from', 'x@example.org', '--to', 'alice@example.test', '--header', 'Subject: swaks mx', '--helo', 'swaks.example']);
  assert.match(r2.stdout, /<- {2}250 2\.0\.0 Ok: queued as /);
  const r3 = await run(swaks, ['--server', '127.0.0.1', '--port', String(server.port('mx')), '--from', 'x@example.org', '--to', 'victim@remote.example', '--helo', 'swaks.example']).catch((e: { stdout: string }) => e);
  assert.match(r3.stdout, /554 5\.7\.1 <victim@remote\.example>: Relay access denied/);
  assert.ok((await inbox(server, 'bob@example.test')).some((m) => m.includes('Subject: from swaks')));
  assert.ok((await inbox(server, 'alice@example.test')).some((m) => m.includes('Subject: swaks mx')));
});

test('python3 smtplib: starttls, login, send_message, and BDAT-less ESMTP options', async (t) => {
  const py = which('python3');
  if (!py) return t.skip('python3 not installed');
  const script = `
import smtplib, ssl, sys
from email.message import EmailMessage
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.check_hostname = False
with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.example') as s:
    s.ehlo()
    assert s.has_extn('starttls') and not s.has_extn('auth')
    s.starttls(context=ctx)
    s.ehlo()
    assert s.has_extn('auth') and s.has_extn('pipelining') and s.has_extn('chunking')
    s.login('alice@example.test', 'alice-password')
    m = EmailMessage()
    m['From'] = 'alice@example.test'; m['To'] = 'bob@example.test'; m['Subject'] = 'from smtplib'
    m.set_content('smtplib body\\n.\\nend')
    refused = s.send_message(m, mail_options=['SMTPUTF8'], rcpt_options=['NOTIFY=FAILURE'])
    assert refused == {}, refused
    try:
        s.sendmail('alice@example.test', ['nobody@example.test'], 'Subject: x\\r\\n\\r\\nx')
        raise SystemExit('nobody@ was accepted')
    except smtplib.SMTPRecipientsRefused as e:
        print('refused', e.recipients['nobody@example.test'][0])
print('ok')
`;
  const r = await run(py, ['-c', script, String(server.port('sub')), join(server.dataDir, 'ca.pem')]);
  assert.equal(r.stdout, 'refused 550\nok\n');
  const m = (await inbox(server, 'bob@example.test')).find((x) => x.includes('Subject: from smtplib'));
  assert.ok(m && m.includes('smtplib body\n.\nend') === false && m.includes('smtplib body\r\n.\r\nend'), 'dot line survived the round trip');
  assert.match(m, /with UTF8SMTPSA id/);
});
