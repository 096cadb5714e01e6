export { createLogger, createMemoryLogger, silentLogger, logLevels, REDACTED } from './logger.ts';
export type { Logger, LogLevel, LogFields, LogSink } from './logger.ts';
export { newSessionId } from './session-id.ts';
