import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import { createSelfSigned } from './self-signed.ts';

test('the certificate names its hosts and addresses and is valid now', () => {
  const c = createSelfSigned(['mail.example.test', 'localhost', '127.0.0.1', '::1']);
  const x = new X509Certificate(c.certPem);
  assert.equal(x.subject, 'CN=mail.example.test');
  assert.equal(x.subjectAltName, 'DNS:mail.example.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.ok(x.checkHost('mail.example.test'));
  assert.ok(x.checkIP('127.0.0.1'));
  assert.equal(x.ca, false);
  assert.ok(Date.parse(x.validFrom) < Date.now() && Date.parse(x.validTo) > Date.now());
  assert.ok(x.verify(x.publicKey), 'self-signature verifies');
});

test('a TLS client that trusts it completes a verified handshake', async () => {
  const c = createSelfSigned(['mail.example.test']);
  const server = createServer({ cert: c.certPem, key: c.keyPem, minVersion: 'TLSv1.2' }, (s) => s.end('hello'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const sock = connect({ host: '127.0.0.1', port, servername: 'mail.example.test', ca: c.certPem });
  await once(sock, 'secureConnect');
  assert.equal(sock.authorized, true);
  let data = '';
  for await (const chunk of sock) data += chunk;
  assert.equal(data, 'hello');
  server.close();
});
