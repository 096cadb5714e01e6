// The selected mailbox as one session sees it (RFC 9051 §2.3.1.2): the sequence-number → UID map,
// the MODSEQ the client has been told about, and the changes other sessions made that are still
// to be announced. Sequence numbers change only in sync(), which the session calls where the RFC
// allows untagged EXPUNGE (RFC 9051 §7.5.1: not during FETCH, STORE or SEARCH), so they never
// shift under a client mid-command.
import type { Mailbox, Store } from '../store/index.ts';
import { formatSequenceSet, inSequenceSet, type SequenceSet } from './args.ts';
import { ImapNo } from './errors.ts';
import type { ImapSession } from './session.ts';
import { formatFlags, systemFlagNames } from './flags.ts';
import { UidList } from './uid-list.ts';

export class MailboxView {
  mailbox: Mailbox;
  readonly readOnly: boolean;
  /** uids.at(seq - 1) is the UID of sequence number seq. */
  readonly uids: UidList;
  /** The MODSEQ up to which changes have been announced. */
  modseq: number;
  // Every IDLE session holds a view, and these sets are mostly empty: each is allocated when
  // first used (the getters), and read through its field here so reading allocates nothing.
  /** UIDs expunged by others but not yet announced (their sequence numbers still stand). */
  private pendingExpunge: Set<number> | undefined;
  private ownModseqSet: Set<number> | undefined;
  private keywordSet: Set<string> | undefined;
  private recentSet: Set<number> | undefined;
  /** RFC 5182 SEARCHRES: the UIDs saved by the last SEARCH … RETURN (SAVE). */
  saved: number[] = [];

  /** MODSEQs of this session's own STOREs, already answered by the STORE itself. */
  get ownModseqs(): Set<number> {
    return (this.ownModseqSet ??= new Set());
  }

  /** Keywords announced in the FLAGS response (RFC 9051 §7.3.5: every keyword in use is listed). */
  get keywords(): Set<string> {
    return (this.keywordSet ??= new Set());
  }

  /** UIDs that are \Recent in this session (RFC 3501 §2.3.2). */
  get recent(): Set<number> {
    return (this.recentSet ??= new Set());
  }

  /** How many messages are \Recent in this session (the RECENT response). */
  get recentCount(): number {
    return this.recentSet?.size ?? 0;
  }

  constructor(mailbox: Mailbox, uids: readonly number[], readOnly: boolean) {
    this.mailbox = mailbox;
    this.uids = new UidList(uids);
    this.readOnly = readOnly;
    this.modseq = mailbox.highestModseq;
  }

  /** Claims \Recent for new UIDs nobody has seen yet (read-only sessions never claim). */
  /** Claims are per mailbox incarnation: a re-created mailbox may reuse the row id. */
  static claimKey(mailboxId: number, uidValidity: number): string {
    return `${mailboxId}:${uidValidity}`;
  }

  claimRecent(claims: Map<string, number>, uids: Iterable<number>): void {
    const key = MailboxView.claimKey(this.mailbox.id, this.mailbox.uidValidity);
    const mark = claims.get(key) ?? 0;
    let top = mark;
    for (const u of uids) {
      if (u > mark) {
        this.recent.add(u);
        if (u > top) top = u;
      }
    }
    // A read-only session sees \Recent without taking it from the next read-write one.
    if (top > mark && !this.readOnly) claims.set(key, top);
  }

  /** Flags as this session shows them: \Recent added for IMAP4rev1 sessions. */
  flagsOf(uid: number, flags: readonly string[], rev2: boolean): readonly string[] {
    return !rev2 && this.recentSet?.has(uid) ? [...flags, '\\Recent'] : flags;
  }

  /** The FLAGS / PERMANENTFLAGS lines for the current keyword set. */
  flagsLines(): string[] {
    const all = [...systemFlagNames, ...(this.keywordSet ?? [])];
    return [`FLAGS ${formatFlags(all)}`, `OK [PERMANENTFLAGS ${this.readOnly ? '()' : formatFlags([...all, '\\*'])}] Flags permitted`];
  }

  /** Sends FLAGS again when these flags hold a keyword the client has not been told of. */
  announceKeywords(s: ImapSession, flags: readonly string[]): void {
    let fresh = false;
    for (const f of flags) {
      if (f.startsWith('\\') || this.keywordSet?.has(f)) continue;
      this.keywords.add(f);
      fresh = true;
    }
    if (fresh) for (const l of this.flagsLines()) s.untagged(l);
  }

  get exists(): number {
    return this.uids.length;
  }

