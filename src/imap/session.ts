// One IMAP session (RFC 9051 §3): the state machine, the command loop and the response writer.
// Commands run one at a time; the socket is paused while a command waits on storage, so pipelined
// commands wait their turn and memory stays bounded (CONVENTIONS.md §8). Each command lives in its
// own file under commands/ and declares the states it runs in; this file checks them in one place.
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { createDeflateRaw, createInflateRaw, constants as zconst, type DeflateRaw, type InflateRaw } from 'node:zlib';
import type { Context } from '../context.ts';
import { Deadlines, type Connection, type Expiring } from '../net/index.ts';
import type { AuthConnection } from '../sasl/index.ts';
import { alpnFor } from '../tls/index.ts';
import type { Account } from '../store/index.ts';
import { ArgReader, ParseError, type ArgLimits } from './args.ts';
import { CommandFramer, type FrameEvent, type FramerOptions } from './framer.ts';
import { abortSpooled, LiteralSpooler, type SpooledLiteral } from './literal-spool.ts';
import { mimeLimitsFromConfig } from '../mime/index.ts';
import { commands } from './commands/index.ts';
import { capabilities } from './capabilities.ts';
import type { MailboxView } from './mailbox-view.ts';
import type { ImapLimits } from './limits.ts';
import { ImapNo } from './errors.ts';
import type { StructureSink } from './message-source.ts';
import { MessageCache } from './message-cache.ts';

/** Size of the output chunks (see ImapSession.write). */
const outChunkBytes = 64 * 1024;
/** Below Buffer.poolSize / 2, so allocUnsafe slices the shared pool. */
const smallChunkBytes = 2048;
const emptyChunk = Buffer.alloc(0);

export type SessionState =
  | { kind: 'not-authenticated' }
  | { kind: 'authenticated'; account: Account }
  | { kind: 'selected'; account: Account; view: MailboxView }
  | { kind: 'logout' };

export type StateKind = SessionState['kind'];

/** The spooled literals of a command that has none (most). */
const noSpooled: ReadonlyMap<number, SpooledLiteral> = new Map();

/** Per-account session counts, shared by every IMAP listener of one server. */
export type AccountSessions = Map<number, number>;

/**
 * RFC 3501 §2.3.2 \Recent: the first session to see a message gets it. Per mailbox, the highest UID
 * some session has claimed; kept in memory (after a restart, nothing is recent), as allowed.
 */
export type RecentClaims = Map<string, number>;

/** What ended a wait for input or for a mailbox change. */
type Wake = 'input' | 'change' | 'timeout' | 'poll' | 'closed';

/** Credentials are needed only to log in: a session keeps the account without them. */
const noCredentials: Record<string, unknown> = Object.freeze({});

/**
 * Small buffers come from Node's shared 64 KiB pool, and a view of a few bytes keeps the whole
 * pool slab alive: a command that waits long (IDLE) gets its own exactly sized copy.
 */
function ownBuffer(b: Buffer): Buffer {
  if (b.byteLength === b.buffer.byteLength) return b;
  const own = Buffer.allocUnsafeSlow(b.byteLength);
  b.copy(own);
  return own;
}

export class ImapSession implements Expiring {
  readonly ctx: Context;
  readonly conn: Connection;
  readonly limits: ImapLimits;
  readonly argLimits: ArgLimits;
  readonly log: Context['log'];
  state: SessionState = { kind: 'not-authenticated' };
  socket: Socket;
  private framer: CommandFramer;
  /** Large APPEND literals of the command being read, streamed to spool files (literal-spool.ts); made on first use. */
  private spooler: LiteralSpooler | undefined;
  private readonly accountSessions: AccountSessions;
  /** RFC 5161 ENABLEd extensions (allocated at the first ENABLE; most sessions never send one). */
  private enabledSet: Set<string> | undefined;
  failedLogins = 0;
  private deflate: DeflateRaw | undefined;
  private inflate: InflateRaw | undefined;
  private closed = false;
  /**
   * The running wait for input (or, in IDLE, for input or a mailbox change). One wait at a time;
   * its timeout is this session's entry in the shared Deadlines, not a timer of its own.
   */
  private waiter: ((r: Wake) => void) | undefined;
  /** The waiter is IDLE's: mailbox changes wake it too, and the socket keeps reading. */
  private idleWaiting = false;
  /** When the running IDLE ends with BYE (epoch ms); its deadline may be an earlier poll. */
  private idleEndsAt = 0;
  /** Expiring: when the running wait times out (epoch ms). */
  deadline = 0;
  private readonly deadlines: Deadlines;
  private unwatch: (() => void) | undefined;
  /** MIME structures parsed during the running command, saved together (flushStructures). */
  readonly structures: StructureSink = [];
  /** Structures and header blocks shared by every session of the server. */
  readonly messageCache: MessageCache;
  /** Set by the store's change feed when the selected mailbox changed. */
  mailboxDirty = false;
  private rateWindowStart = 0;
  private rateCount = 0;
  private countedAccount: number | undefined;

