// RFC 8555 §8.3: the HTTP-01 responder. GET /.well-known/acme-challenge/{token} answers the key
// authorisation of a pending challenge as text; anything else is 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AcmeChallenges } from '../challenges.ts';

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';

export function serveAcmeHttpChallenge(req: IncomingMessage, res: ServerResponse, ctx: { tls: { challenges: AcmeChallenges } }): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const token = path.slice(ACME_CHALLENGE_PATH.length);
  // RFC 8555 §8.1: tokens are base64url; nothing else is looked up.
  const body = /^[A-Za-z0-9_-]{1,256}$/.test(token) ? ctx.tls.challenges.httpResponse(token) : undefined;
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 10 });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
