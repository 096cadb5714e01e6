// The few typed errors of the house (CONVENTIONS.md §9). Each carries a stable code; protocol
// sessions map them to replies in one place. Anything else thrown is an internal bug: logged with
// its stack and answered with the protocol's "server error" (451 4.3.0, NO [SERVERBUG]).

/** A client broke the protocol: bad syntax, wrong sequence. Carries the protocol reply text. */
export class ProtocolError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** An operator or user asked for something that cannot be done (CLI, admin API). */
export class UserError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

/** A transient failure (storage busy, DNS timeout): the client should retry later. */
export class TempError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TempError';
    this.code = code;
  }
}

/** A configuration problem; `key` is the dotted path of the offending key, e.g. `listener[2].address`. */
export class ConfigError extends Error {
  readonly key: string;
  readonly file: string | undefined;
  constructor(key: string, message: string, file?: string) {
    super(file ? `${file}: ${key}: ${message}` : `${key}: ${message}`);
    this.name = 'ConfigError';
    this.key = key;
    this.file = file;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
