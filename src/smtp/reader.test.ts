import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpReader } from './reader.ts';
import { rng } from '../../test/helpers/random.ts';


/**
 * Plays input through a reader the way the session does: "DATA" switches to a body, "BDAT n"
 * to a chunk. Returns a normalised event list (data events merged, so chunking does not show).
 */
function play(chunks: Buffer[], opts: { maxLine?: number; maxData?: number } = {}): { events: string[]; maxBuffered: number } {
  const r = new SmtpReader(opts.maxLine ?? 64);
  const events: string[] = [];
  let maxBuffered = 0;
  let data: Buffer[] = [];
  const pump = () => {
    for (;;) {
      const ev = r.next();
      if (ev.kind === 'need-more') return;
      if (ev.kind === 'command') {
        const line = ev.line.toString('latin1');
        events.push(`cmd ${JSON.stringify(line)}`);
        const bdat = /^BDAT (\d+)/.exec(line);
        if (line === 'DATA') r.startData(opts.maxData ?? 1000);
        else if (bdat) r.startChunk(Number(bdat[1]));
      } else if (ev.kind === 'line-too-long') events.push('too-long');
      else if (ev.kind === 'data') data.push(...ev.chunks);
      else if (ev.kind === 'data-end') {
        events.push(`data ${JSON.stringify(Buffer.concat(data).toString('latin1'))} size=${ev.size} overflow=${ev.overflow} bare=${ev.bareLineEnding}`);
        data = [];
      }
    }
  };
  for (const c of chunks) {
    r.push(c);
    maxBuffered = Math.max(maxBuffered, r.buffered);
    pump();
  }
  if (data.length) events.push(`partial ${JSON.stringify(Buffer.concat(data).toString('latin1'))}`);
  return { events, maxBuffered };
}

function splits(input: Buffer, seed: number): Buffer[][] {
  const out: Buffer[][] = [[input], [...input].map((b) => Buffer.from([b]))];
  // Every two-way split: each byte boundary once (CONVENTIONS.md §3).
  for (let i = 1; i < input.length; i++) out.push([input.subarray(0, i), input.subarray(i)]);
  const rand = rng(seed);
  for (let k = 0; k < 20; k++) {
    const parts: Buffer[] = [];
    let pos = 0;
    while (pos < input.length) {
      const n = 1 + Math.floor(rand() * 9);
      parts.push(input.subarray(pos, pos + n));
      pos += n;
    }
    out.push(parts);
  }
  return out;
}

