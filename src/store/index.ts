export type * from './types.ts';
export { systemFlags } from './types.ts';
export { BlobStore } from './blobs.ts';
export { lockDataDir, lockFile } from './lock.ts';
export type { DataDirLock } from './lock.ts';
export type { SpoolWriter } from './blobs.ts';
export { SqliteStore, canonicalAddress, flagsToBits, bitsToFlags } from './sqlite/sqlite-store.ts';
export { migrations, latestVersion } from './sqlite/migrations.ts';
