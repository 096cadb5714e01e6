import { isAbsolute, join } from 'node:path';
import { UserError } from '../../errors/index.ts';
import { dnsRecords, formatRecord } from '../../tls/index.ts';
import { dataDir, exit, parse, readConfig, UsageError, type Command } from '../command.ts';

export const dnsCommand: Command = {
  name: 'dns',
  summary: 'Print the DNS records to publish for this server (DANE TLSA for inbound SMTP).',
  usage: ['dns [--data DIR]'],
  async run(argv, io) {
    const { values, positionals } = parse(argv, {});
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const dir = dataDir(values);
    const config = readConfig(dir);
    const resolve = (p: string) => (isAbsolute(p) ? p : join(dir, p));
    const files = [config.tls.certificate, ...config.tls.certificates.map((c) => c.certificate)].map(resolve);
    let records;
    try {
      records = dnsRecords({ hostname: config.hostname, certificateFiles: files });
    } catch (err) {
      throw new UserError('certificate', `cannot read the certificate: ${(err as Error).message}`);
    }
    io.stdout.write(`; DNS records for ${config.hostname} (publish in a DNSSEC-signed zone; DANE needs DNSSEC)\n`);
    for (const r of records) io.stdout.write(`; ${r.comment}\n${formatRecord(r)}\n`);
    return exit.ok;
  },
};
