// `postern`: the command line. Exit codes: 0 success, 1 failure, 2 usage or configuration error.
import { ConfigErrors } from '../config/index.ts';
import { ConfigError, TempError, UserError } from '../errors/index.ts';
import { exit, helpText, UsageError, type CliIo, type Command } from './command.ts';
import { aliasCommand } from './commands/alias.ts';
import { appPasswordCommand } from './commands/app-password.ts';
import { checkCommand } from './commands/check.ts';
import { dnsCommand } from './commands/dns.ts';
import { domainCommand } from './commands/domain.ts';
import { initCommand } from './commands/init.ts';
import { startCommand } from './commands/start.ts';
import { userCommand } from './commands/user.ts';

export const commands: readonly Command[] = [initCommand, startCommand, checkCommand, domainCommand, userCommand, aliasCommand, appPasswordCommand, dnsCommand];

function usage(): string {
  return [
    'postern: a secure, all-in-one mail server',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '',
    'Run `postern COMMAND --help` for a command\'s usage. Every command takes --data DIR (default ./data).',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? exit.usage : exit.ok;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr.write(`postern: unknown command "${name}"\n\n${usage()}`);
    return exit.usage;
  }
  if (cmd.usage.length === 1 && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(helpText(cmd));
    return exit.ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`postern ${name}: ${err.message}\n\n${helpText(cmd)}`);
      return exit.usage;
    }
    if (err instanceof ConfigErrors) {
      io.stderr.write(`postern: ${err.message}\n`);
      return exit.usage;
    }
    if (err instanceof ConfigError) {
      io.stderr.write(`postern: configuration error: ${err.message}\n`);
      return exit.usage;
    }
    if (err instanceof UserError || err instanceof TempError) {
      io.stderr.write(`postern ${name}: ${err.message}\n`);
      return exit.failure;
    }
    io.stderr.write(`postern ${name}: ${(err as Error).message ?? String(err)}\n`);
    return exit.failure;
  }
}

export { exit } from './command.ts';
export type { CliIo, Command } from './command.ts';
export { processIo } from './process-io.ts';
