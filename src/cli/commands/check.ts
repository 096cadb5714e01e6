import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { databaseFile } from '../../server.ts';
import { latestVersion } from '../../store/index.ts';
import { dataDir, exit, parse, readConfig, UsageError, withContext, type Command } from '../command.ts';

interface Finding { level: 'error' | 'warning' | 'ok'; text: string }

export const checkCommand: Command = {
  name: 'check',
  summary: 'Validate the configuration, certificate and database of a data directory and report problems.',
  usage: ['check [--data DIR]'],
  async run(argv, io) {
    const { values, positionals } = parse(argv, {});
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const dir = dataDir(values);
    const config = readConfig(dir); // config errors propagate: exit 2 with key-by-key messages
    const f: Finding[] = [{ level: 'ok', text: `configuration valid (${config.listener.length} listeners)` }];
    const resolve = (p: string) => (isAbsolute(p) ? p : join(dir, p));

    const certPath = resolve(config.tls.certificate);
    const keyPath = resolve(config.tls.private_key);
    if (!existsSync(certPath)) f.push({ level: config.listener.some((l) => l.tls !== 'none') ? 'error' : 'warning', text: `tls.certificate: ${certPath} does not exist` });
    else {
      try {
        const cert = new X509Certificate(readFileSync(certPath));
        const days = Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
        if (days < 0) f.push({ level: 'error', text: `tls.certificate: expired on ${cert.validTo}` });
        else if (days < 14) f.push({ level: 'warning', text: `tls.certificate: expires in ${days} days (${cert.validTo})` });
        else f.push({ level: 'ok', text: `certificate valid for ${days} more days` });
        if (!cert.checkHost(config.hostname)) f.push({ level: 'warning', text: `tls.certificate: not valid for hostname ${config.hostname} (${cert.subjectAltName ?? cert.subject})` });
        if (cert.issuer === cert.subject) f.push({ level: 'warning', text: 'tls.certificate: self-signed; other servers and clients will not trust it (configure ACME or your own certificate)' });
      } catch (err) {
        f.push({ level: 'error', text: `tls.certificate: ${certPath} is not a PEM certificate (${(err as Error).message})` });
      }
    }
    if (existsSync(keyPath) && (statSync(keyPath).mode & 0o077) !== 0) f.push({ level: 'warning', text: `tls.private_key: ${keyPath} is readable by group or others (chmod 600)` });

    for (const n of config.mynetworks) {
      if (/\/0$/.test(n)) f.push({ level: 'error', text: `mynetworks: "${n}" lets the whole Internet relay through this server (open relay)` });
    }
    config.listener.forEach((l, i) => {
      if (l.allow_plaintext_auth && l.tls !== 'implicit' && !/^(127\.|\[::1\])/.test(l.address)) {
        f.push({ level: 'warning', text: `listener[${i}].allow_plaintext_auth: passwords may cross the network unencrypted on ${l.address}` });
      }
    });

    if (!existsSync(join(dir, databaseFile))) f.push({ level: 'error', text: `${join(dir, databaseFile)} does not exist (run postern init)` });
    else {
      await withContext(dir, async (ctx) => {
        const domains = await ctx.store.listDomains();
        const users = await ctx.store.listAccounts();
        f.push({ level: 'ok', text: `database schema version ${latestVersion}; ${domains.length} domain(s), ${users.length} account(s)` });
        if (domains.length === 0) f.push({ level: 'warning', text: 'no local domains: add one with `postern domain add`' });
      });
      const db = new DatabaseSync(join(dir, databaseFile), { readOnly: true });
      try {
        const r = db.prepare('PRAGMA quick_check').get() as { quick_check: string };
        if (r.quick_check !== 'ok') f.push({ level: 'error', text: `database integrity check failed: ${r.quick_check}` });
      } finally {
        db.close();
      }
    }

    for (const x of f) io.stdout.write(`${x.level === 'ok' ? 'ok     ' : x.level === 'warning' ? 'warning' : 'ERROR  '} ${x.text}\n`);
    const errors = f.filter((x) => x.level === 'error').length;
    const warnings = f.filter((x) => x.level === 'warning').length;
    io.stdout.write(`${errors} error(s), ${warnings} warning(s)\n`);
    return errors > 0 ? exit.failure : exit.ok;
  },
};
