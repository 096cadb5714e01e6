// The one Context of dependencies (CONVENTIONS.md §11): built by main.ts (or a test) and passed
// down, so there is no global mutable state and a test can run several servers in one process.
import type { Config } from './config/index.ts';
import type { Directory } from './directory/index.ts';
import type { Logger } from './observe/index.ts';
import type { Authenticator } from './sasl/index.ts';
import type { BlobStore, Store } from './store/index.ts';
import type { TlsProvider } from './tls/index.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Context {
  readonly config: Config;
  /** The data directory: postern.toml, postern.db, blobs/, spool/, tls/. */
  readonly dataDir: string;
  readonly log: Logger;
  readonly clock: Clock;
  readonly store: Store;
  readonly blobs: BlobStore;
  readonly directory: Directory;
  readonly tls: TlsProvider;
  readonly auth: Authenticator;
}
