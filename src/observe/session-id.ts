import { randomBytes } from 'node:crypto';

/** A short random id that ties together every log line of one connection. */
export function newSessionId(): string {
  return randomBytes(6).toString('base64url');
}
