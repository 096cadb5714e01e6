export type { Connection, ProtocolHandler, RefuseReason } from './types.ts';
export { ListenerSet } from './listeners.ts';
export type { BoundListener, ListenerSetOptions } from './listeners.ts';
export { LineReader } from './line-reader.ts';
export type { LineEvent } from './line-reader.ts';
export { Deadlines } from './deadlines.ts';
export type { Expiring, DeadlinesOptions } from './deadlines.ts';
