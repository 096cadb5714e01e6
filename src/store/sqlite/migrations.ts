// Versioned forward migrations of the embedded database (CONVENTIONS.md §6). A migration is never
// edited once released: add a new one. Each runs in its own transaction with the version bump.

export interface Migration { version: number; name: string; sql: string }

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'directory: domains, accounts, aliases',
    sql: `
      CREATE TABLE domains (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL UNIQUE COLLATE NOCASE,
        domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE RESTRICT,
        password_hash TEXT,
        credentials TEXT NOT NULL DEFAULT '{}',
        quota_bytes INTEGER,
        used_bytes INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX accounts_domain ON accounts(domain_id);
      CREATE TABLE aliases (
        address TEXT NOT NULL COLLATE NOCASE,
        target TEXT NOT NULL COLLATE NOCASE,
        domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE RESTRICT,
        PRIMARY KEY (address, target)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'mail: mailboxes, blobs, messages, expunge tombstones',
    sql: `
      CREATE TABLE mailboxes (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uidnext INTEGER NOT NULL DEFAULT 1,
        highestmodseq INTEGER NOT NULL DEFAULT 1,
        special_use TEXT,
        subscribed INTEGER NOT NULL DEFAULT 1,
        message_count INTEGER NOT NULL DEFAULT 0,
        total_bytes INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, name)
      );
      CREATE TABLE blobs (
        hash TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        refcount INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
        uid INTEGER NOT NULL,
        modseq INTEGER NOT NULL,
        blob_hash TEXT NOT NULL REFERENCES blobs(hash),
        prefix BLOB,
        size INTEGER NOT NULL,
        internal_date INTEGER NOT NULL,
        system_flags INTEGER NOT NULL DEFAULT 0,
        keywords TEXT NOT NULL DEFAULT '[]',
        structure TEXT,
        UNIQUE (mailbox_id, uid)
      );
      CREATE INDEX messages_modseq ON messages(mailbox_id, modseq);
      CREATE TABLE expunged (
        mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
        uid INTEGER NOT NULL,
        modseq INTEGER NOT NULL,
        PRIMARY KEY (mailbox_id, uid)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'queue: outbound messages and their recipients',
    sql: `
      CREATE TABLE queue (
        id INTEGER PRIMARY KEY,
        blob_hash TEXT NOT NULL REFERENCES blobs(hash),
        prefix BLOB,
        sender TEXT NOT NULL,
        envid TEXT,
        ret TEXT,
        require_tls INTEGER NOT NULL DEFAULT 0,
        received_from TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        next_attempt_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until INTEGER
      );
      CREATE INDEX queue_due ON queue(next_attempt_at);
      CREATE TABLE queue_recipients (
        id INTEGER PRIMARY KEY,
        queue_id INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        notify TEXT,
        orcpt TEXT,
        status TEXT NOT NULL DEFAULT 'pending',
        last_error TEXT
      );
      CREATE INDEX queue_recipients_queue ON queue_recipients(queue_id);
    `,
  },
  {
    version: 4,
    name: 'auth: app passwords (per-device passwords limited to protocols)',
    sql: `
      CREATE TABLE app_passwords (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        protocols TEXT NOT NULL,
        secret_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      );
      CREATE INDEX app_passwords_account ON app_passwords(account_id);
    `,
  },
  {
    version: 5,
    name: 'imap: per-account UIDVALIDITY high-water mark (a re-created mailbox never repeats one)',
    sql: `
      ALTER TABLE accounts ADD COLUMN last_uidvalidity INTEGER NOT NULL DEFAULT 0;
      UPDATE accounts SET last_uidvalidity = COALESCE((SELECT MAX(uidvalidity) FROM mailboxes WHERE account_id = accounts.id), 0);
    `,
  },
  {
    version: 6,
    name: 'imap: subscriptions by name, also to mailboxes that do not exist (RFC 9051 §6.3.9); mailboxes.subscribed is no longer read',
    sql: `
      CREATE TABLE subscriptions (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        PRIMARY KEY (account_id, name)
      ) WITHOUT ROWID;
      INSERT INTO subscriptions (account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed <> 0;
    `,
  },
];

export const latestVersion = migrations[migrations.length - 1]!.version;
