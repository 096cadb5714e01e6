import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigErrors, parseConfigText, parseDuration, parseSize, renderConfigDocs, renderDefaultConfig } from './index.ts';

const base = 'hostname = "mail.example.com"\n';
const listener = (extra = '') => `[[listener]]\nname = "mx"\nprotocol = "smtp"\naddress = "0.0.0.0:25"\n${extra}`;

function errorsOf(text: string): string[] {
  try {
    parseConfigText(text, 'postern.toml');
  } catch (err) {
    assert.ok(err instanceof ConfigErrors, String(err));
    return err.errors.map((e) => `${e.key}: ${e.message.replace(/^postern\.toml: [^:]+: /, '')}`);
  }
  assert.fail('expected the config to be refused');
}

test('a minimal file gets every default', () => {
  const c = parseConfigText(base + listener());
  assert.equal(c.hostname, 'mail.example.com');
  assert.deepEqual(c.mynetworks, []);
  assert.deepEqual(c.relay_domains, []);
  assert.equal(c.relayhost, undefined);
  assert.equal(c.shutdown_timeout, 30_000);
  const l = c.listener[0]!;
  assert.equal(l.tls, 'starttls');
  assert.equal(l.allow_plaintext_auth, false);
  assert.equal(l.limits.max_connections, 1000);
  assert.equal(l.limits.idle_timeout, 300_000);
});

test('values are parsed with their units', () => {
  const c = parseConfigText(base + 'shutdown_timeout = "1m"\nmynetworks = ["192.0.2.0/24", "2001:db8::/32"]\nrelayhost = "[smtp.example.net]:587"\n' + listener('[listener.limits]\nidle_timeout = "90s"\nmax_line_bytes = 1000\n'));
  assert.equal(c.shutdown_timeout, 60_000);
  assert.equal(c.listener[0]!.limits.idle_timeout, 90_000);
  assert.equal(c.relayhost, '[smtp.example.net]:587');
});

test('a bad port names the listener and the key', () => {
  const text = base + listener() + '[[listener]]\nname = "b"\nprotocol = "imap"\naddress = "127.0.0.1:143"\n[[listener]]\nname = "c"\nprotocol = "pop3"\naddress = "0.0.0.0:99999"\n';
  assert.deepEqual(errorsOf(text), ['listener[2].address: "0.0.0.0:99999" is not a valid port']);
});

test('every problem is reported, each with its key', () => {
  const errs = errorsOf('hostname = "not a host"\nmynetworks = ["10.0.0.0/33"]\nshutdown_timeout = "soon"\ntypo_key = 1\n' + listener('protocol_x = 1\n[listener.limits]\nmax_connections = -5\n').replace('"smtp"', '"smtpx"'));
  const keys = errs.map((e) => e.split(':')[0]);
  assert.deepEqual(new Set(keys), new Set(['hostname', 'mynetworks[0]', 'shutdown_timeout', '(top level)', 'listener[0].protocol', 'listener[0]', 'listener[0].limits.max_connections']));
  assert.ok(errs.includes('(top level): unknown key "typo_key"'), errs.join('\n'));
  assert.ok(errs.includes('mynetworks[0]: "10.0.0.0/33" is not an IP address or CIDR range'), errs.join('\n'));
  assert.ok(errs.some((e) => e.startsWith('shutdown_timeout: "soon" is not a duration')), errs.join('\n'));
});

test('missing required keys, duplicate listener names, IPv6 addresses', () => {
  assert.deepEqual(errorsOf('[[listener]]\nname="a"\nprotocol="smtp"\naddress="[::1]:25"\n'), ['hostname: is required (expected string)']);
  assert.deepEqual(errorsOf(base + listener() + listener()), ['listener[1].name: "mx" is already the name of listener[0]']);
  assert.deepEqual(errorsOf(base + listener().replace('0.0.0.0:25', '[1:2:3:4:5:6:7:8:9]:25')), ['listener[0].address: "[1:2:3:4:5:6:7:8:9]:25" has an invalid IPv6 address']);
  assert.equal(parseConfigText(base + listener().replace('0.0.0.0:25', '[::1]:25')).listener[0]!.address, '[::1]:25');
});

test('TOML syntax errors give the line', () => {
  const errs = errorsOf(base + 'mynetworks = [\n');
  assert.equal(errs.length, 1);
  assert.match(errs[0]!, /^line \d+, column \d+: TOML syntax error/);
});

test('durations and sizes', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration(3), 3000);
  assert.equal(parseDuration('5 parsecs'), undefined);
  assert.equal(parseSize('25MB'), 25 * 1024 * 1024);
  assert.equal(parseSize('512KiB'), 512 * 1024);
  assert.equal(parseSize(1000), 1000);
  assert.equal(parseSize('1.5GB'), undefined);
});

test('the default configs written by init are valid', () => {
  for (const dev of [true, false]) assert.equal(parseConfigText(renderDefaultConfig({ hostname: 'mail.example.com', dev })).hostname, 'mail.example.com');
});

test('docs/config.md is generated from the schema and up to date (run `npm run docs`)', () => {
  const file = join(import.meta.dirname, '..', '..', 'docs', 'config.md');
  assert.equal(readFileSync(file, 'utf8'), renderConfigDocs());
});
