// Noticing that certificate files changed: fs.watch on their directories (an atomic rename shows up
// as an event on the directory, not on the old file), debounced so a key and a certificate written
// one after the other cause one reload, plus a slow poll of inode/size/mtime for file systems whose
// change events are unreliable (NFS, some container bind mounts).
import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface FileWatch {
  close(): void;
}

function signature(files: readonly string[]): string {
  return files.map((f) => {
    try {
      const st = statSync(f);
      return `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }).join('|');
}

export function watchFiles(files: readonly string[], onChange: () => void, opts: { debounceMs: number; pollMs: number; fsWatch?: boolean }): FileWatch {
  let debounce: NodeJS.Timeout | undefined;
  let closed = false;
  const trigger = () => {
    if (closed) return;
    clearTimeout(debounce);
    debounce = setTimeout(onChange, opts.debounceMs);
    debounce.unref();
  };
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const set = byDir.get(dirname(f)) ?? new Set<string>();
    set.add(basename(f));
    byDir.set(dirname(f), set);
  }
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of opts.fsWatch === false ? [] : byDir) {
    try {
      const w = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) trigger();
      });
      w.on('error', () => w.close()); // the poll below still notices changes
      watchers.push(w);
    } catch {
      // No inotify (or the directory is gone): the poll is the fallback.
    }
  }
  let last = signature(files);
  const poll = setInterval(() => {
    const now = signature(files);
    if (now !== last) {
      last = now;
      trigger();
    }
  }, opts.pollMs);
  poll.unref();
  return {
    close() {
      closed = true;
      clearTimeout(debounce);
      clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}
