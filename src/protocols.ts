// Which ProtocolHandler serves which listener protocol. Each protocol module adds its line here;
// main.ts starts a listener only for protocols that have a handler.
import { createHttpHandler } from './admin/index.ts';
import { createImapHandler } from './imap/index.ts';
import type { Protocol } from './config/index.ts';
import type { Context } from './context.ts';
import type { ProtocolHandler } from './net/index.ts';
import { createSmtpHandler } from './smtp/index.ts';

export type HandlerFactory = (ctx: Context) => ProtocolHandler;

export const protocolHandlers: Partial<Record<Protocol, HandlerFactory>> = {
  http: createHttpHandler,
  smtp: createSmtpHandler, submission: createSmtpHandler,
  imap: createImapHandler,
};
