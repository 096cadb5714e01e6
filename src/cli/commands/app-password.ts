// `postern app-password add|list|revoke`: per-device passwords limited to chosen protocols
// (src/sasl/app-passwords.ts). The secret is shown once, at creation; only its hash is stored.
import { UserError } from '../../errors/index.ts';
import { appPasswordProtocols, createAppPassword, listAppPasswords, revokeAppPassword } from '../../sasl/index.ts';
import { dataDir, exit, parse, subcommands, UsageError, withContext } from '../command.ts';

export const appPasswordCommand = subcommands('app-password', 'Per-device passwords limited to chosen protocols, so the main password need not live in every client.', {
  add: {
    usage: `add ADDRESS NAME --protocols LIST [--data DIR]   (LIST: comma-separated of ${appPasswordProtocols.join(', ')})`,
    async run(argv, io) {
      const { values, positionals } = parse(argv, { protocols: { type: 'string' } });
      if (positionals.length !== 2) throw new UsageError('app-password add takes ADDRESS and NAME');
      if (!values.protocols) throw new UsageError('--protocols is required, e.g. --protocols imap,submission');
      const protos = values.protocols.split(',').map((p) => p.trim()).filter(Boolean);
      const { secret, record } = await withContext(dataDir(values), (ctx) => createAppPassword(ctx.store, positionals[0]!, positionals[1]!, protos));
      io.stdout.write(`app password ${record.id} "${record.name}" for ${positionals[0]} (${record.protocols.join(', ')}):\n\n    ${secret}\n\nIt is shown only now; use it instead of the main password in that client.\n`);
      return exit.ok;
    },
  },
  list: {
    usage: 'list ADDRESS [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 1) throw new UsageError('app-password list takes one ADDRESS');
      const list = await withContext(dataDir(values), (ctx) => listAppPasswords(ctx.store, positionals[0]!));
      for (const a of list) {
        io.stdout.write(`${a.id}\t${a.name}\t${a.protocols.join(',')}\tcreated ${a.createdAt.toISOString()}\t${a.lastUsedAt ? `last used ${a.lastUsedAt.toISOString()}` : 'never used'}\n`);
      }
      return exit.ok;
    },
  },
  revoke: {
    usage: 'revoke ADDRESS ID [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 2 || !/^\d+$/.test(positionals[1]!)) throw new UsageError('app-password revoke takes ADDRESS and a numeric ID (see list)');
      const ok = await withContext(dataDir(values), (ctx) => revokeAppPassword(ctx.store, positionals[0]!, Number(positionals[1])));
      if (!ok) throw new UserError('not-found', `${positionals[0]} has no app password ${positionals[1]}`);
      io.stdout.write(`revoked app password ${positionals[1]} of ${positionals[0]}\n`);
      return exit.ok;
    },
  },
});
