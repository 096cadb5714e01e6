// SMTP: server sessions (RFC 5321 and extensions), the byte-level parsers, reply codes.
export { createSmtpHandler, refusalLine } from './server.ts';
export { SmtpReader } from './reader.ts';
export type { ReaderEvent } from './reader.ts';
export { DotDecoder } from './dot-decoder.ts';
export { parsePath } from './address.ts';
export type { Mailbox, PathResult, PathRole } from './address.ts';
export { parseMailParams, parseRcptParams, isXtext, decodeXtext } from './params.ts';
export type { MailParams, RcptParams } from './params.ts';
export { formatReply, reply } from './reply.ts';
export type { Reply } from './reply.ts';
