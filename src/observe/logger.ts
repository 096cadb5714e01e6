// Structured JSON logs (CONVENTIONS.md §10): one line per event, a stable event name, typed fields.
// Secrets are redacted here, by field name, so no caller has to remember to.
import { format } from 'node:util';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
const levelRank: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50 };
export const logLevels = Object.keys(levelRank) as LogLevel[];

export type LogFields = Record<string, unknown>;

/** Field names whose values never reach a log line (compared case-insensitively, anywhere in the key). */
const secretKeyPattern = /pass(word)?|secret|token|credential|auth_?data|private_?key|response|^body$|^message$/i;
export const REDACTED = '[redacted]';

export interface LogSink {
  write(line: string): void;
}

export interface Logger {
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  trace(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose lines all carry `fields` (e.g. the session id). */
  child(fields: LogFields): Logger;
}

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[…]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = secretKeyPattern.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

class JsonLogger implements Logger {
  readonly level: LogLevel;
  private readonly sink: LogSink;
  private readonly bound: LogFields;
  private readonly now: () => Date;
  constructor(level: LogLevel, sink: LogSink, bound: LogFields, now: () => Date) {
    this.level = level;
    this.sink = sink;
    this.bound = bound;
    this.now = now;
  }
  isEnabled(level: LogLevel): boolean {
    return levelRank[level] >= levelRank[this.level];
  }
  private emit(level: LogLevel, event: string, fields?: LogFields): void {
    if (!this.isEnabled(level)) return;
    const rec = redact({ ...this.bound, ...fields }, 0) as LogFields;
    let line: string;
    try {
      line = JSON.stringify({ time: this.now().toISOString(), level, event, ...rec });
    } catch (err) {
      line = JSON.stringify({ time: this.now().toISOString(), level, event, unserializable: format(err) });
    }
    this.sink.write(line + '\n');
  }
  trace(event: string, fields?: LogFields): void { this.emit('trace', event, fields); }
  debug(event: string, fields?: LogFields): void { this.emit('debug', event, fields); }
  info(event: string, fields?: LogFields): void { this.emit('info', event, fields); }
  warn(event: string, fields?: LogFields): void { this.emit('warn', event, fields); }
  error(event: string, fields?: LogFields): void { this.emit('error', event, fields); }
  child(fields: LogFields): Logger {
    return new JsonLogger(this.level, this.sink, { ...this.bound, ...fields }, this.now);
  }
}

export function createLogger(opts: { level?: LogLevel; sink?: LogSink; now?: () => Date } = {}): Logger {
  return new JsonLogger(opts.level ?? 'info', opts.sink ?? process.stderr, {}, opts.now ?? (() => new Date()));
}

/** A logger that keeps its lines in memory, for tests. */
export function createMemoryLogger(level: LogLevel = 'trace'): Logger & { lines: LogFields[] } {
  const lines: LogFields[] = [];
  const logger = createLogger({ level, sink: { write: (l) => lines.push(JSON.parse(l) as LogFields) } });
  return Object.assign(logger, { lines });
}

export const silentLogger: Logger = createLogger({ level: 'error', sink: { write: () => {} } });
