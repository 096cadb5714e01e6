// The Store contract: the same suite runs against every backend (CONVENTIONS.md §6). A backend's
// test file calls storeContract() with a factory for a fresh, empty store.
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import type { BlobRef, MailboxChange, Store } from '../../src/store/index.ts';

export interface StoreFactory {
  /** A new empty store. */
  create(): Promise<Store>;
  /** Closes and reopens the same database (persistence checks); omit for in-memory backends. */
  reopen?(store: Store): Promise<Store>;
}

const fakeBlob = (): BlobRef => {
  const bytes = randomBytes(32);
  return { hash: createHash('sha256').update(bytes).digest('hex'), size: 1000 + bytes[0]! };
};

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    test('domains: add, get, list, remove; names are case-insensitive and unique', async () => {
      const s = await factory.create();
      await s.addDomain('Example.TEST');
      assert.equal((await s.getDomain('example.test'))?.name, 'example.test');
      await assert.rejects(s.addDomain('example.test'), /already exists/);
      await s.addDomain('b.test');
      assert.deepEqual((await s.listDomains()).map((d) => d.name), ['b.test', 'example.test']);
      assert.equal(await s.removeDomain('b.test'), true);
      assert.equal(await s.removeDomain('b.test'), false);
      await s.close();
    });

    test('accounts: need a local domain, are found case-insensitively, keep credentials', async () => {
      const s = await factory.create();
      await assert.rejects(s.addAccount({ address: 'a@nowhere.test', passwordHash: 'x' }), /not a local domain/);
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'Alice@Example.Test', passwordHash: '$argon2id$x', credentials: { scram: { i: 4096 } }, quotaBytes: 5000 });
      assert.equal(a.address, 'Alice@example.test');
      assert.equal((await s.getAccount('alice@EXAMPLE.test'))?.id, a.id);
      assert.deepEqual((await s.getAccountById(a.id))?.credentials, { scram: { i: 4096 } });
      assert.equal(a.quotaBytes, 5000);
      await assert.rejects(s.addAccount({ address: 'alice@example.test', passwordHash: null }), /already exists/);
      assert.equal(await s.setPassword('alice@example.test', 'new-hash'), true);
      assert.equal((await s.getAccount('alice@example.test'))?.passwordHash, 'new-hash');
      assert.equal(await s.setPassword('nobody@example.test', 'x'), false);
      await assert.rejects(s.removeDomain('example.test'), /still has 1 account/);
      assert.deepEqual((await s.listAccounts('example.test')).map((x) => x.id), [a.id]);
      assert.equal(await s.removeAccount('alice@example.test'), true);
      assert.equal(await s.getAccount('alice@example.test'), undefined);
      await s.close();
    });

    test('aliases: several targets, catch-all, no shadowing of accounts, removal of one target', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      await s.addAccount({ address: 'bob@example.test', passwordHash: null });
      await assert.rejects(s.addAlias('bob@example.test', ['x@y.test']), /is an account/);
      await s.addAlias('team@example.test', ['bob@example.test', 'ext@remote.test']);
      await s.addAlias('@example.test', ['bob@example.test']);
      assert.deepEqual((await s.getAlias('TEAM@example.test'))?.targets, ['bob@example.test', 'ext@remote.test']);
      assert.deepEqual((await s.listAliases()).map((a) => a.address), ['@example.test', 'team@example.test']);
      assert.equal(await s.removeAlias('team@example.test', 'ext@remote.test'), true);
      assert.deepEqual((await s.getAlias('team@example.test'))?.targets, ['bob@example.test']);
      assert.equal(await s.removeAlias('team@example.test'), true);
      assert.equal(await s.getAlias('team@example.test'), undefined);
      await s.close();
    });

    test('mailboxes: INBOX is case-insensitive, UIDVALIDITY never repeats, rename moves children', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'u@example.test', passwordHash: null });
      const inbox = await s.createMailbox(a.id, 'inbox');
      assert.equal(inbox.name, 'INBOX');
      assert.equal(inbox.uidNext, 1);
      const p = await s.createMailbox(a.id, 'Projects', { specialUse: null });
      await s.createMailbox(a.id, 'Projects/2026');
      await assert.rejects(s.createMailbox(a.id, 'Projects'), /already exists/);
      const validities = new Set((await s.listMailboxes(a.id)).map((m) => m.uidValidity));
      assert.equal(validities.size, 3);
      await s.renameMailbox(a.id, 'Projects', 'Work');
      assert.deepEqual((await s.listMailboxes(a.id)).map((m) => m.name), ['INBOX', 'Work', 'Work/2026']);
      assert.equal((await s.getMailbox(a.id, 'Work'))?.id, p.id);
      await s.setSubscribed(a.id, 'Work', false);
      assert.equal((await s.getMailbox(a.id, 'Work'))?.subscribed, false);
      await s.deleteMailbox(a.id, 'Work/2026');
      assert.equal(await s.getMailbox(a.id, 'Work/2026'), undefined);
      await s.close();
    });

    test('subscriptions are names: they may not exist, and survive DELETE and RENAME (RFC 9051 §6.3.9)', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'u@example.test', passwordHash: null });
      const b = await s.addAccount({ address: 'v@example.test', passwordHash: null });
      await s.createMailbox(a.id, 'INBOX');
      await s.createMailbox(a.id, 'Quiet', { subscribed: false });
      await s.createMailbox(a.id, 'Old', { subscribed: false });
      assert.deepEqual(await s.listSubscriptions(a.id), ['INBOX']);
      await s.setSubscribed(a.id, 'Old', true);
      await s.setSubscribed(a.id, 'Gone/Never', true);
      await s.setSubscribed(a.id, 'inbox', true);
      assert.deepEqual(await s.listSubscriptions(a.id), ['Gone/Never', 'INBOX', 'Old']);
      assert.equal((await s.getMailbox(a.id, 'Old'))?.subscribed, true);
      assert.equal((await s.getMailbox(a.id, 'Quiet'))?.subscribed, false);
      // RENAME leaves the subscription on the old name, as Dovecot does.
      await s.renameMailbox(a.id, 'Old', 'New');
      assert.equal((await s.getMailbox(a.id, 'New'))?.subscribed, false);
      assert.deepEqual(await s.listSubscriptions(a.id), ['Gone/Never', 'INBOX', 'Old']);
      // DELETE keeps it too; re-creating the mailbox finds it subscribed.
      await s.setSubscribed(a.id, 'New', true);
      await s.deleteMailbox(a.id, 'New');
      assert.deepEqual(await s.listSubscriptions(a.id), ['Gone/Never', 'INBOX', 'New', 'Old']);
      assert.equal((await s.createMailbox(a.id, 'New', { subscribed: false })).subscribed, true);
      await s.setSubscribed(a.id, 'Gone/Never', false);
      await s.setSubscribed(a.id, 'Not/There', false);
      assert.deepEqual(await s.listSubscriptions(a.id), ['INBOX', 'New', 'Old']);
      // Per account.
      assert.deepEqual(await s.listSubscriptions(b.id), []);
      await s.close();
    });

    test('messages: UIDs and MODSEQs grow, flags round-trip, sizes include the prefix', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'u@example.test', passwordHash: null });
      const mb = await s.createMailbox(a.id, 'INBOX');
      const blob = fakeBlob();
      const d1 = await s.appendMessage(mb.id, { blob, flags: ['\\Seen', '$Forwarded', '\\flagged'], internalDate: new Date('2026-01-02T03:04:05Z') });
      const d2 = await s.appendMessage(mb.id, { blob, prefix: Buffer.from('Delivered-To: u@example.test\r\n') });
      assert.equal(d1.uid, 1);
      assert.equal(d2.uid, 2);
      assert.ok(d2.modseq > d1.modseq);
      const m1 = await s.getMessage(mb.id, 1);
      assert.deepEqual(m1?.flags, ['\\Seen', '\\Flagged', '$Forwarded']);
      assert.equal(m1?.internalDate.toISOString(), '2026-01-02T03:04:05.000Z');
      assert.equal(m1?.size, blob.size);
      const m2 = await s.getMessage(mb.id, 2);
      assert.equal(m2?.size, blob.size + 30);
      assert.equal(Buffer.from(m2!.prefix).toString(), 'Delivered-To: u@example.test\r\n');
      const box = await s.getMailboxById(mb.id);
      assert.equal(box?.uidNext, 3);
      assert.equal(box?.messageCount, 2);
      assert.equal(box?.highestModseq, d2.modseq);
      assert.equal((await s.getAccountById(a.id))?.usedBytes, 2 * blob.size + 30);
      assert.deepEqual((await s.listMessages(mb.id, { fromUid: 2 })).map((m) => m.uid), [2]);
      await s.close();
    });

    test('deliver: one blob to several accounts in one transaction, all or nothing', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'a@example.test', passwordHash: null });
      const b = await s.addAccount({ address: 'b@example.test', passwordHash: null });
      await s.createMailbox(a.id, 'INBOX');
      const blob = fakeBlob();
      const out = await s.deliver(blob, [{ accountId: a.id, mailbox: 'INBOX' }, { accountId: b.id, mailbox: 'INBOX', flags: ['\\Seen'] }]);
      assert.equal(out.length, 2);
      assert.deepEqual(out.map((d) => d.uid), [1, 1]);
      const bInbox = await s.getMailbox(b.id, 'INBOX');
      assert.ok(bInbox, 'a missing INBOX is created on delivery');
      assert.equal((await s.getMessage(bInbox.id, 1))?.blobHash, blob.hash);
      // A target that cannot be stored makes the whole delivery fail, with nothing left behind.
      await assert.rejects(s.deliver(fakeBlob(), [{ accountId: a.id, mailbox: 'INBOX' }, { accountId: 999_999, mailbox: 'INBOX' }]));
      assert.equal((await s.getMailbox(a.id, 'INBOX'))?.messageCount, 1);
      await s.close();
    });

    test('watch: sessions of an account hear about appends; unsubscribe stops it', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'a@example.test', passwordHash: null });
      const mb = await s.createMailbox(a.id, 'INBOX');
      const seen: MailboxChange[] = [];
      const off = s.watch(a.id, (c) => seen.push(c));
      await s.appendMessage(mb.id, { blob: fakeBlob() });
      off();
      await s.appendMessage(mb.id, { blob: fakeBlob() });
      assert.deepEqual(seen.map((c) => c.kind), ['append']);
      assert.equal((seen[0] as { uid: number }).uid, 1);
      await s.close();
    });

    test('queue: messages keep sender, DSN parameters and recipients', async () => {
      const s = await factory.create();
      const id = await s.enqueue({
        blob: fakeBlob(), sender: 'a@example.test', envid: 'ENV1', ret: 'HDRS', requireTls: true, receivedFrom: 'client.example [192.0.2.1]',
        recipients: [{ address: 'x@remote.test', notify: ['FAILURE', 'DELAY'], orcpt: 'rfc822;x@remote.test' }, { address: 'y@remote.test', notify: null, orcpt: null }],
      });
      const q = await s.getQueued(id);
      assert.equal(q?.sender, 'a@example.test');
      assert.equal(q?.envid, 'ENV1');
      assert.equal(q?.ret, 'HDRS');
      assert.equal(q?.requireTls, true);
      assert.deepEqual(q?.recipients.map((r) => [r.address, r.notify, r.orcpt, r.status]), [
        ['x@remote.test', ['FAILURE', 'DELAY'], 'rfc822;x@remote.test', 'pending'],
        ['y@remote.test', null, null, 'pending'],
      ]);
      assert.equal((await s.listQueue()).length, 1);
      await s.close();
    });

    test('app passwords: add, find by secret hash, list, touch, remove; gone with the account', async () => {
      const s = await factory.create();
      await s.addDomain('example.test');
      const a = await s.addAccount({ address: 'a@example.test', passwordHash: null });
      const other = await s.addAccount({ address: 'b@example.test', passwordHash: null });
      const p = await s.addAppPassword({ accountId: a.id, name: 'phone', protocols: ['imap', 'submission'], secretHash: 'h1' });
      assert.deepEqual([p.name, p.protocols, p.lastUsedAt], ['phone', ['imap', 'submission'], null]);
      assert.equal((await s.findAppPassword(a.id, 'h1'))?.id, p.id);
      assert.equal(await s.findAppPassword(other.id, 'h1'), undefined, 'scoped to the account');
      await s.touchAppPassword(p.id, new Date(5000));
      assert.equal((await s.listAppPasswords(a.id))[0]?.lastUsedAt?.getTime(), 5000);
      assert.equal(await s.removeAppPassword(other.id, p.id), false);
      assert.equal(await s.removeAppPassword(a.id, p.id), true);
      assert.deepEqual(await s.listAppPasswords(a.id), []);
      await s.addAppPassword({ accountId: a.id, name: 'x', protocols: ['imap'], secretHash: 'h2' });
      await s.removeAccount('a@example.test');
      assert.equal(await s.findAppPassword(a.id, 'h2'), undefined);
      await s.close();
    });

    if (factory.reopen) {
      test('everything survives a close and reopen', async () => {
        let s = await factory.create();
        await s.addDomain('example.test');
        const a = await s.addAccount({ address: 'a@example.test', passwordHash: 'h' });
        const mb = await s.createMailbox(a.id, 'INBOX');
        await s.appendMessage(mb.id, { blob: fakeBlob(), flags: ['\\Seen'] });
        s = await factory.reopen!(s);
        const again = await s.getMailbox(a.id, 'INBOX');
        assert.equal(again?.uidValidity, mb.uidValidity);
        assert.equal(again?.uidNext, 2);
        assert.deepEqual((await s.getMessage(mb.id, 1))?.flags, ['\\Seen']);
        await s.close();
      });
    }
  });
}
