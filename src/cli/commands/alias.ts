import { splitAddress } from '../../directory/index.ts';
import { UserError } from '../../errors/index.ts';
import { dataDir, exit, parse, subcommands, UsageError, withContext } from '../command.ts';

function checkAddress(a: string, what: string, allowCatchAll: boolean): void {
  if (allowCatchAll && /^@[^@\s]+$/.test(a)) return;
  if (/\s/.test(a) || !splitAddress(a)) throw new UserError('bad-address', `${what} "${a}" is not an address (user@domain${allowCatchAll ? ' or @domain for a catch-all' : ''})`);
}

export const aliasCommand = subcommands('alias', 'Manage aliases: an address that forwards to one or more local or remote targets; "@domain" is a catch-all.', {
  add: {
    usage: 'add ADDRESS TARGET [TARGET...] [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length < 2) throw new UsageError('alias add takes an ADDRESS and at least one TARGET');
      const [address, ...targets] = positionals as [string, ...string[]];
      checkAddress(address, 'alias', true);
      for (const t of targets) checkAddress(t, 'target', false);
      const alias = await withContext(dataDir(values), (ctx) => ctx.store.addAlias(address, targets));
      io.stdout.write(`${alias.address} -> ${alias.targets.join(', ')}\n`);
      return exit.ok;
    },
  },
  list: {
    usage: 'list [DOMAIN] [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      const aliases = await withContext(dataDir(values), (ctx) => ctx.store.listAliases(positionals[0]));
      for (const a of aliases) io.stdout.write(`${a.address} -> ${a.targets.join(', ')}\n`);
      return exit.ok;
    },
  },
  remove: {
    usage: 'remove ADDRESS [TARGET] [--data DIR]   (one target, or the whole alias)',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length < 1 || positionals.length > 2) throw new UsageError('alias remove takes an ADDRESS and optionally one TARGET');
      const ok = await withContext(dataDir(values), (ctx) => ctx.store.removeAlias(positionals[0]!, positionals[1]));
      if (!ok) throw new UserError('not-found', `no alias "${positionals[0]}"${positionals[1] ? ` to "${positionals[1]}"` : ''}`);
      io.stdout.write(`removed ${positionals[0]}${positionals[1] ? ` -> ${positionals[1]}` : ''}\n`);
      return exit.ok;
    },
  },
});
