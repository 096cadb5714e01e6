import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFramer, type FramerLimits, type FramerOptions } from './framer.ts';
import { rng } from '../../test/helpers/random.ts';

const limits: FramerLimits = { maxLineBytes: 100, maxLiteralBytes: 50, maxCommandBytes: 200 };

type Out = { command: string; spooled?: number[] } | { literal: number } | { error: string } | { spooled: string };

/** Feeds chunks, accepting every synchronising literal, and records events (spooled bytes joined). */
function run(chunks: Uint8Array[], l = limits, options: FramerOptions = {}): Out[] {
  const f = new CommandFramer(l, options);
  const out: Out[] = [];
  let spool: { spooled: string } | undefined;
  const drain = () => {
    for (;;) {
      const ev = f.next();
      if (ev.kind === 'needMore') return;
      if (ev.kind === 'command') out.push(ev.spooled.length > 0 ? { command: ev.bytes.toString('latin1'), spooled: ev.spooled } : { command: ev.bytes.toString('latin1') });
      else if (ev.kind === 'literal') {
        out.push({ literal: ev.size });
        f.acceptLiteral();
      } else if (ev.kind === 'spoolStart') out.push((spool = { spooled: '' }));
      else if (ev.kind === 'literalData') spool!.spooled += ev.bytes.toString('latin1');
      else out.push({ error: `${ev.tag ?? '*'} ${ev.status} ${ev.toobig ? 'TOOBIG ' : ''}${ev.text}` });
    }
  };
  for (const c of chunks) {
    f.push(c);
    drain();
  }
  return out;
}

