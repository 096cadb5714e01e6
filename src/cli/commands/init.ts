import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDomainName, parseConfigText, renderDefaultConfig } from '../../config/index.ts';
import { UserError } from '../../errors/index.ts';
import { silentLogger } from '../../observe/index.ts';
import { closeContext, configFile, openContext } from '../../server.ts';
import { createSelfSigned } from '../../tls/index.ts';
import { dataDir, exit, parse, UsageError, type CliIo, type Command } from '../command.ts';

export interface InitOptions { dir: string; hostname: string; domain: string; dev: boolean }

/** Writes postern.toml, a self-signed certificate and the database with the first domain. */
export async function initDataDir(o: InitOptions, io: CliIo): Promise<void> {
  if (!isDomainName(o.hostname)) throw new UserError('bad-hostname', `--hostname "${o.hostname}" is not a host name`);
  if (!isDomainName(o.domain)) throw new UserError('bad-domain', `--domain "${o.domain}" is not a domain name`);
  const cfgPath = join(o.dir, configFile);
  if (existsSync(cfgPath)) throw new UserError('exists', `${cfgPath} already exists; not overwriting it`);
  await mkdir(join(o.dir, 'tls'), { recursive: true, mode: 0o700 });
  await chmod(o.dir, 0o700);
  const text = renderDefaultConfig({ hostname: o.hostname, dev: o.dev });
  const config = parseConfigText(text, cfgPath); // what we write must be what we accept
  const names = o.dev ? [...new Set([o.hostname, 'localhost', '127.0.0.1', '::1'])] : [o.hostname];
  const cert = createSelfSigned(names);
  await writeFile(join(o.dir, 'tls', 'key.pem'), cert.keyPem, { mode: 0o600 });
  await writeFile(join(o.dir, 'tls', 'cert.pem'), cert.certPem, { mode: 0o644 });
  await writeFile(cfgPath, text, { mode: 0o600 });
  const ctx = await openContext(o.dir, config, { log: silentLogger });
  try {
    await ctx.store.addDomain(o.domain);
  } finally {
    await closeContext(ctx);
  }
  io.stdout.write(
    `Initialised ${o.dir}${o.dev ? ' (development: loopback, unprivileged ports)' : ''}\n` +
    `  config       ${cfgPath}\n` +
    `  certificate  ${join(o.dir, 'tls', 'cert.pem')} (self-signed for ${names.join(', ')}; SHA-256 ${cert.fingerprint256})\n` +
    `  domain       ${o.domain}\n` +
    `Add a user:    echo 'a-long-password' | npx postern user add you@${o.domain} --data ${o.dir}\n` +
    `Start:         npx postern start --data ${o.dir}\n`,
  );
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Create a data directory: postern.toml, a self-signed certificate and the database.',
  usage: ['init --hostname HOST --domain DOMAIN [--dev] [--data DIR]'],
  async run(argv, io) {
    const { values, positionals } = parse(argv, { hostname: { type: 'string' }, domain: { type: 'string' }, dev: { type: 'boolean', default: false } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.hostname) throw new UsageError('--hostname is required');
    if (!values.domain) throw new UsageError('--domain is required');
    await initDataDir({ dir: dataDir(values), hostname: values.hostname, domain: values.domain, dev: values.dev ?? false }, io);
    return exit.ok;
  },
};
