import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryLogger, REDACTED } from './logger.ts';

test('secrets are redacted by field name, at any depth', () => {
  const log = createMemoryLogger('info');
  log.child({ session: 's1' }).info('auth.failed', { user: 'a@b', password: 'hunter2', nested: { authToken: 't', ok: 1 }, list: [{ secret: 'x' }] });
  assert.deepEqual(log.lines[0], {
    time: log.lines[0]!.time, level: 'info', event: 'auth.failed', session: 's1', user: 'a@b', password: REDACTED,
    nested: { authToken: REDACTED, ok: 1 }, list: [{ secret: REDACTED }],
  });
});

test('levels below the threshold are dropped; errors keep their stack', () => {
  const log = createMemoryLogger('warn');
  log.info('x');
  log.error('y', { err: new Error('boom') });
  assert.equal(log.lines.length, 1);
  assert.equal((log.lines[0]!.err as { message: string }).message, 'boom');
  assert.ok((log.lines[0]!.err as { stack: string }).stack.includes('boom'));
});
