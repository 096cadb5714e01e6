import { parseSize } from '../../config/index.ts';
import { UserError } from '../../errors/index.ts';
import { dataDir, exit, parse, subcommands, UsageError, withContext, type CliIo } from '../command.ts';
import { userImport } from './user-import.ts';

async function readNewPassword(io: CliIo): Promise<string> {
  // Passwords come from stdin (or the terminal, without echo), never from argv: argv is visible
  // to every user of the machine in ps(1) and lands in shell history.
  const pw = await io.readSecret('Password: ');
  if (pw.length < 8) throw new UserError('weak-password', 'the password must have at least 8 characters');
  if (pw.length > 1024) throw new UserError('bad-password', 'the password is longer than 1024 characters');
  return pw;
}

const fmtBytes = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export const userCommand = subcommands('user', 'Manage accounts (password read from standard input or the terminal, never from the command line).', {
  add: {
    usage: 'add ADDRESS [--quota SIZE] [--data DIR]   (password on stdin)',
    async run(argv, io) {
      const { values, positionals } = parse(argv, { quota: { type: 'string' } });
      if (positionals.length !== 1) throw new UsageError('user add takes one ADDRESS');
      let quota: number | null = null;
      if (values.quota !== undefined) {
        const q = parseSize(values.quota);
        if (q === undefined) throw new UsageError(`--quota ${JSON.stringify(values.quota)} is not a size (e.g. "2GB")`);
        quota = q;
      }
      const password = await readNewPassword(io);
      const acct = await withContext(dataDir(values), (ctx) => ctx.directory.createUser(positionals[0]!, password, { quotaBytes: quota }));
      io.stdout.write(`added user ${acct.address}\n`);
      return exit.ok;
    },
  },
  list: {
    usage: 'list [DOMAIN] [--data DIR]',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      const accounts = await withContext(dataDir(values), (ctx) => ctx.store.listAccounts(positionals[0]));
      for (const a of accounts) {
        io.stdout.write(`${a.address}\t${fmtBytes(a.usedBytes)}${a.quotaBytes !== null ? ` of ${fmtBytes(a.quotaBytes)}` : ''}${a.disabled ? '\tdisabled' : ''}\n`);
      }
      return exit.ok;
    },
  },
  remove: {
    usage: 'remove ADDRESS [--data DIR]   (deletes the account and its mail)',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 1) throw new UsageError('user remove takes one ADDRESS');
      const ok = await withContext(dataDir(values), (ctx) => ctx.store.removeAccount(positionals[0]!));
      if (!ok) throw new UserError('not-found', `no account "${positionals[0]}"`);
      io.stdout.write(`removed user ${positionals[0]}\n`);
      return exit.ok;
    },
  },
  password: {
    usage: 'password ADDRESS [--data DIR]   (new password on stdin)',
    async run(argv, io) {
      const { values, positionals } = parse(argv, {});
      if (positionals.length !== 1) throw new UsageError('user password takes one ADDRESS');
      const dir = dataDir(values);
      const exists = await withContext(dir, async (ctx) => (await ctx.store.getAccount(positionals[0]!)) !== undefined);
      if (!exists) throw new UserError('not-found', `no account "${positionals[0]}"`);
      const password = await readNewPassword(io);
      await withContext(dir, (ctx) => ctx.directory.setPassword(positionals[0]!, password));
      io.stdout.write(`password of ${positionals[0]} changed\n`);
      return exit.ok;
    },
  },
  import: userImport,
});