  readonly recentClaims: RecentClaims;

  /**
   * `limits` may be shared by every session of a listener (it also serves as the argument and
   * framer limits); `deadlines` by every session of the server.
   */
  constructor(ctx: Context, conn: Connection, limits: ImapLimits, accountSessions: AccountSessions, recentClaims: RecentClaims = new Map(), messageCache: MessageCache = new MessageCache(), deadlines: Deadlines = new Deadlines()) {
    this.recentClaims = recentClaims;
    this.messageCache = messageCache;
    this.deadlines = deadlines;
    this.ctx = ctx;
    this.conn = conn;
    this.limits = limits;
    this.argLimits = limits;
    this.log = conn.log;
    this.socket = conn.socket;
    this.accountSessions = accountSessions;
    this.framer = this.newFramer();
  }

  /** The framer options of this session (made once: releaseInputBuffer makes framers often). */
  private framerOptions: FramerOptions | undefined;

  /** A framer with this session's literal policy; the listener's limits serve as its limits. */
  private newFramer(): CommandFramer {
    const l = this.limits;
    this.framerOptions ??= {
      literalPolicy: (line) => this.state.kind === 'not-authenticated'
        // Before login no command needs a literal longer than a line (LOGIN, ID): nothing larger is buffered.
        ? { canSpool: false, maxLiteralBytes: l.maxLineBytes }
        // Only the command that takes large literals (APPEND) streams them to the spool.
        : { canSpool: /^\S+ APPEND /i.test(line.subarray(0, 80).toString('latin1')), maxLiteralBytes: l.maxLiteralBytes },
    };
    return new CommandFramer(l, this.framerOptions);
  }

  get secure(): boolean {
    return this.socket instanceof TLSSocket;
  }

  /** RFC 5161 ENABLEd extensions, upper case. */
  get enabled(): Set<string> {
    return (this.enabledSet ??= new Set());
  }

  /** True once any extension was ENABLEd. */
  get anyEnabled(): boolean {
    return (this.enabledSet?.size ?? 0) > 0;
  }

  private isEnabled(name: string): boolean {
    return this.enabledSet?.has(name) ?? false;
  }

  get isImap4rev2(): boolean {
    return this.isEnabled('IMAP4REV2');
  }

  /** UTF-8 in quoted strings and mailbox names: IMAP4rev2 or RFC 6855 UTF8=ACCEPT. */
  get utf8(): boolean {
    return this.isEnabled('IMAP4REV2') || this.isEnabled('UTF8=ACCEPT');
  }

  get compressed(): boolean {
    return this.deflate !== undefined;
  }

  get condstore(): boolean {
    return this.isEnabled('CONDSTORE') || this.isEnabled('QRESYNC');
  }

  get qresync(): boolean {
    return this.isEnabled('QRESYNC');
  }

  authConnection(): AuthConnection {
    return {
      protocol: 'imap',
      remoteAddress: this.conn.remoteAddress,
      secure: this.secure,
      tlsSocket: this.socket instanceof TLSSocket ? this.socket : undefined,
      allowPlaintext: this.conn.listener.allow_plaintext_auth,
      listener: this.conn.listener.name,
      hostname: this.ctx.config.hostname,
    };
  }

  capabilityList(): string[] {
    return capabilities(this);
  }

  // ---- output

  /**
   * Responses are gathered into 64 KiB chunks and written in large pieces (one syscall for many
   * FETCH lines): strings are encoded straight into the chunk and small buffers copied into it,
   * so a FETCH of a thousand header blocks allocates a handful of chunks, not thousands of pieces.
   */
  private out: Buffer[] = [];
  private outBytes = 0;
  private chunk: Buffer = emptyChunk;
  private chunkUsed = 0;

