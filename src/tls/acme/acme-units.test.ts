import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { generateKey } from '../keys.ts';
import { createAlpnChallengeCertificate } from './alpn-cert.ts';
import { parseRetryAfter } from './client.ts';
import { createCsr } from './csr.ts';
import { accountKeyFrom, generateAccountKey, keyAuthorization, signJws, thumbprint } from './jws.ts';

const hasOpenssl = !spawnSync('openssl', ['version'], { stdio: 'ignore' }).error;

test('ES256 JWS verifies with the JWK it carries (RFC 7515, RFC 7518 §3.4 r||s)', () => {
  const { key } = generateAccountKey();
  const jws = signJws(key, { nonce: 'n1', url: 'https://ca.test/new-acct' }, { termsOfServiceAgreed: true });
  const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString()) as { alg: string; jwk: Record<string, string>; nonce: string; url: string; kid?: string };
  assert.equal(header.alg, 'ES256');
  assert.equal(header.kid, undefined);
  const pub = createPublicKey({ key: header.jwk, format: 'jwk' });
  const sig = Buffer.from(jws.signature, 'base64url');
  assert.equal(sig.length, 64);
  assert.ok(verify('sha256', Buffer.from(`${jws.protected}.${jws.payload}`), { key: pub, dsaEncoding: 'ieee-p1363' }, sig));
});

test('RS256 account keys and POST-as-GET with kid', () => {
  const { privateKey } = generateKey('rsa-2048');
  const key = accountKeyFrom(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const jws = signJws(key, { nonce: 'n', url: 'https://ca.test/order/1', kid: 'https://ca.test/acct/7' }, undefined);
  assert.equal(jws.payload, '', 'RFC 8555 §6.3: POST-as-GET has an empty payload');
  const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString()) as Record<string, unknown>;
  assert.equal(header.alg, 'RS256');
  assert.equal(header.kid, 'https://ca.test/acct/7');
  assert.equal(header.jwk, undefined);
  assert.ok(verify('sha256', Buffer.from(`${jws.protected}.`), createPublicKey(privateKey), Buffer.from(jws.signature, 'base64url')));
});

test('JWK thumbprint matches RFC 7638 §3.1\'s example', () => {
  const n = '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw';
  const key = { ...generateAccountKey().key, jwk: { kty: 'RSA', n, e: 'AQAB' } };
  assert.equal(thumbprint(key), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  assert.equal(keyAuthorization('tok', key), 'tok.NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('parses Retry-After as seconds or an HTTP-date (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

for (const type of ['ecdsa-p256', 'ecdsa-p384', 'rsa-2048'] as const) {
  test(`the CSR (${type}) is a valid PKCS #10 request with the names as subjectAltName`, { skip: hasOpenssl ? false : 'openssl not installed' }, () => {
    const csr = createCsr(['mail.example.test', 'mx.example.test'], generateKey(type).privateKey);
    const r = spawnSync('openssl', ['req', '-inform', 'DER', '-noout', '-verify', '-text'], { input: csr });
    const out = String(r.stdout) + String(r.stderr);
    assert.equal(r.status, 0, out);
    assert.match(out, /verify OK|Certificate request self-signature verify OK/);
    assert.match(out, /DNS:mail\.example\.test, DNS:mx\.example\.test/);
    assert.match(out, /CN\s*=\s*mail\.example\.test/);
  });
}

test('the TLS-ALPN-01 certificate carries the critical acmeIdentifier extension (RFC 8737 §3)', () => {
  const c = createAlpnChallengeCertificate('mail.example.test', 'tok.thumb');
  const x = new X509Certificate(c.certPem);
  assert.equal(x.subjectAltName, 'DNS:mail.example.test');
  const digest = createHash('sha256').update('tok.thumb').digest();
  // Extension ::= SEQUENCE { id-pe-acmeIdentifier, critical TRUE, OCTET STRING { OCTET STRING (32) } }
  const ext = Buffer.concat([Buffer.from('3031' + '06082b0601050507011f' + '0101ff' + '0422' + '0420', 'hex'), digest]);
  assert.ok(x.raw.includes(ext));
});
