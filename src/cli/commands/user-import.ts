// `postern user import FILE`: accounts from a Dovecot passwd-file (src/sasl/passwd-file.ts), with
// their password hashes kept as they are; each is rehashed to argon2id at its first login.
import { readFile } from 'node:fs/promises';
import { UserError } from '../../errors/index.ts';
import { parsePasswdFile } from '../../sasl/index.ts';
import { dataDir, exit, parse, UsageError, withContext, type CliIo } from '../command.ts';

export const userImport = {
  usage: 'import FILE [--domain DOMAIN] [--create-domains] [--dry-run] [--data DIR]   (Dovecot passwd-file; "-" reads stdin)',
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parse(argv, {
      domain: { type: 'string' }, 'create-domains': { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError('user import takes one FILE');
    const file = positionals[0]!;
    const text = file === '-' ? await io.readAll() : await readFile(file, 'utf8').catch((err: Error) => {
      throw new UserError('not-found', `cannot read ${file}: ${err.message}`);
    });
    const { entries, problems } = parsePasswdFile(text, values.domain ? { defaultDomain: values.domain } : {});
    let imported = 0;
    await withContext(dataDir(values), async (ctx) => {
      for (const e of entries) {
        const domain = e.address.slice(e.address.lastIndexOf('@') + 1);
        try {
          if (!(await ctx.store.getDomain(domain))) {
            if (!values['create-domains']) throw new UserError('no-domain', `domain "${domain}" is not local (add it, or pass --create-domains)`);
            if (!values['dry-run']) await ctx.store.addDomain(domain);
          }
          if (await ctx.store.getAccount(e.address)) throw new UserError('exists', `account "${e.address}" already exists`);
          if (!values['dry-run']) {
            if (e.cleartext !== null) await ctx.directory.createUser(e.address, e.cleartext, { quotaBytes: e.quotaBytes });
            else await ctx.directory.importUser(e.address, { passwordHash: e.passwordHash }, { quotaBytes: e.quotaBytes });
          }
          imported++;
          if (e.ignoredFields.length > 0) io.stderr.write(`line ${e.line}: ${e.address}: ignored ${e.ignoredFields.join(' ')}\n`);
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          problems.push({ line: e.line, reason: err.message });
        }
      }
    });
    for (const p of problems.sort((a, b) => a.line - b.line)) io.stderr.write(`line ${p.line}: ${p.reason}\n`);
    io.stdout.write(`${values['dry-run'] ? 'would import' : 'imported'} ${imported} account(s), ${problems.length} problem(s)\n`);
    return problems.length > 0 ? exit.failure : exit.ok;
  },
};
