// The HTTP routes served by `http` listeners. Each feature adds its routes here (the admin API,
// the ACME HTTP-01 challenge responder, MTA-STS policy…).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from '../context.ts';
import { ACME_CHALLENGE_PATH, serveAcmeHttpChallenge } from '../tls/index.ts';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact path, or a prefix when it ends with "/". */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> | void;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/health',
    handle: (_req, res, ctx) => json(res, 200, { status: 'ok', hostname: ctx.config.hostname }),
  },
  { method: 'GET', path: ACME_CHALLENGE_PATH, handle: serveAcmeHttpChallenge }, // RFC 8555 §8.3 HTTP-01
];

export { json as sendJson };
