// One server per data directory: `postern start` holds DATA/postern.pid, created exclusively. A
// second server refuses to start instead of emptying the first one's spool or competing for the
// queue. A lock left by a process that is gone is taken over. CLI commands take no lock (SQLite in
// WAL mode lets them work beside the running server).
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors/index.ts';

export const lockFile = 'postern.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, lockFile);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new UserError('locked', `another Postern (pid ${pid}) is running on ${dataDir}; stop it first (lock file ${path})`);
      }
      if (pid === process.pid) throw new UserError('locked', `this process already runs a server on ${dataDir}`);
      unlinkSync(path); // stale: its process is gone
    }
  }
  throw new UserError('locked', `cannot take the lock ${path}`);
}
