// Expected strings follow the RFC 9051 §9 "envelope" grammar and the RFC 3501 §7.4.2 group rules;
// they were cross-checked against Dovecot 2.3 while developing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMime, type MimePart } from '../mime/index.ts';
import { formatAddressList, formatEnvelope } from './envelope.ts';

const parse = (s: string): Promise<MimePart> => parseMime(new TextEncoder().encode(s.replace(/\r?\n/g, '\r\n')));

test('every member in order, groups as start and end markers, sender and reply-to default to from', async () => {
  const root = await parseMime(new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'mime', 'testdata', 'simple.eml'))));
  assert.equal(
    formatEnvelope(root),
    '("Mon, 23 Nov 2026 00:00:00 +0000" "=?utf-8?q?Gr=C3=BC=C3=9Fe?= and hello" (("Doe, John" NIL "john" "example.com")) (("Doe, John" NIL "john" "example.com")) (("Doe, John" NIL "john" "example.com")) (("Mary Smith" NIL "mary" "example.net")(NIL NIL "team" NIL)(NIL NIL "a" "x.org")(NIL NIL "b" "y.org")(NIL NIL NIL NIL)) NIL NIL NIL "<1@example.com>")',
  );
});

test('a message without header fields has an all-NIL envelope', async () => {
  assert.equal(formatEnvelope(await parse('\nbody\n')), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
});

test('an empty Sender or Reply-To also defaults to From (RFC 9051 §7.5.2)', async () => {
  const root = await parse('From: a@b.c\nSender:\nReply-To: \nTo: undisclosed-recipients:;\nIn-Reply-To: <x@y>\n\n');
  assert.equal(
    formatEnvelope(root),
    '(NIL NIL ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) ((NIL NIL "a" "b.c")) ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL "<x@y>" NIL)',
  );
});

test('folded headers are unfolded; CR, LF and 8-bit text force literals unless UTF-8 is on', async () => {
  const root = await parse('Subject: a long\n subject\nFrom: =?utf-8?q?J=C3=B6rg?= <j@x.de>, Zoë <z@x.de>\n\n');
  assert.equal(
    formatEnvelope(root),
    '(NIL "a long subject" (("=?utf-8?q?J=C3=B6rg?=" NIL "j" "x.de")({4}\r\nZoë NIL "z" "x.de")) (("=?utf-8?q?J=C3=B6rg?=" NIL "j" "x.de")({4}\r\nZoë NIL "z" "x.de")) (("=?utf-8?q?J=C3=B6rg?=" NIL "j" "x.de")({4}\r\nZoë NIL "z" "x.de")) NIL NIL NIL NIL NIL)',
  );
  assert.match(formatEnvelope(root, { utf8: true }), /\("Zoë" NIL "z" "x.de"\)/);
});

test('source routes go in addr-adl; a missing domain or local part gets a placeholder, never NIL', () => {
  assert.equal(
    formatAddressList([
      { name: null, mailbox: 'u', host: 'h', route: '@a,@b' },
      { name: 'Root', mailbox: 'root', host: null },
      { name: 'Nobody', mailbox: null, host: 'x.org' },
    ]),
    '((NIL "@a,@b" "u" "h")("Root" NIL "root" "MISSING_DOMAIN")("Nobody" NIL "MISSING_MAILBOX" "x.org"))',
  );
  assert.equal(formatAddressList([]), 'NIL');
});

test('the envelope of an encapsulated message', async () => {
  const root = await parse('Subject: outer\nContent-Type: message/rfc822\n\nSubject: inner\nMessage-ID: <in@x>\n\nhi\n');
  assert.equal(formatEnvelope(root.message!), '(NIL "inner" NIL NIL NIL NIL NIL NIL NIL "<in@x>")');
});

test('repeated address fields are all taken, in order', async () => {
  const root = await parse('From: a@x.org\nCc: b@x.org\nSubject: s\nCc: c@x.org, d@x.org\n\n');
  assert.match(formatEnvelope(root), / \(\(NIL NIL "b" "x.org"\)\(NIL NIL "c" "x.org"\)\(NIL NIL "d" "x.org"\)\) NIL NIL NIL\)$/);
});
