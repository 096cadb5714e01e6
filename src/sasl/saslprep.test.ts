import assert from 'node:assert/strict';
import { test } from 'node:test';
import { saslprep } from './saslprep.ts';

test('RFC 4013 §3 examples', () => {
  assert.deepEqual(saslprep('I\u00ADX'), { ok: true, value: 'IX' }); // soft hyphen mapped to nothing
  assert.deepEqual(saslprep('user'), { ok: true, value: 'user' });
  assert.deepEqual(saslprep('USER'), { ok: true, value: 'USER' }); // case preserved
  assert.deepEqual(saslprep('\u00AA'), { ok: true, value: 'a' }); // NFKC
  assert.deepEqual(saslprep('\u2168'), { ok: true, value: 'IX' }); // NFKC
  assert.equal(saslprep('\u0007').ok, false); // prohibited
  assert.equal(saslprep('\u0627\u0031').ok, false); // bidi: RandALCat must start and end
});

test('non-ASCII spaces become SPACE; prohibited and bidi rules', () => {
  assert.deepEqual(saslprep('a\u00A0b\u3000c'), { ok: true, value: 'a b c' });
  assert.equal(saslprep('a\uE000').ok, false, 'private use');
  assert.equal(saslprep('a\u200Eb').ok, false, 'LRM is prohibited (C.8)');
  assert.equal(saslprep('\u0627\u0628').ok, true, 'all right-to-left');
  assert.equal(saslprep('\u0627a\u0628').ok, false, 'mixed directions');
  assert.deepEqual(saslprep('pässwörd'), { ok: true, value: 'pässwörd' });
  assert.equal(saslprep('a\u{E0001}').ok, false, 'tagging');
});
