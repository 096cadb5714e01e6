// The shape of one IMAP command (CONVENTIONS.md §4): its name, the states it runs in, a parser of
// its arguments and the code that runs it. The session dispatches through a typed map.
import type { ArgReader } from '../args.ts';
import type { ImapSession, StateKind } from '../session.ts';

export interface Command<P = unknown> {
  /** The command name as the client sends it, "UID FETCH" for UID variants. */
  readonly name: string;
  readonly states: readonly StateKind[];
  /** Reads the arguments after the command name (positioned at the first SP, if any). */
  parse(r: ArgReader, s: ImapSession): P;
  run(s: ImapSession, tag: string, args: P): Promise<void>;
}

export function defineCommand<P>(c: Command<P>): Command<P> {
  return c;
}

export const anyState: readonly StateKind[] = ['not-authenticated', 'authenticated', 'selected'];
export const authenticatedStates: readonly StateKind[] = ['authenticated', 'selected'];
export const selectedState: readonly StateKind[] = ['selected'];
