// RFC 9051 §6.3.12 APPEND with RFC 3502 MULTIAPPEND, RFC 4315 APPENDUID, RFC 3516 literal8,
// RFC 7889 APPENDLIMIT (the literal limit; the framer answers TOOBIG) and RFC 9208 quota.
import { mimeLimitsFromConfig, parseMime, type MimePart } from '../../mime/index.ts';
import type { BlobRef } from '../../store/index.ts';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { SpooledLiteral } from '../literal-spool.ts';
import { convertBinary, hasBinaryParts } from '../binary-append.ts';
import type { ImapSession } from '../session.ts';
import { ParseError } from '../args.ts';
import { ImapNo } from '../errors.ts';
import { canonicalFlag, isStorableFlag } from '../flags.ts';
import { parseDateTime } from '../fetch-items.ts';
import { formatOrderedSet } from '../args.ts';
import { accountOf, readMailboxName, syncSelected } from './common.ts';
import { authenticatedStates, defineCommand } from './types.ts';

/** One message; a large one was streamed to a spool file while it arrived (literal-spool.ts). */
interface AppendMessage { flags: string[]; date: Date | undefined; binary: boolean; data: Buffer | SpooledLiteral }

const sizeOf = (m: AppendMessage): number => (m.data instanceof SpooledLiteral ? m.data.size : m.data.length);

export const append = defineCommand({
  name: 'APPEND',
  states: authenticatedStates,
  parse(r, s) {
    r.sp();
    const mailbox = readMailboxName(r, s);
    const messages: AppendMessage[] = [];
    while (r.eat(' ')) {
      let flags: string[] = [];
      let date: Date | undefined;
      if (r.peekIs('(')) {
        flags = r.list(() => r.flag()).map(canonicalFlag);
        r.sp();
      }
      if (r.peekIs('"')) {
        const text = r.string();
        date = parseDateTime(text);
        if (!date) throw new ParseError(`Invalid date-time "${text}"`);
        r.sp();
      }
      for (const f of flags) if (!isStorableFlag(f)) throw new ParseError(`Flag ${f} cannot be stored`);
      if (r.keyword('UTF8')) {
        // RFC 6855 §4: UTF8 (literal8)
        r.sp();
        r.expect('(');
        const l = r.literal(true);
        r.expect(')');
        messages.push({ flags, date, ...l });
      } else messages.push({ flags, date, ...r.literal(true) });
    }
    if (messages.length === 0) throw new ParseError('APPEND needs a message');
    return { mailbox, messages };
  },
  async run(s, tag, a) {
    const account = accountOf(s);
    const mb = await s.ctx.store.getMailbox(account.id, a.mailbox);
    if (!mb) throw new ImapNo(`Mailbox does not exist: ${a.mailbox}`, 'TRYCREATE');
    for (const m of a.messages) if (sizeOf(m) === 0) throw new ImapNo('Empty message', undefined, 'NO');
    const acct = await s.ctx.store.getAccountById(account.id);
    const total = a.messages.reduce((n, m) => n + sizeOf(m), 0);
    if (acct && acct.quotaBytes !== null && acct.usedBytes + total > acct.quotaBytes) throw new ImapNo('Quota exceeded', 'OVERQUOTA');
    // Every body is made a durable blob first; only then is any message added, so a failure
    // (a spool that could not be written) appends nothing.
    const stored: { blob: BlobRef; structure: MimePart }[] = [];
    for (const m of a.messages) stored.push(m.data instanceof SpooledLiteral ? await storeSpooled(s, m.data, m.binary) : await storeBytes(s, m.data, m.binary));
    const internalDate = (m: AppendMessage) => m.date ?? s.ctx.clock.now();
    let uids: number[];
    let uidValidity = mb.uidValidity;
    if (a.messages.length === 1) {
      const m = a.messages[0]!;
      uids = [(await s.ctx.store.appendMessage(mb.id, { blob: stored[0]!.blob, flags: m.flags, internalDate: internalDate(m), structure: stored[0]!.structure })).uid];
    } else {
      // RFC 3502: MULTIAPPEND is all or nothing — one transaction (Store.deliverMany).
      const done = await s.ctx.store.deliverMany(a.messages.map((m, i) => ({
        blob: stored[i]!.blob,
        targets: [{ accountId: account.id, mailbox: mb.name, flags: m.flags }],
        opts: { internalDate: internalDate(m), structure: stored[i]!.structure },
      })));
      const ds = done.map((d) => d[0]!);
      uids = ds.map((d) => d.uid);
      // The mailbox is found by name inside the transaction: report the one the messages went to.
      if (ds[0]!.mailboxId !== mb.id) uidValidity = (await s.ctx.store.getMailboxById(ds[0]!.mailboxId))?.uidValidity ?? uidValidity;
    }
    if (s.state.kind === 'selected' && s.state.view.mailbox.id === mb.id) {
      s.state.view.announceKeywords(s, a.messages.flatMap((m) => m.flags));
      await syncSelected(s, true);
    }
    s.tagged(tag, 'OK', `[APPENDUID ${uidValidity} ${formatOrderedSet(uids)}] APPEND completed`);
  },
});

/** A message held in memory: the MIME structure is recorded now, while the bytes are at hand. */
async function storeBytes(s: ImapSession, bytes: Buffer, binary: boolean): Promise<{ blob: BlobRef; structure: MimePart }> {
  const limits = mimeLimitsFromConfig(s.ctx.config.mime);
  let structure = await parseMime(bytes, limits);
  if (binary && hasBinaryParts(structure)) {
    // RFC 3516 §4.4: binary parts are stored re-encoded (binary-append.ts).
    const parts: Uint8Array[] = [];
    for await (const c of convertBinary(structure, bytes.length, async function* (a, b) { yield bytes.subarray(a, b); })) parts.push(c);
    bytes = Buffer.concat(parts);
    structure = await parseMime(bytes, limits);
  }
  return { blob: await s.ctx.blobs.put(bytes), structure };
}

/** A message streamed to a spool file: parsed and hashed while it arrived; commit fsyncs it. */
async function storeSpooled(s: ImapSession, lit: SpooledLiteral, binary: boolean): Promise<{ blob: BlobRef; structure: MimePart }> {
  const structure = lit.mimeStructure();
  if (!(binary && hasBinaryParts(structure))) return { blob: await lit.commit(), structure };
  // RFC 3516 §4.4: the re-encoded copy streams into a second spool file, read back from the first
  // by offsets; the session throws the first away when the command ends.
  const path = lit.spool?.path;
  if (path === undefined || lit.failure !== undefined) return { blob: await lit.commit(), structure }; // commit() answers NO
  const read = (a: number, b: number) => (b > a ? createReadStream(path, { start: a, end: b - 1 }) : Readable.from([])) as AsyncIterable<Uint8Array>;
  const out = new SpooledLiteral(0, await s.ctx.blobs.createSpool(), mimeLimitsFromConfig(s.ctx.config.mime));
  try {
    for await (const c of convertBinary(structure, lit.size, read)) await out.write(c);
    return { structure: out.mimeStructure(), blob: await out.commit() };
  } catch (err) {
    await out.abort();
    throw err;
  }
}
