// App passwords: per-device passwords limited to chosen protocols, so the main password need not
// live in every mail client. The server generates them (100 bits from a 32-symbol alphabet, shown
// once) and stores only a SHA-256 of the secret: a fast hash is enough for a secret with that
// much entropy, and it lets a login find the matching record with one indexed lookup instead of
// verifying an argon2 hash per device. Accepted by PLAIN, LOGIN and the protocols' plain logins
// (IMAP LOGIN, POP3 USER/PASS) when the connection's protocol is one of the record's protocols;
// SCRAM, CRAM-MD5 and the other mechanisms use the main credentials only.
import { createHash, randomInt } from 'node:crypto';
import { protocols } from '../config/index.ts';
import { UserError } from '../errors/index.ts';
import type { Account, AppPassword, Store } from '../store/index.ts';

/** Lower-case letters and digits without look-alikes (0/o, 1/l/i). */
const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
const groups = 5;
const groupLength = 4;

/** Protocols an app password can be limited to (listener protocols that authenticate users). */
export const appPasswordProtocols: readonly string[] = protocols.filter((p) => p !== 'http');

export function generateAppPassword(): string {
  const out: string[] = [];
  for (let g = 0; g < groups; g++) {
    let s = '';
    for (let i = 0; i < groupLength; i++) s += alphabet[randomInt(alphabet.length)];
    out.push(s);
  }
  return out.join('-');
}

/** Users may type the secret with or without dashes and spaces, in any case. */
export function normalizeAppPassword(secret: string): string {
  return secret.toLowerCase().replace(/[\s-]/g, '');
}

/** Whether a typed password has the shape of an app password (cheap pre-check). */
export function looksLikeAppPassword(secret: string): boolean {
  const n = normalizeAppPassword(secret);
  return n.length === groups * groupLength && [...n].every((c) => alphabet.includes(c));
}

export function appPasswordHash(secret: string): string {
  return createHash('sha256').update('postern app password\0').update(normalizeAppPassword(secret)).digest('hex');
}

export async function createAppPassword(store: Store, address: string, name: string, protos: string[]): Promise<{ secret: string; record: AppPassword }> {
  const account = await store.getAccount(address);
  if (!account) throw new UserError('not-found', `no account "${address}"`);
  if (!name || name.length > 64 || /[\x00-\x1f]/.test(name)) throw new UserError('bad-name', `app password name ${JSON.stringify(name)} must be 1 to 64 printable characters`);
  if (protos.length === 0) throw new UserError('bad-protocols', 'name at least one protocol');
  for (const p of protos) {
    if (!appPasswordProtocols.includes(p)) throw new UserError('bad-protocols', `"${p}" is not one of ${appPasswordProtocols.join(', ')}`);
  }
  const secret = generateAppPassword();
  const record = await store.addAppPassword({ accountId: account.id, name, protocols: [...new Set(protos)], secretHash: appPasswordHash(secret) });
  return { secret, record };
}

export async function listAppPasswords(store: Store, address: string): Promise<AppPassword[]> {
  const account = await store.getAccount(address);
  if (!account) throw new UserError('not-found', `no account "${address}"`);
  return store.listAppPasswords(account.id);
}

export async function revokeAppPassword(store: Store, address: string, id: number): Promise<boolean> {
  const account = await store.getAccount(address);
  if (!account) throw new UserError('not-found', `no account "${address}"`);
  return store.removeAppPassword(account.id, id);
}

export type AppPasswordCheck = { kind: 'none' } | { kind: 'ok'; record: AppPassword } | { kind: 'wrong-protocol'; record: AppPassword };

/** Looks the typed password up among the account's app passwords. */
export async function checkAppPassword(store: Store, account: Account, secret: string, protocol: string): Promise<AppPasswordCheck> {
  if (!looksLikeAppPassword(secret)) return { kind: 'none' };
  const record = await store.findAppPassword(account.id, appPasswordHash(secret));
  if (!record) return { kind: 'none' };
  return record.protocols.includes(protocol) ? { kind: 'ok', record } : { kind: 'wrong-protocol', record };
}