const fixtures: { name: string; input: string; expect: string[]; opts?: { maxLine?: number; maxData?: number } }[] = [
  {
    name: 'a pipelined transaction with dot-stuffing',
    input: 'EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: x\r\n\r\n..dot\r\n...\r\n.\r\nQUIT\r\n',
    expect: ['cmd "EHLO x"', 'cmd "MAIL FROM:<a@b>"', 'cmd "RCPT TO:<c@d>"', 'cmd "DATA"', 'data "Subject: x\\r\\n\\r\\n.dot\\r\\n..\\r\\n" size=24 overflow=false bare=false', 'cmd "QUIT"'],
  },
  { name: 'an empty body', input: 'DATA\r\n.\r\nNOOP\r\n', expect: ['cmd "DATA"', 'data "" size=0 overflow=false bare=false', 'cmd "NOOP"'] },
  {
    name: 'bare LF in the body is flagged and becomes CRLF',
    input: 'DATA\r\nA\nB\r\n.\r\nNOOP\r\n',
    expect: ['cmd "DATA"', 'data "A\\r\\nB\\r\\n" size=6 overflow=false bare=true', 'cmd "NOOP"'],
  },
  {
    name: 'bare CR in the body is flagged',
    input: 'DATA\r\na\rb\r\n.\r\n',
    expect: ['cmd "DATA"', 'data "a\\r\\nb\\r\\n" size=6 overflow=false bare=true'],
  },
  {
    name: 'smuggling: <LF>.<CRLF> is not an end of data, and the dot is kept',
    input: 'DATA\r\nhello\n.\r\nMAIL FROM:<x@y>\r\n.\r\nQUIT\r\n',
    expect: ['cmd "DATA"', 'data "hello\\r\\n.\\r\\nMAIL FROM:<x@y>\\r\\n" size=27 overflow=false bare=true', 'cmd "QUIT"'],
  },
  {
    name: 'smuggling: <CRLF>.<LF> is not an end of data',
    input: 'DATA\r\nhello\r\n.\nRSET\r\n.\r\nQUIT\r\n',
    expect: ['cmd "DATA"', 'data "hello\\r\\n.\\r\\nRSET\\r\\n" size=16 overflow=false bare=true', 'cmd "QUIT"'],
  },
  {
    name: 'smuggling: <CR>.<CR> is not an end of data',
    input: 'DATA\r\nhello\r.\rRSET\r\n.\r\n',
    expect: ['cmd "DATA"', 'data "hello\\r\\n.\\r\\nRSET\\r\\n" size=16 overflow=false bare=true'],
  },
  {
    name: 'BDAT chunks are taken byte for byte, CRLF.CRLF included',
    input: 'BDAT 5\r\nab\r\ncBDAT 5 LAST\r\n\r\n.\r\nQUIT\r\n',
    expect: ['cmd "BDAT 5"', 'data "ab\\r\\nc" size=5 overflow=false bare=false', 'cmd "BDAT 5 LAST"', 'data "\\r\\n.\\r\\n" size=5 overflow=false bare=false', 'cmd "QUIT"'],
  },
  { name: 'a zero-length BDAT', input: 'BDAT 0 LAST\r\nQUIT\r\n', expect: ['cmd "BDAT 0 LAST"', 'data "" size=0 overflow=false bare=false', 'cmd "QUIT"'] },
  {
    name: 'a command line over the limit is reported once and skipped',
    input: 'NOOP\r\n' + 'X'.repeat(40) + '\r\nNOOP\r\n',
    opts: { maxLine: 16 },
    expect: ['cmd "NOOP"', 'too-long', 'cmd "NOOP"'],
  },
  {
    name: 'a body over the limit is counted but not kept',
    input: 'DATA\r\n0123456789\r\nabc\r\n.\r\nNOOP\r\n',
    opts: { maxData: 10 },
    expect: ['cmd "DATA"', 'data "0123456789" size=17 overflow=true bare=false', 'cmd "NOOP"'],
  },
  { name: 'commands ended by a bare LF are accepted', input: 'NOOP\nRSET\r\n', expect: ['cmd "NOOP"', 'cmd "RSET"'] },
];

for (const f of fixtures) {
  test(`reader: ${f.name} (whole, byte by byte, every split, random splits)`, () => {
    const input = Buffer.from(f.input, 'latin1');
    for (const [i, parts] of splits(input, 42).entries()) {
      assert.deepEqual(play(parts, f.opts).events, f.expect, `split #${i}: ${JSON.stringify(parts.map((p) => p.toString('latin1')))}`);
    }
  });
}

test('reader: STARTTLS discards everything pipelined after the command', () => {
  const r = new SmtpReader(512);
  r.push(Buffer.from('STARTTLS\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<a@b>\r\n'));
  assert.deepEqual(r.next(), { kind: 'command', line: Buffer.from('STARTTLS') });
  assert.equal(r.discardBuffered(), 'MAIL FROM:<evil@x>\r\nRCPT TO:<a@b>\r\n'.length);
  assert.equal(r.next().kind, 'need-more');
});

test('reader fuzz: random and mutated input never throws, buffers stay bounded, splits agree', () => {
  const rand = rng(20261123);
  const atoms = ['\r', '\n', '\r\n', '.', '..', 'A', 'xyz', 'DATA\r\n', 'BDAT 3\r\n', 'BDAT 0 LAST\r\n', 'NOOP\r\n', '\r\n.\r\n', '\0', '\xff', 'Q'.repeat(70)];
  for (let iter = 0; iter < 400; iter++) {
    let s = '';
    const n = Math.floor(rand() * 40);
    for (let i = 0; i < n; i++) s += atoms[Math.floor(rand() * atoms.length)];
    const input = Buffer.from(s, 'latin1');
    const whole = play([input], { maxLine: 64, maxData: 50 });
    const parts: Buffer[] = [];
    for (let pos = 0; pos < input.length;) {
      const k = 1 + Math.floor(rand() * 7);
      parts.push(input.subarray(pos, pos + k));
      pos += k;
    }
    const split = play(parts, { maxLine: 64, maxData: 50 });
    assert.deepEqual(split.events, whole.events, `seed iteration ${iter}: ${JSON.stringify(s)}`);
    // Never more than one chunk plus less than one line is held.
    assert.ok(split.maxBuffered < 64 + 7, `buffered ${split.maxBuffered}`);
  }
});
