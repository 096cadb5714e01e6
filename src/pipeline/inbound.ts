// What happens to a message a client hands us (DESIGN.md, step 3): it streams into a spool file
// behind our Received header; at the end it is checked for mail loops, committed (fsync) as one
// blob, delivered to the INBOX of every local recipient in one store transaction (Return-Path and
// Delivered-To go in each copy's prefix, so the blob is shared), and queued once for all remote
// recipients with their DSN parameters (RFC 3461). Only then may the protocol say 250.
import type { Context } from '../context.ts';
import type { BlobRef, DeliveryTarget, QueueRecipient, SpoolWriter } from '../store/index.ts';
import { DeliveryBatcher } from './group-commit.ts';
import { HeaderScanner } from './header-scanner.ts';
import { localDeliveryPrefix, receivedHeader, type ReceivedInfo } from './received.ts';

export interface InboundRecipient {
  /** The address the client gave (RCPT TO). */
  address: string;
  notify: string[] | null;
  orcpt: string | null;
  /** Local accounts this recipient delivers to (account address for Delivered-To). */
  local: { accountId: number; address: string }[];
  /** Remote addresses to queue for (the recipient itself when relayed, or alias targets). */
  remote: string[];
}

export interface InboundEnvelope {
  /** Reverse-path; "" for the null sender. */
  sender: string;
  recipients: InboundRecipient[];
  envid: string | null;
  ret: 'FULL' | 'HDRS' | null;
  requireTls: boolean;
  /** For logs and the queue: who handed the message to us. */
  receivedFrom: string;
  received: ReceivedInfo;
  /** More Received headers than this is a loop (RFC 5321 §6.3). */
  maxReceived: number;
}

export type InboundResult =
  | { kind: 'accepted'; id: string; blob: BlobRef | null; delivered: number; queueId: number | null }
  | { kind: 'loop'; detail: string };

export interface InboundMessage {
  /** Appends message bytes (after the Received header); resolves when the spool has them. */
  write(chunk: Uint8Array): Promise<void>;
  /** Message bytes written so far (our Received header not counted). */
  readonly size: number;
  /** Loop check, commit, deliver, enqueue. Durable when it resolves with "accepted". */
  finish(): Promise<InboundResult>;
  /** Throws the message away (rejected, client gone). Safe to call more than once. */
  abort(): Promise<void>;
}

/** Bytes gathered before one write to the spool file. */
const WRITE_BATCH = 64 * 1024;

/**
 * Starts receiving one message. `batcher` (one per protocol handler) gives group commit of local
 * deliveries; without it each message commits on its own.
 */
export async function beginInbound(ctx: Context, env: InboundEnvelope, batcher?: DeliveryBatcher): Promise<InboundMessage> {
  const spool = await ctx.blobs.createSpool();
  return new Inbound(ctx, env, spool, Buffer.from(receivedHeader(env.received)), batcher);
}

class Inbound implements InboundMessage {
  private readonly ctx: Context;
  private readonly env: InboundEnvelope;
  private readonly spool: SpoolWriter;
  private readonly scanner = new HeaderScanner();
  private bytes = 0;
  private closed = false;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  private readonly batcher: DeliveryBatcher | undefined;

  constructor(ctx: Context, env: InboundEnvelope, spool: SpoolWriter, header: Buffer, batcher: DeliveryBatcher | undefined) {
    this.ctx = ctx;
    this.batcher = batcher;
    this.env = env;
    this.spool = spool;
    // Our Received header goes first in the shared blob; it is written with the first batch.
    this.pending.push(header);
    this.pendingBytes = header.length;
  }

  get size(): number {
    return this.bytes;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.bytes += chunk.length;
    this.scanner.push(chunk);
    // Small pieces (a decoded DATA body arrives line by line) are gathered into larger writes:
    // one file write per WRITE_BATCH bytes instead of one per line.
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH) await this.flushPending();
  }

  private async flushPending(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    await this.spool.write(data);
  }

  private loopCheck(): string | undefined {
    // Our own Received header is in the spool too, so it counts.
    const received = this.scanner.receivedCount + 1;
    if (received > this.env.maxReceived) return `${received} Received headers (max_received_headers ${this.env.maxReceived})`;
    for (const r of this.env.recipients) {
      for (const l of r.local) {
        if (this.scanner.deliveredTo.includes(l.address.toLowerCase())) return `message was already delivered to ${l.address} (Delivered-To)`;
      }
    }
    return undefined;
  }

  async finish(): Promise<InboundResult> {
    if (this.closed) throw new Error('message already finished');
    this.closed = true;
    const loop = this.loopCheck();
    if (loop) {
      await this.spool.abort();
      return { kind: 'loop', detail: loop };
    }
    const env = this.env;
    // Duplicates collapse: one copy per account, one queue entry per remote address.
    const targets = new Map<number, DeliveryTarget>();
    const remote = new Map<string, QueueRecipient>();
    for (const r of env.recipients) {
      for (const l of r.local) {
        if (!targets.has(l.accountId)) targets.set(l.accountId, { accountId: l.accountId, mailbox: 'INBOX', prefix: localDeliveryPrefix(env.sender, l.address) });
      }
      for (const a of r.remote) {
        const key = a.toLowerCase();
        if (remote.has(key)) continue;
        // RFC 3461 §4.2: an alias expansion keeps the original recipient as ORCPT.
        const orcpt = r.orcpt ?? (a.toLowerCase() === r.address.toLowerCase() ? null : `rfc822;${xtext(r.address)}`);
        remote.set(key, { address: a, notify: r.notify, orcpt });
      }
    }
    if (targets.size === 0 && remote.size === 0) {
      await this.spool.abort();
      return { kind: 'accepted', id: env.received.id, blob: null, delivered: 0, queueId: null };
    }
    // Announced before the fsync, so deliveries of other sessions can wait for this one.
    const ticket = targets.size > 0 ? this.batcher?.expect() : undefined;
    let blob: BlobRef;
    try {
      await this.flushPending();
      blob = await this.spool.commit();
    } catch (err) {
      ticket?.withdraw();
      throw err;
    }
    let delivered = 0;
    if (targets.size > 0) {
      const opts = { internalDate: env.received.date };
      delivered = (await (this.batcher ? this.batcher.deliver(blob, [...targets.values()], opts, ticket) : this.ctx.store.deliver(blob, [...targets.values()], opts))).length;
    }
    let queueId: number | null = null;
    // TODO(RFC 3030 §3, RFC 6531 §3.4): the queue has no column yet for BODY= and SMTPUTF8, which
    // the outbound hop needs (BINARYMIME must go out with BDAT; UTF-8 mail to SMTPUTF8 servers only).
    if (remote.size > 0) {
      queueId = await this.ctx.store.enqueue({
        blob, sender: env.sender, recipients: [...remote.values()], envid: env.envid, ret: env.ret, requireTls: env.requireTls, receivedFrom: env.receivedFrom,
      });
    }
    return { kind: 'accepted', id: env.received.id, blob, delivered, queueId };
  }

  async abort(): Promise<void> {
    this.closed = true;
    this.pending = [];
    await this.spool.abort();
  }
}

/** RFC 3461 §4: xtext-encodes "+", "=" and characters outside 33..126. */
export function xtext(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (b < 33 || b > 126 || b === 0x2b || b === 0x3d ? `+${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
}
