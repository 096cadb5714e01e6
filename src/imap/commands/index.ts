// The command table: the session dispatches through this typed map (CONVENTIONS.md §4).
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close, unselect } from './close.ts';
import { compress } from './compress.ts';
import { copy, move, uidCopy, uidMove } from './copy.ts';
import { create } from './create.ts';
import { del } from './delete.ts';
import { enable } from './enable.ts';
import { expunge, uidExpunge } from './expunge.ts';
import { fetch, uidFetch } from './fetch.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { list, lsub } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { namespace } from './namespace.ts';
import { check, noop } from './noop.ts';
import { getquota, getquotaroot, setquota } from './quota.ts';
import { rename } from './rename.ts';
import { search, uidSearch } from './search.ts';
import { sort, thread, uidSort, uidThread } from './sort.ts';
import { examine, select } from './select.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store, uidStore } from './store.ts';
import { subscribe, unsubscribe } from './subscribe.ts';
import type { Command } from './types.ts';

const all: Command<never>[] = [
  capability, noop, check, logout, starttls, authenticate, login, enable, id, compress, namespace,
  select, examine, create, del, rename, subscribe, unsubscribe, list, lsub, status, append, idle,
  close, unselect, expunge, uidExpunge, search, uidSearch, fetch, uidFetch, store, uidStore,
  copy, uidCopy, move, uidMove, getquota, getquotaroot, setquota, sort, uidSort, thread, uidThread,
] as Command<never>[];

export const commands: ReadonlyMap<string, Command<unknown>> = new Map(all.map((c) => [c.name, c as unknown as Command<unknown>]));
