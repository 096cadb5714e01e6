import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore, type Store } from '../../src/store/index.ts';
import { storeContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'postern-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const paths = new WeakMap<Store, string>();

storeContract('sqlite', {
  async create() {
    const path = join(dir, `db${n++}.sqlite`);
    const s = new SqliteStore({ path });
    paths.set(s, path);
    return s;
  },
  async reopen(store) {
    const path = paths.get(store)!;
    await store.close();
    const s = new SqliteStore({ path });
    paths.set(s, path);
    return s;
  },
});

// The same contract with the in-memory mailbox index disabled: every read goes to SQLite.
storeContract('sqlite without the mailbox index', {
  async create() {
    const path = join(dir, `db${n++}.sqlite`);
    const s = new SqliteStore({ path, indexRecords: 0 });
    paths.set(s, path);
    return s;
  },
  async reopen(store) {
    const path = paths.get(store)!;
    await store.close();
    const s = new SqliteStore({ path, indexRecords: 0 });
    paths.set(s, path);
    return s;
  },
});
