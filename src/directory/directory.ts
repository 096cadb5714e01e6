// Local domains, accounts and aliases: who a recipient address is. Resolution follows aliases
// (to local or remote targets, several levels deep), the catch-all "@domain", plus-addressing
// (user+tag@domain, like Postfix recipient_delimiter) and case-insensitive local parts, and
// collapses duplicates.
import type { Account, Store } from '../store/index.ts';
import { makePasswordRecord, type Argon2Params, type PasswordRecord, type PasswordRecordOptions } from '../sasl/index.ts';
import { UserError } from '../errors/index.ts';

export interface LocalRecipient { accountId: number; address: string; /** plus-address detail, e.g. "tag" */ detail: string | null }

export type Resolution =
  /** The domain is not ours. */
  | { kind: 'not-local' }
  /** The domain is ours but nobody has this address. */
  | { kind: 'unknown' }
  /** Deliver to these accounts and forward to these remote addresses. */
  | { kind: 'deliver'; local: LocalRecipient[]; remote: string[] };

export interface DirectoryOptions {
  /** Plus-addressing separator(s); "" disables it. Default "+". */
  recipientDelimiter?: string;
  /** How many alias hops are followed before giving up (loops are cut too). */
  maxAliasDepth?: number;
  argon2?: Argon2Params;
  /** How passwords are stored (argon2 parameters, SCRAM iterations, CRAM-MD5); see src/sasl/credentials.ts. */
  passwordRecord?: PasswordRecordOptions;
}

/** Mailboxes every new account starts with, with their RFC 6154 special use. */
export const defaultMailboxes: readonly { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Junk', specialUse: '\\Junk' },
  { name: 'Trash', specialUse: '\\Trash' },
  { name: 'Archive', specialUse: '\\Archive' },
];

export function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  return { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

export class Directory {
  private readonly store: Store;
  private readonly delimiter: string;
  private readonly maxDepth: number;
  private readonly recordOptions: PasswordRecordOptions;

  constructor(store: Store, opts: DirectoryOptions = {}) {
    this.store = store;
    this.delimiter = opts.recipientDelimiter ?? '+';
    this.maxDepth = opts.maxAliasDepth ?? 10;
    this.recordOptions = { ...(opts.argon2 ? { argon2: opts.argon2 } : {}), ...opts.passwordRecord };
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    return (await this.store.getDomain(domain)) !== undefined;
  }

  /** Creates an account with an argon2id password hash (and SCRAM keys) and the default mailboxes. */
  async createUser(address: string, password: string | null, opts: { quotaBytes?: number | null } = {}): Promise<Account> {
    this.checkNewAddress(address);
    const rec = password === null ? null : await makePasswordRecord(password, this.recordOptions);
    return this.importUser(address, rec, opts);
  }

  /** Creates an account with an already computed hash (e.g. imported from Dovecot) and the default mailboxes. */
  async importUser(address: string, rec: PasswordRecord | { passwordHash: string | null; credentials?: Record<string, unknown> } | null, opts: { quotaBytes?: number | null } = {}): Promise<Account> {
    this.checkNewAddress(address);
    const acct = await this.store.addAccount({ address, passwordHash: rec?.passwordHash ?? null, credentials: rec?.credentials ?? {}, quotaBytes: opts.quotaBytes ?? null });
    for (const mb of defaultMailboxes) await this.store.createMailbox(acct.id, mb.name, { specialUse: mb.specialUse });
    return acct;
  }

  private checkNewAddress(address: string): void {
    const parts = splitAddress(address);
    if (!parts) throw new UserError('bad-address', `"${address}" is not an address (expected user@domain)`);
    if (this.delimiter && [...this.delimiter].some((c) => parts.local.includes(c))) {
      throw new UserError('bad-address', `"${address}" contains the recipient delimiter "${this.delimiter}"`);
    }
  }

  /** Sets a new password: a new argon2id hash and new SCRAM keys (the old ones stop working). */
  async setPassword(address: string, password: string): Promise<void> {
    const rec = await makePasswordRecord(password, this.recordOptions);
    if (!(await this.store.setPassword(address, rec.passwordHash, rec.credentials))) {
      throw new UserError('no-account', `no account "${address}"`);
    }
  }

  /** Strips the plus-address detail: "user+tag" → ["user", "tag"]. */
  private splitDetail(local: string): [string, string | null] {
    if (!this.delimiter) return [local, null];
    let idx = -1;
    for (const c of this.delimiter) {
      const i = local.indexOf(c);
      if (i > 0 && (idx < 0 || i < idx)) idx = i;
    }
    return idx > 0 ? [local.slice(0, idx), local.slice(idx + 1)] : [local, null];
  }

  /**
   * Who receives mail for `address`. With `catchAll: false` a domain's catch-all is not used
   * (e.g. to ask which accounts really own an address, for sender-login checks).
   */
  async resolve(address: string, opts: { catchAll?: boolean } = {}): Promise<Resolution> {
    const parts = splitAddress(address);
    if (!parts || !(await this.isLocalDomain(parts.domain))) return { kind: 'not-local' };
    const local = new Map<number, LocalRecipient>();
    const remote = new Map<string, string>();
    const found = await this.expand(`${parts.local}@${parts.domain}`, 0, new Set(), local, remote, opts.catchAll ?? true);
    if (!found) return { kind: 'unknown' };
    return { kind: 'deliver', local: [...local.values()], remote: [...remote.values()] };
  }

  /** Returns false when the address matches nothing at all. */
  private async expand(address: string, depth: number, seen: Set<string>, local: Map<number, LocalRecipient>, remote: Map<string, string>, catchAll: boolean): Promise<boolean> {
    const key = address.toLowerCase();
    if (seen.has(key) || depth > this.maxDepth) return true; // a loop or too deep: stop, what was found stands
    seen.add(key);
    const parts = splitAddress(address);
    if (!parts) return false;
    if (!(await this.isLocalDomain(parts.domain))) {
      if (!remote.has(key)) remote.set(key, address);
      return true;
    }
    const [base, detail] = this.splitDetail(parts.local);
    for (const candidate of detail === null ? [parts.local] : [parts.local, base]) {
      const addr = `${candidate}@${parts.domain}`;
      const acct = await this.store.getAccount(addr);
      if (acct) {
        if (!local.has(acct.id)) local.set(acct.id, { accountId: acct.id, address: acct.address, detail: candidate === base ? detail : null });
        return true;
      }
      const alias = await this.store.getAlias(addr);
      if (alias) {
        for (const t of alias.targets) await this.expand(t, depth + 1, seen, local, remote, catchAll);
        return true;
      }
    }
    const catchAllAlias = catchAll ? await this.store.getAlias(`@${parts.domain}`) : undefined;
    if (catchAllAlias) {
      for (const t of catchAllAlias.targets) await this.expand(t, depth + 1, seen, local, remote, catchAll);
      return true;
    }
    return false;
  }
}
