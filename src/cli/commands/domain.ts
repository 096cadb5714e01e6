import { isDomainName } from '../../config/index.ts';
import { UserError } from '../../errors/index.ts';
import { dataDir, exit, parse, subcommands, UsageError, withContext } from '../command.ts';

export const domainCommand = subcommands('domain', 'Manage local domains (mail for them is delivered here).', {
  add: {
    usage: 'add DOMAIN [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 1) throw new UsageError('domain add takes one DOMAIN');
      const name = positionals[0]!.toLowerCase();
      if (!isDomainName(name)) throw new UserError('bad-domain', `"${name}" is not a domain name`);
      await withContext(dataDir(values), (ctx) => ctx.store.addDomain(name));
      io.stdout.write(`added domain ${name}\n`);
      return exit.ok;
    },
  },
  list: {
    usage: 'list [--data DIR]',
    async run(argv, io) {
      const { values } = parse(argv, {});
      const domains = await withContext(dataDir(values), (ctx) => ctx.store.listDomains());
      for (const d of domains) io.stdout.write(`${d.name}\n`);
      return exit.ok;
    },
  },
  remove: {
    usage: 'remove DOMAIN [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 1) throw new UsageError('domain remove takes one DOMAIN');
      const ok = await withContext(dataDir(values), (ctx) => ctx.store.removeDomain(positionals[0]!));
      if (!ok) throw new UserError('not-found', `no domain "${positionals[0]}"`);
      io.stdout.write(`removed domain ${positionals[0]!.toLowerCase()}\n`);
      return exit.ok;
    },
  },
});
