import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeXtext, isXtext, parseMailParams, parseRcptParams } from './params.ts';

const mail = (s: string) => parseMailParams(s, { maxMessageBytes: 1000 });

test('MAIL parameters: SIZE, BODY, SMTPUTF8, RET, ENVID, AUTH, REQUIRETLS', () => {
  const r = mail(' size=500 body=8bitmime SMTPUTF8 RET=hdrs ENVID=QQ+2B1 AUTH=<> REQUIRETLS');
  assert.deepEqual(r, { ok: true, params: { size: 500, body: '8BITMIME', smtputf8: true, ret: 'HDRS', envid: 'QQ+2B1', auth: '', requireTls: true } });
  assert.deepEqual(mail(''), { ok: true, params: { size: null, body: null, smtputf8: false, ret: null, envid: null, auth: null, requireTls: false } });
});

test('MAIL parameter errors have their codes', () => {
  const code = (s: string) => { const r = mail(s); return r.ok ? 250 : r.error.code; };
  assert.equal(code(' SIZE=1001'), 552);
  assert.equal(code(' SIZE=abc'), 501);
  assert.equal(code(' BODY=9BIT'), 501);
  assert.equal(code(' SMTPUTF8=yes'), 501);
  assert.equal(code(' RET=ALL'), 501);
  assert.equal(code(' ENVID=a+zz'), 501);
  assert.equal(code(` ENVID=${'a'.repeat(101)}`), 501);
  assert.equal(code(' SIZE=1 SIZE=2'), 501);
  assert.equal(code(' X-UNKNOWN=1'), 555);
  assert.equal(code('SIZE=1'), 501); // no space after the path
  assert.equal(code(' =1'), 501);
});

test('RCPT parameters: NOTIFY and ORCPT (RFC 3461)', () => {
  assert.deepEqual(parseRcptParams(' NOTIFY=success,failure ORCPT=RFC822;a+40b'), { ok: true, params: { notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;a+40b' } });
  assert.deepEqual(parseRcptParams(' NOTIFY=NEVER'), { ok: true, params: { notify: ['NEVER'], orcpt: null } });
  for (const bad of [' NOTIFY=NEVER,SUCCESS', ' NOTIFY=SOMETIMES', ' NOTIFY=SUCCESS,SUCCESS', ' ORCPT=rfc822', ' ORCPT=rfc822;a=b', ' ORCPT=;x', ' NOTIFY']) {
    const r = parseRcptParams(bad);
    assert.ok(!r.ok && r.error.code === 501, bad);
  }
});

test('xtext', () => {
  assert.equal(isXtext('abc+2B+3D'), true);
  assert.equal(isXtext('a=b'), false);
  assert.equal(isXtext('a+2b'), false);
  assert.equal(decodeXtext('a+2Bb+3D'), 'a+b=');
});