function splits(input: Buffer): Uint8Array[][] {
  const out: Uint8Array[][] = [[input]];
  for (let i = 1; i < input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  out.push([...input].map((b) => Uint8Array.of(b)));
  return out;
}


const fixtures: { name: string; input: string; expect: Out[] }[] = [
  { name: 'simple commands', input: 'a1 NOOP\r\na2 LOGOUT\r\n', expect: [{ command: 'a1 NOOP' }, { command: 'a2 LOGOUT' }] },
  { name: 'bare LF', input: 'a1 NOOP\n', expect: [{ command: 'a1 NOOP' }] },
  { name: 'synchronising literal', input: 'a LOGIN {5}\r\nalice {3}\r\npw!\r\n', expect: [{ literal: 5 }, { literal: 3 }, { command: 'a LOGIN {5}\r\nalice {3}\r\npw!' }] },
  { name: 'non-synchronising literal', input: 'a APPEND INBOX {4+}\r\nab\r\n\r\n', expect: [{ command: 'a APPEND INBOX {4+}\r\nab\r\n' }] },
  { name: 'literal with CRLF and braces inside', input: 'a X {5+}\r\n{2}\r\n\r\n', expect: [{ command: 'a X {5+}\r\n{2}\r\n' }] },
  { name: 'empty literal', input: 'a X {0}\r\n\r\nb Y\r\n', expect: [{ literal: 0 }, { command: 'a X {0}\r\n' }, { command: 'b Y' }] },
  { name: 'too-big synchronising literal', input: 'a APPEND INBOX {51}\r\nb NOOP\r\n', expect: [{ error: 'a NO TOOBIG Literal too big' }, { command: 'b NOOP' }] },
  { name: 'too-big non-sync literal is drained', input: `a APPEND INBOX {60+}\r\n${'x'.repeat(60)}\r\nb NOOP\r\n`, expect: [{ error: 'a NO TOOBIG Literal too big' }, { command: 'b NOOP' }] },
  { name: 'a drained command loses its further non-sync literals too', input: `a APPEND INBOX {60+}\r\n${'x'.repeat(60)} {3+}\r\nb\r\n\r\nc NOOP\r\n`, expect: [{ error: 'a NO TOOBIG Literal too big' }, { command: 'c NOOP' }] },
  { name: 'line too long', input: `a ${'x'.repeat(200)}\r\nb NOOP\r\n`, expect: [{ error: 'a BAD TOOBIG Command line too long' }, { command: 'b NOOP' }] },
  { name: 'invalid literal size', input: 'a X {99999999999}\r\nb NOOP\r\n', expect: [{ error: 'a BAD Invalid literal size' }, { command: 'b NOOP' }] },
  { name: 'empty lines are ignored', input: '\r\n\r\na NOOP\r\n', expect: [{ command: 'a NOOP' }] },
];

for (const fx of fixtures) {
  test(`framer: ${fx.name} — same events however the input is split`, () => {
    const input = Buffer.from(fx.input, 'latin1');
    for (const chunks of splits(input)) assert.deepEqual(run(chunks), fx.expect, `split ${chunks.map((c) => c.length).join('+')}`);
    const rand = rng(42);
    for (let i = 0; i < 50; i++) {
      const chunks: Uint8Array[] = [];
      let pos = 0;
      while (pos < input.length) {
        const n = 1 + Math.floor(rand() * 7);
        chunks.push(input.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(run(chunks), fx.expect);
    }
  });
}

test('framer: a refused literal resets the command', () => {
  const f = new CommandFramer(limits);
  f.push(Buffer.from('a APPEND Nope {5}\r\n'));
  const ev = f.next();
  assert.equal(ev.kind, 'literal');
  f.rejectLiteral();
  f.push(Buffer.from('b NOOP\r\n'));
  assert.deepEqual(f.next(), { kind: 'command', bytes: Buffer.from('b NOOP'), spooled: [] });
});

/**
 * Feeds one framer 40 random chunks (mostly from `alphabet`), taking every event and accepting or
 * refusing literals at random; after each chunk, what it buffers stays within its limits.
 */
function fuzzFramer(f: CommandFramer, l: FramerLimits, rand: () => number, alphabet: Buffer): void {
  for (let i = 0; i < 40; i++) {
    const len = Math.floor(rand() * 30);
    const chunk = Buffer.alloc(len);
    for (let j = 0; j < len; j++) chunk[j] = rand() < 0.9 ? alphabet[Math.floor(rand() * alphabet.length)]! : Math.floor(rand() * 256);
    f.push(chunk);
    for (let k = 0; k < 100; k++) {
      const ev = f.next();
      if (ev.kind === 'needMore') break;
      if (ev.kind === 'literal') {
        if (rand() < 0.5) f.acceptLiteral();
        else f.rejectLiteral();
      }
    }
    assert.ok(f.buffered <= l.maxCommandBytes + l.maxLineBytes + 64, `buffered ${f.buffered}`);
  }
}

test('framer: seeded fuzz — no crash, buffering stays bounded', () => {
  const rand = rng(7);
  const alphabet = Buffer.from('a1 NOOP{}+~0123456789\r\n"\\()[]<>*%LOGIN ');
  for (let round = 0; round < 300; round++) fuzzFramer(new CommandFramer(limits), limits, rand, alphabet);
});

// Large literals of APPEND stream out as literalData (the session writes them to a spool file).
const spoolLimits: FramerLimits = { maxLineBytes: 100, maxLiteralBytes: 50, maxCommandBytes: 40, spoolLiteralBytes: 8, maxSpooledBytes: 60 };
const policy: FramerOptions = { literalPolicy: (line: Buffer) => ({ canSpool: / APPEND /.test(line.toString('latin1')), maxLiteralBytes: / LOGIN /.test(line.toString('latin1')) ? 4 : Infinity }) };
const spoolFixtures: { name: string; input: string; expect: Out[]; limits?: FramerLimits }[] = [
  {
    name: 'a large APPEND literal is spooled, a small one kept',
    input: 'a APPEND INBOX {3+}\r\nabc {10}\r\n0123456789 {12+}\r\nabcdefghijkl\r\nb NOOP\r\n',
    expect: [{ literal: 10 }, { spooled: '0123456789' }, { spooled: 'abcdefghijkl' }, { command: 'a APPEND INBOX {3+}\r\nabc {10}\r\n {12+}\r\n', spooled: [31, 39] }, { command: 'b NOOP' }],
  },
  {
    name: 'only commands that can take them spool large literals',
    input: 'a SEARCH TEXT {10+}\r\n0123456789\r\n',
    expect: [{ command: 'a SEARCH TEXT {10+}\r\n0123456789' }],
  },
  {
    name: 'the policy can lower the literal limit of a command (before login)',
    input: 'a LOGIN {4+}\r\nuser {5}\r\nb LOGIN {5+}\r\npass!\r\nc NOOP\r\n',
    expect: [{ error: 'a NO TOOBIG Literal too big' }, { error: 'b NO TOOBIG Literal too big' }, { command: 'c NOOP' }],
  },
  {
    name: 'spooled literals do not count against the in-memory command limit',
    input: `a APPEND INBOX {45+}\r\n${'y'.repeat(45)}\r\n`,
    expect: [{ spooled: 'y'.repeat(45) }, { command: 'a APPEND INBOX {45+}\r\n', spooled: [22] }],
  },
  {
    name: 'but their sum is limited',
    input: `a APPEND INBOX {45+}\r\n${'y'.repeat(45)} {45+}\r\n${'z'.repeat(45)}\r\nb NOOP\r\n`,
    expect: [{ spooled: 'y'.repeat(45) }, { error: 'a NO TOOBIG Literal too big' }, { command: 'b NOOP' }],
  },
  {
    name: 'LITERAL-: a non-synchronising literal over 4096 bytes gets BAD [TOOBIG] and the command is discarded',
    limits: { ...limits, maxLiteralBytes: 10000, maxCommandBytes: 20000, literalMinus: true },
    input: `a APPEND INBOX {4097+}\r\n${'q'.repeat(4097)} {2+}\r\nzz\r\nb APPEND INBOX {4096+}\r\n${'r'.repeat(4096)}\r\n`,
    expect: [{ error: 'a BAD TOOBIG Non-synchronizing literals are limited to 4096 bytes (LITERAL-)' }, { command: `b APPEND INBOX {4096+}\r\n${'r'.repeat(4096)}` }],
  },
  {
    name: 'LITERAL-: synchronising literals of any size are fine',
    limits: { ...limits, maxLiteralBytes: 10000, maxCommandBytes: 20000, literalMinus: true },
    input: `a APPEND INBOX {5000}\r\n${'q'.repeat(5000)}\r\n`,
    expect: [{ literal: 5000 }, { command: `a APPEND INBOX {5000}\r\n${'q'.repeat(5000)}` }],
  },
];

for (const fx of spoolFixtures) {
  test(`framer: ${fx.name} — same events however the input is split`, () => {
    const input = Buffer.from(fx.input, 'latin1');
    const all = input.length > 300 ? [[input]] : splits(input);
    for (const chunks of all) assert.deepEqual(run(chunks, fx.limits ?? spoolLimits, policy), fx.expect, `split ${chunks.map((c) => c.length).join('+')}`);
    const rand = rng(43);
    for (let i = 0; i < 30; i++) {
      const chunks: Uint8Array[] = [];
      let pos = 0;
      while (pos < input.length) {
        const n = 1 + Math.floor(rand() * (input.length > 300 ? 700 : 7));
        chunks.push(input.subarray(pos, pos + n));
        pos += n;
      }
      assert.deepEqual(run(chunks, fx.limits ?? spoolLimits, policy), fx.expect);
    }
  });
}

test('framer: seeded fuzz with spooling and LITERAL- — no crash, buffering stays bounded', () => {
  const rand = rng(11);
  const alphabet = Buffer.from('a1 APPEND LOGIN{}+~0123456789\r\n"\\()[]*% ');
  for (const l of [spoolLimits, { ...spoolLimits, literalMinus: true }]) {
    for (let round = 0; round < 200; round++) fuzzFramer(new CommandFramer(l, policy), l, rand, alphabet);
  }
});
