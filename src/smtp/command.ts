// The shape of one SMTP command (CONVENTIONS.md §4): its verb, the states it runs in, and run().
// The session checks `states` in one place and dispatches through a typed map.
import type { Reply } from './reply.ts';
import type { Session } from './session.ts';
import type { StateKind, StateOf } from './state.ts';

export interface Command<K extends StateKind = StateKind> {
  readonly name: string;
  readonly states: readonly K[];
  /** The reply when the command arrives in another state (default "503 5.5.1 Bad sequence of commands"). */
  outOfSequence?(state: StateKind): Reply;
  /** Counts towards max_junk_commands (NOOP, RSET, VRFY, HELP). */
  readonly junk?: boolean;
  run(session: Session, args: string, state: StateOf<K>): Promise<void>;
}

/** Declares a command with its states; `run` receives the state narrowed to them. */
export function defineCommand<K extends StateKind>(c: Command<K>): Command {
  return c as unknown as Command;
}
