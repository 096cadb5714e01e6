// The shape of a `postern` command and the helpers they share: option parsing with --help and
// --data, exit codes, opening the data directory.
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config/index.ts';
import type { Context } from '../context.ts';
import { silentLogger } from '../observe/index.ts';
import { closeContext, configFile, openContext } from '../server.ts';

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Reads a secret: from the terminal without echo, or the first line of piped stdin. */
  readSecret(prompt: string): Promise<string>;
  /** Reads all of standard input (for imports). */
  readAll(): Promise<string>;
}

export const exit = { ok: 0, failure: 1, usage: 2 } as const;

/** Thrown by commands for wrong usage; printed with the command's usage line, exit 2. */
export class UsageError extends Error {}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines shown by --help, without the leading "postern". */
  usage: string[];
  run(argv: string[], io: CliIo): Promise<number>;
}

export const dataOption = { data: { type: 'string', default: './data' }, help: { type: 'boolean', short: 'h' } } as const;

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...dataOption, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function helpText(cmd: Command): string {
  return `${cmd.summary}\n\nUsage:\n${cmd.usage.map((u) => `  postern ${u}`).join('\n')}\n\nEvery command takes --data DIR (default ./data) and --help.\n`;
}

export function dataDir(values: { data?: string }): string {
  return resolve(values.data ?? './data');
}

export function readConfig(dir: string): Config {
  return loadConfig(join(dir, configFile));
}

/** Runs fn with the data directory's context open (quiet logger), closing it afterwards. */
export async function withContext<T>(dir: string, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await openContext(dir, readConfig(dir), { log: silentLogger });
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

/** Sub-command dispatch for `postern domain add|list|remove …` style commands. */
export function subcommands(name: string, summary: string, subs: Record<string, { usage: string; run(argv: string[], io: CliIo): Promise<number> }>): Command {
  const cmd: Command = {
    name,
    summary,
    usage: Object.values(subs).map((s) => `${name} ${s.usage}`),
    async run(argv, io) {
      const [sub, ...rest] = argv;
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        (sub === undefined ? io.stderr : io.stdout).write(helpText(cmd));
        return sub === undefined ? exit.usage : exit.ok;
      }
      const s = subs[sub];
      if (!s) throw new UsageError(`unknown sub-command "${name} ${sub}"`);
      if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout.write(`Usage: postern ${name} ${s.usage}\n`);
        return exit.ok;
      }
      return s.run(rest, io);
    },
  };
  return cmd;
}