  write(data: string | Uint8Array): void {
    if (this.closed) return;
    if (typeof data === 'string') {
      // At most 3 bytes per UTF-16 unit: when that fits, encode in place.
      if (data.length * 3 > this.chunk.length - this.chunkUsed) {
        this.seal();
        if (data.length * 3 > outChunkBytes) {
          this.push(Buffer.from(data, 'utf8'));
          return;
        }
        this.chunk = this.newChunk(data.length * 3);
      }
      this.chunkUsed += this.chunk.write(data, this.chunkUsed, 'utf8');
    } else if (data.length <= this.chunk.length - this.chunkUsed) {
      this.chunk.set(data, this.chunkUsed);
      this.chunkUsed += data.length;
    } else if (data.length <= outChunkBytes / 8) {
      this.seal();
      this.chunk = this.newChunk(data.length);
      this.chunk.set(data, 0);
      this.chunkUsed = data.length;
    } else {
      this.seal();
      this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return;
    }
    if (this.outBytes + this.chunkUsed >= outChunkBytes) this.sendOut();
  }

  /**
   * A chunk for at least `need` bytes. Most responses are one short line: their chunk is a slice
   * of Node's shared 8 KiB pool (no allocation of its own, no GC pressure); once a response has
   * filled one chunk, the next are 64 KiB.
   */
  private newChunk(need: number): Buffer {
    return this.outBytes === 0 && need <= smallChunkBytes ? Buffer.allocUnsafe(smallChunkBytes) : Buffer.allocUnsafe(outChunkBytes);
  }

  /** Moves the filled part of the current chunk to the queue; the rest of it is given up. */
  private seal(): void {
    if (this.chunkUsed > 0) {
      this.out.push(this.chunk.subarray(0, this.chunkUsed));
      this.outBytes += this.chunkUsed;
    }
    this.chunk = emptyChunk;
    this.chunkUsed = 0;
  }

  private push(b: Buffer): void {
    this.out.push(b);
    this.outBytes += b.length;
    if (this.outBytes >= outChunkBytes) this.sendOut();
  }

  private sendOut(): void {
    this.seal();
    if (this.outBytes === 0) return;
    const out = this.out;
    this.out = [];
    this.outBytes = 0;
    if (this.deflate) for (const b of out) this.deflate.write(b);
    else if (out.length === 1) this.socket.write(out[0]!);
    else {
      // One writev for the pieces, without copying them together.
      this.socket.cork();
      for (const b of out) this.socket.write(b);
      this.socket.uncork();
    }
  }

  /** Waits until the socket has room again (backpressure for large FETCH responses). */
  get shouldDrain(): boolean {
    return this.outBytes + this.chunkUsed >= 16 * 1024;
  }

