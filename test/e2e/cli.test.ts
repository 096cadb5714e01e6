// The `postern` command run as a child process, as an operator would.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';

const bin = resolve(import.meta.dirname, '..', '..', 'bin', 'postern.ts');
const root = mkdtempSync(join(tmpdir(), 'postern-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function postern(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { input: input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('postern CLI', () => {
  const data = join(root, 'data');

  test('init writes config, certificate and database', () => {
    const r = postern(['init', '--data', data, '--hostname', 'mail.example.com', '--domain', 'example.com']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Initialised/);
    assert.match(readFileSync(join(data, 'postern.toml'), 'utf8'), /hostname = "mail.example.com"/);
    assert.equal(statSync(join(data, 'tls', 'key.pem')).mode & 0o777, 0o600);
    const again = postern(['init', '--data', data, '--hostname', 'mail.example.com', '--domain', 'example.com']);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exists; not overwriting/);
  });

  test('domain add, list, remove', () => {
    assert.equal(postern(['domain', 'add', 'Second.Example', '--data', data]).code, 0);
    assert.deepEqual(postern(['domain', 'list', '--data', data]).out.trim().split('\n'), ['example.com', 'second.example']);
    const dup = postern(['domain', 'add', 'second.example', '--data', data]);
    assert.equal(dup.code, 1);
    assert.match(dup.err, /already exists/);
    assert.equal(postern(['domain', 'remove', 'second.example', '--data', data]).code, 0);
    assert.equal(postern(['domain', 'add', 'not a domain', '--data', data]).code, 1);
  });

  test('user add reads the password from stdin, never argv', () => {
    const r = postern(['user', 'add', 'alice@example.com', '--data', data, '--quota', '1GB'], 'a-long-password\n');
    assert.equal(r.code, 0, r.err);
    assert.match(postern(['user', 'list', '--data', data]).out, /^alice@example\.com\t0 B of 1024\.0 MiB$/m);
    const short = postern(['user', 'add', 'bob@example.com', '--data', data], 'short\n');
    assert.equal(short.code, 1);
    assert.match(short.err, /at least 8 characters/);
    const foreign = postern(['user', 'add', 'carol@nowhere.example', '--data', data], 'a-long-password\n');
    assert.equal(foreign.code, 1);
    assert.match(foreign.err, /not a local domain/);
    assert.equal(postern(['user', 'password', 'alice@example.com', '--data', data], 'another-long-password\n').code, 0);
    assert.equal(postern(['user', 'password', 'nobody@example.com', '--data', data], 'another-long-password\n').code, 1);
  });

  test('alias add, list, remove, with a catch-all', () => {
    assert.equal(postern(['alias', 'add', 'team@example.com', 'alice@example.com', 'ext@remote.example', '--data', data]).code, 0);
    assert.equal(postern(['alias', 'add', '@example.com', 'alice@example.com', '--data', data]).code, 0);
    assert.equal(postern(['alias', 'list', '--data', data]).out, '@example.com -> alice@example.com\nteam@example.com -> alice@example.com, ext@remote.example\n');
    assert.equal(postern(['alias', 'remove', 'team@example.com', 'ext@remote.example', '--data', data]).code, 0);
    assert.equal(postern(['alias', 'remove', 'team@example.com', '--data', data]).code, 0);
    assert.equal(postern(['alias', 'remove', 'team@example.com', '--data', data]).code, 1);
    assert.equal(postern(['alias', 'add', 'bad', 'x@y.example', '--data', data]).code, 1);
  });

  test('check reports a healthy directory and exits 0', () => {
    const r = postern(['check', '--data', data]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /configuration valid/);
    assert.match(r.out, /1 domain\(s\), 1 account\(s\)/);
    assert.match(r.out, /self-signed/);
  });

  test('user remove deletes the account', () => {
    assert.equal(postern(['user', 'add', 'temp@example.com', '--data', data], 'a-long-password\n').code, 0);
    assert.equal(postern(['user', 'remove', 'temp@example.com', '--data', data]).code, 0);
    assert.doesNotMatch(postern(['user', 'list', '--data', data]).out, /temp@/);
  });

  test('a bad config is refused with the key and exit code 2', () => {
    const bad = join(root, 'bad');
    assert.equal(postern(['init', '--data', bad, '--hostname', 'mail.example.com', '--domain', 'example.com']).code, 0);
    const file = join(bad, 'postern.toml');
    const original = readFileSync(file, 'utf8');
    const index = original.split('[[listener]]').length - 1; // the appended listener's index
    writeFileSync(file, original + '\n[[listener]]\nname = "x"\nprotocol = "pop3"\naddress = "0.0.0.0:99999"\n');
    for (const cmd of [['start'], ['check'], ['user', 'list']]) {
      const r = postern([...cmd, '--data', bad]);
      assert.equal(r.code, 2, `${cmd.join(' ')}: ${r.err}`);
      assert.ok(r.err.includes(`postern.toml: invalid configuration:\n  listener[${index}].address: "0.0.0.0:99999" is not a valid port`), r.err);
    }
    const missing = postern(['check', '--data', join(root, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /does not exist \(run `postern init` first\)/);
  });

  test('usage errors and --help', () => {
    const none = postern([]);
    assert.equal(none.code, 2);
    assert.match(none.err, /Commands:/);
    assert.equal(postern(['--help']).code, 0);
    assert.equal(postern(['frobnicate']).code, 2);
    const h = postern(['user', '--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /postern user add ADDRESS/);
    assert.equal(postern(['init', '--help']).code, 0);
    const bad = postern(['domain', 'add', '--bogus', '--data', data]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Unknown option '--bogus'/);
  });

  test('start prints its listeners, serves, and stops gracefully on SIGTERM', async () => {
    const dir = join(root, 'run');
    assert.equal(postern(['init', '--data', dir, '--hostname', 'localhost', '--domain', 'example.test', '--dev']).code, 0);
    const file = join(dir, 'postern.toml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/address = "127\.0\.0\.1:\d+"/g, 'address = "127.0.0.1:0"'));
    const child = spawn(process.execPath, [bin, 'start', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolveP, reject) => {
      const t = setInterval(() => {
        const m = /http\s+http\s+127\.0\.0\.1:(\d+)/.exec(out);
        if (m) {
          clearInterval(t);
          resolveP(Number(m[1]));
        }
      }, 50);
      child.once('exit', () => reject(new Error(`exited early: ${out} ${err}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    assert.deepEqual(await res.json(), { status: 'ok', hostname: 'localhost' });
    // CLI commands work beside the running server; a second server on the same directory is refused.
    assert.equal(postern(['user', 'add', 'late@example.test', '--data', dir], 'a-long-password\n').code, 0);
    const second = postern(['start', '--data', dir]);
    assert.equal(second.code, 1);
    assert.match(second.err, new RegExp(`another Postern \\(pid ${child.pid}\\) is running`));
    child.kill('SIGTERM');
    const [code] = await new Promise<[number | null]>((r) => child.once('exit', (c) => r([c])));
    assert.equal(code, 0, err);
    assert.match(out, /Postern stopped\./);
    assert.match(err, /"event":"server\.stopped"/);
    assert.equal(existsSync(join(dir, 'postern.pid')), false, 'the lock is released on stop');
  });
});