  seqOf(uid: number): number {
    return this.uids.indexOf(uid) + 1;
  }

  /** Resolves a sequence set (by sequence number or UID) to the UIDs it names, ascending. */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    if (set.kind === 'saved') {
      const live = new Set(this.uids.toArray());
      return this.saved.filter((u) => live.has(u));
    }
    const n = this.uids.length;
    if (byUid) {
      // RFC 9051 §6.4.8: "*" is the largest UID in use; a range is valid even if no UID falls in it.
      const star = this.uids.last;
      const out: number[] = [];
      if (set.ranges.length === 1) {
        const r = set.ranges[0]!;
        let lo = r.from === Infinity ? star : r.from;
        let hi = r.to === Infinity ? star : r.to;
        if (lo > hi) [lo, hi] = [hi, lo];
        for (const u of this.uids) if (u >= lo && u <= hi) out.push(u);
        return out;
      }
      for (const u of this.uids) if (inSequenceSet(set.ranges, u, star)) out.push(u);
      return out;
    }
    const out: number[] = [];
    for (const r of set.ranges) {
      const from = r.from === Infinity ? n : r.from;
      const to = r.to === Infinity ? n : r.to;
      // RFC 9051 §6.4.5: a sequence number beyond the mailbox is an error.
      if (Math.max(from, to) > n || n === 0) throw new ImapNo('Invalid message sequence number', undefined, 'BAD');
    }
    for (let i = 1; i <= n; i++) if (inSequenceSet(set.ranges, i, n)) out.push(this.uids.at(i - 1));
    return out;
  }

  /**
   * Announces what changed since the last sync: new messages (EXISTS), flag changes (FETCH) and,
   * when allowed, expunges (EXPUNGE, or VANISHED under QRESYNC).
   */
  async sync(s: ImapSession, store: Store, opts: { expunge: boolean }): Promise<void> {
    const ch = await store.changesSince(this.mailbox.id, this.modseq);
    for (const u of ch.expunged) if (this.seqOf(u) > 0) (this.pendingExpunge ??= new Set()).add(u);
    if (opts.expunge && this.pendingExpunge && this.pendingExpunge.size > 0) {
      const gone = [...this.pendingExpunge].sort((a, b) => a - b);
      if (s.qresync) {
        // RFC 7162 §3.2.10: VANISHED replaces EXPUNGE once QRESYNC is enabled.
        s.untagged(`VANISHED ${formatSequenceSet(gone)}`);
        const set = this.pendingExpunge;
        this.uids.removeAll(set);
        for (const u of set) this.recentSet?.delete(u);
      } else {
        // Highest sequence number first, so each number is valid when it is sent.
        for (let i = gone.length - 1; i >= 0; i--) {
          const seq = this.seqOf(gone[i]!);
          if (seq === 0) continue;
          this.uids.removeAt(seq - 1);
          this.recentSet?.delete(gone[i]!);
          s.untagged(`${seq} EXPUNGE`);
        }
      }
      this.pendingExpunge = undefined;
    }
    const last = this.uids.last;
    let added = false;
    const fresh: number[] = [];
    const flagLines: string[] = [];
    for (const c of ch.changed) {
      if (c.uid > last) {
        this.announceKeywords(s, c.flags);
        this.uids.push(c.uid);
        fresh.push(c.uid);
        added = true;
        continue;
      }
      if (this.ownModseqSet?.has(c.modseq)) continue;
      const seq = this.seqOf(c.uid);
      if (seq === 0 || this.pendingExpunge?.has(c.uid)) continue;
      this.announceKeywords(s, c.flags);
      const parts = [`FLAGS ${formatFlags(this.flagsOf(c.uid, c.flags, s.isImap4rev2))}`];
      if (s.anyEnabled || s.qresync) parts.push(`UID ${c.uid}`);
      if (s.condstore) parts.push(`MODSEQ (${c.modseq})`);
      flagLines.push(`${seq} FETCH (${parts.join(' ')})`);
    }
    if (added) {
      s.untagged(`${this.uids.length} EXISTS`);
      this.claimRecent(s.recentClaims, fresh);
      // RFC 3501 §7.3.2: RECENT accompanies EXISTS for IMAP4rev1 sessions.
      if (!s.isImap4rev2) s.untagged(`${this.recentCount} RECENT`);
    }
    for (const l of flagLines) s.untagged(l);
    // Expunges held back stay in pendingExpunge, so the MODSEQ may advance past them.
    this.modseq = ch.highestModseq;
    this.ownModseqSet = undefined;
  }
}
