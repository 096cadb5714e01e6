import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../observe/index.ts';
import { configFile, openContext, startServer } from '../../server.ts';
import { dataDir, exit, parse, readConfig, UsageError, type Command } from '../command.ts';
import { shapeHeap } from '../heap.ts';
import { initDataDir } from './init.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'Start every configured listener; stop gracefully on SIGTERM or SIGINT; reload certificates on SIGHUP.',
  usage: ['start [--data DIR] [--init-dev]   (--init-dev: create a development setup first if DIR has none)'],
  async run(argv, io) {
    const { values, positionals } = parse(argv, { 'init-dev': { type: 'boolean', default: false } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const dir = dataDir(values);
    if (values['init-dev'] && !existsSync(join(dir, configFile))) {
      await initDataDir({ dir, hostname: 'localhost', domain: 'example.test', dev: true }, io);
    }
    const config = readConfig(dir);
    const log = createLogger({ level: config.log_level });
    // Before the first connection: the young generation's size is decided as it first fills.
    const heap = shapeHeap(config.memory, log);
    const ctx = await openContext(dir, config, { log });
    const server = await startServer(ctx);
    io.stdout.write(`Postern ${config.hostname} is running (data: ${dir})\n`);
    for (const l of server.listeners) {
      const host = l.host.includes(':') ? `[${l.host}]` : l.host;
      io.stdout.write(`  ${l.name.padEnd(12)} ${l.protocol.padEnd(12)} ${`${host}:${l.port}`.padEnd(22)} tls=${l.tls}\n`);
    }
    const skipped = config.listener.filter((c) => !server.listeners.some((b) => b.name === c.name));
    for (const s of skipped) io.stdout.write(`  ${s.name.padEnd(12)} ${s.protocol.padEnd(12)} (not started: protocol not implemented yet)\n`);
    const users = await ctx.store.listAccounts();
    if (users.length === 0) {
      const d = (await ctx.store.listDomains())[0]?.name ?? 'example.test';
      io.stdout.write(`No users yet. Add one:  echo 'a-long-password' | npx postern user add you@${d} --data ${dir}\n`);
    }
    io.stdout.write('Stop with Ctrl-C (SIGINT) or SIGTERM; SIGHUP reloads certificates.\n');
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        ctx.log.info('server.signal', { signal: sig });
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        process.off('SIGHUP', onHup);
        server.stop().then(resolve, (err: unknown) => {
          ctx.log.error('server.stop_failed', { err });
          resolve();
        });
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      // The provider logs tls.reload.ok / tls.reload.failed itself (a failed reload keeps the old certificates).
      const onHup = () => {
        ctx.log.info('server.signal', { signal: 'SIGHUP' });
        ctx.tls.reload();
      };
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
      process.on('SIGHUP', onHup);
    });
    heap.stop();
    io.stdout.write('Postern stopped.\n');
    return exit.ok;
  },
};
