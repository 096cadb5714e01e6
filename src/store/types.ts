// The one Store interface (CONVENTIONS.md §6): domain operations, not key/value. The embedded
// backend is store/sqlite; a PostgreSQL backend implements the same interface and passes the same
// contract suite (test/contract/). Every method that a protocol acknowledgement depends on resolves
// only after the change is committed durably.

export interface Domain { id: number; name: string; createdAt: Date }

export interface Account {
  id: number;
  /** Canonical address, lower-cased domain; local part as created. */
  address: string;
  domainId: number;
  /** A PHC-style or {SCHEME} hash; null when the account cannot log in with a password. */
  passwordHash: string | null;
  /** Derived secrets kept beside the hash (e.g. SCRAM StoredKey/ServerKey per mechanism), as JSON. */
  credentials: Record<string, unknown>;
  quotaBytes: number | null;
  usedBytes: number;
  disabled: boolean;
  createdAt: Date;
}

/** A per-device password of an account, limited to some protocols (the secret itself is never stored). */
export interface AppPassword {
  id: number;
  accountId: number;
  /** The operator's label, e.g. "phone". */
  name: string;
  /** Listener protocols it is valid for ("imap", "submission", …). */
  protocols: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface Alias { address: string; targets: string[] }

export interface Mailbox {
  id: number;
  accountId: number;
  /** Full name with "/" as the hierarchy delimiter; "INBOX" is always upper case. */
  name: string;
  uidValidity: number;
  uidNext: number;
  highestModseq: number;
  /** RFC 6154 attribute such as "\\Sent", or null. */
  specialUse: string | null;
  subscribed: boolean;
  messageCount: number;
  totalBytes: number;
}

/** System flags are stored as a bitmask; keywords as a list. */
export const systemFlags = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type SystemFlag = (typeof systemFlags)[number];

export interface MessageRecord {
  readonly id: number;
  readonly mailboxId: number;
  readonly uid: number;
  readonly modseq: number;
  readonly blobHash: string;
  /** Bytes prepended to the blob for this copy only (e.g. Delivered-To); empty for most messages. */
  readonly prefix: Uint8Array;
  /** Size of prefix + blob: the RFC822.SIZE. */
  readonly size: number;
  readonly internalDate: Date;
  readonly flags: string[];
  /** The MIME structure recorded at delivery (src/mime), JSON; null when not yet computed. */
  readonly structure: unknown;
}

export interface BlobRef { hash: string; size: number }

export interface NewMessage {
  blob: BlobRef;
  prefix?: Uint8Array;
  flags?: string[];
  internalDate?: Date;
  structure?: unknown;
}

export interface DeliveryTarget { accountId: number; mailbox: string; prefix?: Uint8Array; flags?: string[] }
export interface Delivered { accountId: number; mailboxId: number; uid: number; modseq: number }
/** One message of a group commit (Store.deliverMany). */
export interface DeliveryBatchItem { blob: BlobRef; targets: DeliveryTarget[]; opts?: { internalDate?: Date; structure?: unknown } }

export interface QueueRecipient {
  address: string;
  /** RFC 3461 NOTIFY values, e.g. ["FAILURE","DELAY"] or ["NEVER"]; null when not given. */
  notify: string[] | null;
  /** RFC 3461 ORCPT as "addr-type;xtext", or null. */
  orcpt: string | null;
}

export interface NewQueueMessage {
  blob: BlobRef;
  prefix?: Uint8Array;
  /** Reverse path; "" for the null sender. */
  sender: string;
  recipients: QueueRecipient[];
  envid: string | null;
  ret: 'FULL' | 'HDRS' | null;
  requireTls: boolean;
  /** Who handed it to us, for logs and DSNs. */
  receivedFrom: string;
}

export interface QueuedMessage extends Omit<NewQueueMessage, 'recipients'> {
  id: number;
  createdAt: Date;
  nextAttemptAt: Date;
  attempts: number;
  recipients: (QueueRecipient & { id: number; status: 'pending' | 'delivered' | 'failed'; lastError: string | null })[];
}

/** A change to a mailbox, published to every session watching it (IMAP IDLE and the like). */
export type MailboxChange =
  | { kind: 'append'; mailboxId: number; uid: number; modseq: number }
  | { kind: 'flags'; mailboxId: number; uid: number; modseq: number; flags: string[] }
  | { kind: 'expunge'; mailboxId: number; uid: number; modseq: number }
  | { kind: 'mailbox'; accountId: number; mailboxId: number; what: 'created' | 'deleted' | 'renamed' };

/** Flags and MODSEQ of one message (RFC 7162). */
export interface FlagState { uid: number; modseq: number; flags: string[] }

/** What changed in a mailbox after a MODSEQ (RFC 7162 CONDSTORE/QRESYNC and session resync). */
export interface MailboxChanges {
  highestModseq: number;
  uidNext: number;
  /** Messages whose flags changed or that arrived after the MODSEQ, in UID order. */
  changed: (FlagState & { size: number })[];
  /** UIDs expunged after the MODSEQ (tombstones of the expunged table), ascending. */
  expunged: number[];
}

export type FlagOperation = 'add' | 'remove' | 'replace';

export interface CopyResult { uidValidity: number; srcUids: number[]; dstUids: number[] }

export interface Store {
  // Domains
  addDomain(name: string): Promise<Domain>;
  removeDomain(name: string): Promise<boolean>;
  getDomain(name: string): Promise<Domain | undefined>;
  listDomains(): Promise<Domain[]>;