  async drain(): Promise<void> {
    if (!this.shouldDrain) return;
    this.sendOut();
    if (this.deflate) this.deflate.flush(zconst.Z_SYNC_FLUSH);
    const w = this.socket;
    if (!w.writableNeedDrain || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        w.off('drain', done);
        w.off('close', done);
        resolve();
      };
      w.on('drain', done);
      w.on('close', done);
    });
  }

  /** Sends everything written so far. */
  flush(): void {
    this.sendOut();
    if (this.deflate) this.deflate.flush(zconst.Z_SYNC_FLUSH);
  }

  untagged(text: string): void {
    this.write(`* ${text}\r\n`);
  }

  tagged(tag: string, status: 'OK' | 'NO' | 'BAD', text: string): void {
    if (status === 'OK' && this.okCode && !text.startsWith('[')) text = `[${this.okCode}] ${text}`;
    this.okCode = undefined;
    this.write(`${tag} ${status} ${text}\r\n`);
  }

  /** A response code for the tagged OK of the running command. */
  private okCode: string | undefined;

  /**
   * Turns CONDSTORE on by use (RFC 7162 §3.1): the first such command in a selected mailbox
   * reports HIGHESTMODSEQ in its tagged OK.
   */
  enableCondstore(): void {
    if (this.condstore) return;
    this.enabled.add('CONDSTORE');
    if (this.state.kind === 'selected') this.untagged(`OK [HIGHESTMODSEQ ${this.state.view.modseq}] Highest`);
  }

  // ---- input

  /** Reads one plain line (SASL responses, IDLE's DONE); null when the connection closed. */
  async readLine(): Promise<Buffer | 'too-long' | null> {
    for (;;) {
      const l = this.framer.nextLine();
      if (l !== undefined) return l;
      if (this.closed) return null;
      if (!(await this.waitForInput())) return null;
    }
  }

  /** Resolves true when more input arrived, false when the connection ended or timed out. */
  private async waitForInput(): Promise<boolean> {
    if (this.closed) return false;
    const r = await this.wait(Date.now() + this.currentTimeout(), false);
    if (r === 'timeout') {
      this.timedOut();
      return false;
    }
    return !this.closed;
  }

  /** Waits until woken (input, end, mailbox change for IDLE) or until the deadline. */
  private wait(deadline: number, idle: boolean): Promise<Wake> {
    this.releaseInputBuffer();
    return new Promise<Wake>((resolve) => {
      this.waiter = resolve;
      this.idleWaiting = idle;
      this.deadline = deadline;
      this.deadlines.add(this);
      this.socket.resume();
    });
  }

  /** Ends the running wait, if any, with r. */
  private notify(r: Wake): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    this.idleWaiting = false;
    this.deadlines.delete(this);
    w(r);
  }

  /** Expiring: the running wait's deadline passed (Deadlines has already dropped this entry). */
  expire(): void {
    const w = this.waiter;
    if (!w) return;
    const r: Wake = !this.idleWaiting ? 'timeout' : Date.now() >= this.idleEndsAt ? 'timeout' : 'poll';
    this.waiter = undefined;
    this.idleWaiting = false;
    w(r);
  }

  /**
   * An idle framer holds at most a zero-length view of its last input, which can keep a 64 KiB
   * Buffer pool slab alive for as long as the session waits: a fresh framer holds nothing.
   */
  private releaseInputBuffer(): void {
    if (this.framer.idle) this.framer = this.newFramer();
  }

  private currentTimeout(): number {
    return this.state.kind === 'not-authenticated' ? this.limits.preauthTimeoutMs : this.limits.authTimeoutMs;
  }

  private timedOut(): void {
    if (this.closed) return;
    this.untagged('BYE Autologout; idle for too long');
    this.close();
  }

  private onData = (chunk: Buffer): void => {
    if (this.inflate) {
      this.inflate.write(chunk);
      return;
    }
    this.feed(chunk);
  };

  private feed(chunk: Buffer): void {
    this.framer.push(chunk);
    // Backpressure: stop reading once a command's worth of bytes is waiting.
    if (this.framer.buffered > this.limits.maxLineBytes * 2 && !this.idleWaiting) this.socket.pause();
    this.notify('input');
  }

  private onEnd = (): void => {
    this.closed = true;
    this.notify('closed');
  };

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (this.deflate) {
      this.deflate.end(() => this.socket.end());
    } else this.socket.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.notify('closed');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private attach(sock: Socket): void {
    sock.on('data', this.onData);
    sock.on('end', this.onEnd);
    sock.on('close', this.onEnd);
    sock.on('error', this.onEnd);
  }

  private detach(sock: Socket): void {
    sock.off('data', this.onData);
    sock.off('end', this.onEnd);
    sock.off('close', this.onEnd);
    sock.off('error', this.onEnd);
  }

  /** RFC 9051 §6.2.1: after "OK Begin TLS negotiation now", TLS starts; pipelined bytes are discarded. */
  async startTls(): Promise<boolean> {
    const plain = this.socket;
    this.detach(plain);
    plain.pause();
    this.framer = this.newFramer();
    const tls = new TLSSocket(plain, { isServer: true, ...this.ctx.tls.serverOptions({ listener: this.conn.listener.name, alpn: alpnFor(this.conn.listener.protocol) }) });
    const ok = await new Promise<boolean>((resolve) => {
      tls.once('secure', () => resolve(true));
      tls.once('error', (err) => {
        this.log.info('imap.starttls.failed', { message: err.message });
        resolve(false);
      });
    });
    this.socket = tls;
    this.attach(tls);
    if (!ok) {
      this.closed = true;
      tls.destroy();
    }
    return ok;
  }

  /** RFC 4978: from here on both directions are raw DEFLATE. */
  startCompression(): void {
    const sock = this.socket;
    this.deflate = createDeflateRaw({ level: 6 });
    this.deflate.on('data', (b: Buffer) => sock.write(b));
    this.deflate.on('error', () => this.close());
    this.inflate = createInflateRaw();
    this.inflate.on('data', (b: Buffer) => this.feed(b));
    this.inflate.on('error', () => {
      this.closed = true;
      sock.destroy();
    });
  }

  // ---- IDLE support

  /**
   * Waits for input or a mailbox change, for at most timeoutMs ('timeout') and pollMs ('poll',
   * when the store should be checked for changes made by other processes); returns what happened.
   */
  waitIdle(timeoutMs: number, pollMs: number): Promise<Wake> {
    if (this.closed) return Promise.resolve('closed');
    if (!this.framer.idle) return Promise.resolve('input');
    if (this.mailboxDirty) return Promise.resolve('change');
    const now = Date.now();
    this.idleEndsAt = now + timeoutMs;
    return this.wait(Math.min(this.idleEndsAt, now + pollMs), true);
  }

  // ---- accounts

  /** Counts this session against the account's limit; false when the limit is reached. */
  claimAccount(accountId: number): boolean {
    const n = this.accountSessions.get(accountId) ?? 0;
    if (n >= this.limits.maxConnectionsPerAccount) return false;
    this.accountSessions.set(accountId, n + 1);
    this.countedAccount = accountId;
    return true;
  }

  private releaseAccount(): void {
    if (this.countedAccount === undefined) return;
    const n = (this.accountSessions.get(this.countedAccount) ?? 1) - 1;
    if (n <= 0) this.accountSessions.delete(this.countedAccount);
    else this.accountSessions.set(this.countedAccount, n);
    this.countedAccount = undefined;
  }

  /** Enters the authenticated state and subscribes to the account's change feed. */
  loggedIn(account: Account): void {
    this.state = { kind: 'authenticated', account: { ...account, passwordHash: null, credentials: noCredentials } };
    this.unwatch?.();
    this.unwatch = this.ctx.store.watch(account.id, (c) => {
      if (this.state.kind !== 'selected') return;
      if (c.mailboxId === this.state.view.mailbox.id) {
        this.mailboxDirty = true;
        if (this.idleWaiting) this.notify('change');
      }
    });
  }

  // ---- main loop

  async run(): Promise<void> {
    this.attach(this.socket);
    const caps = this.capabilityList().join(' ');
    this.untagged(`OK [CAPABILITY ${caps}] Postern IMAP ready`);
    this.flush();
    try {
      while (!this.closed && this.state.kind !== 'logout') {
        if (this.conn.shutdown.aborted) {
          this.untagged('BYE Server shutting down');
          break;
        }
        const ev = this.nextEvent();
        if (ev.kind === 'needMore') {
          this.flush();
          if (!(await this.waitForInput())) break;
          continue;
        }
        if (ev.kind === 'literal') {
          // RFC 9051 §7.5: "+" invites the client to send a synchronising literal.
          this.framer.acceptLiteral();
          this.write('+ Ready for literal data\r\n');
          this.flush();
          continue;
        }
        if (ev.kind === 'spoolStart') {
          this.spooler ??= new LiteralSpooler(() => this.ctx.blobs.createSpool(), mimeLimitsFromConfig(this.ctx.config.mime));
          await this.spooler.start(ev.size);
          continue;
        }
        if (ev.kind === 'literalData') {
          await this.spooler!.write(ev.bytes);
          continue;
        }
        if (ev.kind === 'error') {
          await this.spooler?.abortPending();
          const code = ev.toobig ? '[TOOBIG] ' : '';
          if (ev.tag) this.tagged(ev.tag, ev.status, code + ev.text);
          else this.untagged(`BAD ${code}${ev.text}`);
          continue;
        }
        await this.throttle();
        this.socket.pause();
        const spooled = ev.spooled.length > 0 ? this.spooler!.take(ev.spooled) : noSpooled;
        try {
          await this.executeCommand(ev.bytes, spooled);
        } finally {
          await this.flushStructures().catch((err: unknown) => this.log.warn('imap.structure.save-failed', { err }));
          // Whatever the command did not commit (a syntax error, NO, an exception) is thrown away.
          await abortSpooled(spooled.values());
        }
        this.flush();
      }
    } catch (err) {
      this.log.error('imap.session.failed', { err });
      this.untagged('BYE [SERVERBUG] Internal error');
    } finally {
      await this.spooler?.abortPending().catch((err: unknown) => this.log.warn('imap.spool.abort-failed', { err }));
      this.unwatch?.();
      this.releaseAccount();
      this.notify('closed');
      this.close();
    }
  }

  /**
   * The framer's next event, a command's bytes in a buffer of their own (ownBuffer): the event
   * stays referenced from the suspended run() while the command runs, for all of an IDLE.
   */
  private nextEvent(): FrameEvent {
    const ev = this.framer.next();
    return ev.kind === 'command' ? { kind: 'command', bytes: ownBuffer(ev.bytes), spooled: ev.spooled } : ev;
  }

  /** Commands-per-second limit: a fast client is slowed down, never refused. */
  private async throttle(): Promise<void> {
    const max = this.limits.commandsPerSecond;
    if (max <= 0) return;
    const now = Date.now();
    if (now - this.rateWindowStart >= 1000) {
      this.rateWindowStart = now;
      this.rateCount = 0;
    }
    if (++this.rateCount > max) {
      await new Promise((r) => setTimeout(r, 1000 - (now - this.rateWindowStart)));
      this.rateWindowStart = Date.now();
      this.rateCount = 1;
    }
  }

  /** Saves the structures parsed so far in one transaction. */
  async flushStructures(): Promise<void> {
    if (this.structures.length === 0) return;
    await this.ctx.store.saveStructures(this.structures.splice(0));
  }

  /**
   * Parses and runs one command. Not an async function: while a command waits long (IDLE), this
   * level holds one promise reaction instead of a suspended frame with all its registers.
   */
  private executeCommand(bytes: Buffer, spooled: ReadonlyMap<number, SpooledLiteral>): Promise<void> | undefined {
    const r = new ArgReader(bytes, this.argLimits, 0, spooled);
    let tag: string;
    try {
      tag = r.atom(']');
      if (tag.includes('+')) throw new ParseError('Invalid tag');
    } catch {
      this.untagged('BAD Invalid tag');
      return;
    }
    let name: string;
    try {
      r.sp();
      name = r.word();
    } catch {
      this.tagged(tag, 'BAD', 'Missing command');
      return;
    }
    let uid = false;
    if (name === 'UID') {
      uid = true;
      try {
        r.sp();
        name = r.word();
      } catch {
        this.tagged(tag, 'BAD', 'Missing command after UID');
        return;
      }
    }
    const cmd = commands.get(uid ? `UID ${name}` : name);
    if (!cmd) {
      this.tagged(tag, 'BAD', `Unknown command ${uid ? 'UID ' : ''}${name}`);
      return;
    }
    if (!cmd.states.includes(this.state.kind)) {
      const why = this.state.kind === 'not-authenticated' ? 'Log in first' : this.state.kind === 'authenticated' && cmd.states.includes('selected') ? 'Select a mailbox first' : 'Not allowed now';
      this.tagged(tag, 'BAD', `${why} (${cmd.name} is valid in ${cmd.states.join('/')} state)`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = cmd.parse(r, this);
      r.end();
    } catch (err) {
      if (err instanceof ParseError) {
        this.tagged(tag, 'BAD', `${cmd.name}: ${err.message}`);
        return;
      }
      if (err instanceof ImapNo) {
        this.tagged(tag, err.status, err.code ? `[${err.code}] ${err.message}` : err.message);
        return;
      }
      throw err;
    }
    this.log.debug('imap.command', { command: cmd.name, tag });
    let running: Promise<void>;
    try {
      running = cmd.run(this, tag, parsed);
    } catch (err) {
      running = Promise.reject(err);
    }
    return running.catch((err: unknown) => this.commandFailed(cmd.name, tag, err));
  }

  /** Answers a command that failed while running. */
  private commandFailed(name: string, tag: string, err: unknown): void {
    if (err instanceof ImapNo) {
      this.tagged(tag, err.status, err.code ? `[${err.code}] ${err.message}` : err.message);
      return;
    }
    if (err instanceof ParseError) {
      this.tagged(tag, 'BAD', `${name}: ${err.message}`);
      return;
    }
    this.log.error('imap.command.failed', { command: name, err });
    this.tagged(tag, 'NO', '[SERVERBUG] Internal error; the failure was logged');
  }
}
