export type { Connection, ProtocolHandler, RefuseReason } from './types.ts';