  // Accounts
  addAccount(a: { address: string; passwordHash: string | null; credentials?: Record<string, unknown>; quotaBytes?: number | null }): Promise<Account>;
  removeAccount(address: string): Promise<boolean>;
  getAccount(address: string): Promise<Account | undefined>;
  getAccountById(id: number): Promise<Account | undefined>;
  listAccounts(domain?: string): Promise<Account[]>;
  setPassword(address: string, passwordHash: string | null, credentials?: Record<string, unknown>): Promise<boolean>;

  // App passwords (src/sasl/app-passwords.ts): secretHash is a SHA-256 of a high-entropy generated secret
  addAppPassword(a: { accountId: number; name: string; protocols: string[]; secretHash: string }): Promise<AppPassword>;
  listAppPasswords(accountId: number): Promise<AppPassword[]>;
  /** The app password of an account with this secret hash, if any. */
  findAppPassword(accountId: number, secretHash: string): Promise<AppPassword | undefined>;
  removeAppPassword(accountId: number, id: number): Promise<boolean>;
  touchAppPassword(id: number, when: Date): Promise<void>;

  // Aliases ("@domain" is the catch-all of domain)
  addAlias(address: string, targets: string[]): Promise<Alias>;
  /** Removes one target, or the whole alias when target is omitted. */
  removeAlias(address: string, target?: string): Promise<boolean>;
  getAlias(address: string): Promise<Alias | undefined>;
  listAliases(domain?: string): Promise<Alias[]>;

  // Mailboxes
  createMailbox(accountId: number, name: string, opts?: { specialUse?: string | null; subscribed?: boolean }): Promise<Mailbox>;
  getMailbox(accountId: number, name: string): Promise<Mailbox | undefined>;
  getMailboxById(id: number): Promise<Mailbox | undefined>;
  listMailboxes(accountId: number): Promise<Mailbox[]>;
  renameMailbox(accountId: number, from: string, to: string): Promise<void>;
  deleteMailbox(accountId: number, name: string): Promise<void>;
  /** Subscribes or unsubscribes a name; the mailbox need not exist, and DELETE/RENAME keep it (RFC 9051 §6.3.9). */
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void>;
  /** The account's subscribed names, existing mailboxes or not, sorted. */
  listSubscriptions(accountId: number): Promise<string[]>;

  // Messages
  /** Appends one message; durable when the promise resolves. */
  appendMessage(mailboxId: number, msg: NewMessage): Promise<Delivered>;
  /** Delivers one blob to several mailboxes atomically (all or none); durable when it resolves. */
  deliver(blob: BlobRef, targets: DeliveryTarget[], opts?: { internalDate?: Date; structure?: unknown }): Promise<Delivered[]>;
  /**
   * Group commit: several deliveries (one per message) in one transaction, so concurrent SMTP
   * sessions share one durable commit; all or none. Results are in the order of `batch`.
   */
  deliverMany(batch: DeliveryBatchItem[]): Promise<Delivered[][]>;
  /** Messages of a mailbox in UID order, optionally from a UID on. */
  listMessages(mailboxId: number, opts?: { fromUid?: number; limit?: number }): Promise<MessageRecord[]>;
  getMessage(mailboxId: number, uid: number): Promise<MessageRecord | undefined>;

  /** UIDs of a mailbox, ascending (the IMAP sequence-number map). */
  listUids(mailboxId: number): Promise<number[]>;
  /** Messages with these UIDs (missing ones are skipped), in UID order. */
  getMessagesByUid(mailboxId: number, uids: readonly number[]): Promise<MessageRecord[]>;
  /** Flag and expunge changes after `modseq` (RFC 7162 §3.1.4.1, §3.2.5.2). */
  changesSince(mailboxId: number, modseq: number): Promise<MailboxChanges>;
  /**
   * Adds, removes or replaces flags on messages; one new MODSEQ for all messages that changed.
   * With unchangedSince (RFC 7162 §3.1.3), messages with a higher MODSEQ are left alone and listed
   * in `modified`. `updated` lists the messages whose flags changed.
   */
  updateFlags(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], opts?: { unchangedSince?: number }): Promise<{ updated: FlagState[]; modified: number[] }>;
  /** Expunges the messages among `uids` (all when omitted) that have \Deleted; leaves tombstones. */
  expungeDeleted(mailboxId: number, uids?: readonly number[]): Promise<number[]>;
  /** Copies messages (sharing blobs) to another mailbox of the same account; new UIDs in order. */
  copyMessages(srcMailboxId: number, uids: readonly number[], dstMailboxId: number): Promise<CopyResult>;
  /** Moves messages atomically (RFC 6851): copy, then expunge from the source. */
  moveMessages(srcMailboxId: number, uids: readonly number[], dstMailboxId: number): Promise<CopyResult>;
  /** Saves a lazily computed MIME structure (src/mime) of a message. */
  saveStructure(messageId: number, structure: unknown): Promise<void>;
  /** Saves several lazily computed MIME structures in one transaction. */
  saveStructures(items: readonly { messageId: number; structure: unknown }[]): Promise<void>;

  // Outbound queue
  enqueue(msg: NewQueueMessage): Promise<number>;
  getQueued(id: number): Promise<QueuedMessage | undefined>;
  listQueue(): Promise<QueuedMessage[]>;

  /** Subscribes to changes of one account's mailboxes; returns the unsubscribe function. */
  watch(accountId: number, listener: (c: MailboxChange) => void): () => void;

  close(): Promise<void>;
}
