// One SMTP server session (RFC 5321): greeting, the command loop, replies, limits and timeouts,
// message bodies, STARTTLS. Commands live in commands/ and are dispatched from here after their
// declared states are checked; what a message becomes is pipeline/'s business, and every policy
// decision is asked of policy/.
//
// Flow control (CONVENTIONS.md §8): the socket is paused after every chunk and read again only
// when the parser needs more bytes, so a pipelining client (RFC 2920) cannot make us buffer more
// than one chunk plus one line, and replies leave in order. Replies are batched and flushed
// whenever the session is about to wait for input (RFC 2920 §3.2).
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { BlockList } from 'node:net';
import type { ListenerLimits } from '../config/index.ts';
import type { Context } from '../context.ts';
import { TempError, errorMessage } from '../errors/index.ts';
import type { Connection } from '../net/index.ts';
import type { Logger } from '../observe/index.ts';
import type { DeliveryBatcher, InboundEnvelope, InboundMessage } from '../pipeline/index.ts';
import type { AuthConnection } from '../sasl/index.ts';
import { alpnFor } from '../tls/index.ts';
import type { Account } from '../store/index.ts';
import type { Command } from './command.ts';
import { SmtpReader, type ReaderEvent } from './reader.ts';
import { formatReply, reply, type Reply } from './reply.ts';
import type { SessionState, Transaction } from './state.ts';

export interface SmtpSettings {
  vrfy: boolean;
  bare_line_endings: 'reject' | 'normalize';
  reject_sender_login_mismatch: boolean;
  recipient_delimiter: string;
  max_received_headers: number;
  mx_auth: boolean;
}

/** What every session of one handler shares. */
export interface SessionShared {
  ctx: Context;
  commands: ReadonlyMap<string, Command>;
  mynetworks: BlockList | null;
  /** Group commit of local deliveries across this handler's sessions. */
  batcher: DeliveryBatcher;
}

type WaitResult = 'data' | 'eof' | 'timeout' | 'shutdown';
type Event = ReaderEvent | { kind: 'eof' } | { kind: 'timeout' } | { kind: 'shutdown' };

export type BodyEnd =
  | { kind: 'end'; size: number; overflow: boolean; bareLineEnding: boolean; writeFailed: boolean }
  | { kind: 'eof' | 'timeout' | 'shutdown' };

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Verbs of other protocols: a browser or proxy abuser, not a mail client (like Postfix smtpd_forbidden_commands). */
const forbiddenVerbs = new Set(['GET', 'POST', 'HEAD', 'PUT', 'CONNECT', 'USER', 'OPTIONS']);

export class Session {
  readonly ctx: Context;
  readonly conn: Connection;
  readonly log: Logger;
  readonly limits: ListenerLimits;
  readonly settings: SmtpSettings;
  readonly hostname: string;
  readonly shared: SessionShared;
  readonly reader: SmtpReader;
  state: SessionState = { kind: 'initial' };
  socket: Socket;
  /** The authenticated account, after a successful AUTH. */
  account: Account | null = null;
  tls: { version: string; cipher: string } | null = null;
  private out: string[] = [];
  private eof = false;
  private closing = false;
  private waker: ((r: WaitResult) => void) | undefined;
  private readonly deadline: number;
  private errors = 0;
  private commandCount = 0;
  junkCount = 0;
  private messageCount = 0;
  /** Spool aborts started by RSET and the like; the session ends only after they finish. */
  private readonly pendingAborts = new Set<Promise<void>>();
  private readonly onData = (chunk: Buffer) => {
    this.reader.push(chunk);
    this.socket.pause();
    this.wake('data');
  };
  private readonly onEnd = () => {
    this.eof = true;
    this.wake('eof');
  };

  constructor(shared: SessionShared, conn: Connection) {
    this.shared = shared;
    this.ctx = shared.ctx;
    this.conn = conn;
    this.log = conn.log;
    this.limits = conn.listener.limits;
    this.settings = shared.ctx.config.smtp;
    this.hostname = shared.ctx.config.hostname;
    this.reader = new SmtpReader(this.limits.max_line_bytes);
    this.socket = conn.socket;
    this.deadline = Date.now() + this.limits.session_timeout;
    if (conn.implicitTls) this.tls = tlsInfo(conn.socket as TLSSocket);
  }

  get isSubmission(): boolean {
    return this.conn.listener.protocol === 'submission';
  }

  get isSecure(): boolean {
    return this.tls !== null;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** May this listener offer AUTH at all (mechanisms still depend on TLS)? */
  get offersAuth(): boolean {
    return this.isSubmission || this.settings.mx_auth;
  }

  /** One AuthConnection per socket (a new one after STARTTLS): the authenticator counts failures per object. */
  private authConn: { socket: Socket; conn: AuthConnection } | undefined;

  authConnection(): AuthConnection {
    if (this.authConn?.socket === this.socket) return this.authConn.conn;
    const conn: AuthConnection = {
      protocol: this.conn.listener.protocol,
      remoteAddress: this.conn.remoteAddress,
      secure: this.isSecure,
      tlsSocket: this.socket instanceof TLSSocket ? this.socket : undefined,
      allowPlaintext: this.conn.listener.allow_plaintext_auth,
      listener: this.conn.listener.name,
      hostname: this.ctx.config.hostname,
    };
    this.authConn = { socket: this.socket, conn };
    return conn;
  }

  // ---- socket plumbing

  private attach(s: Socket): void {
    s.on('data', this.onData);
    s.on('end', this.onEnd);
    s.on('close', this.onEnd);
    s.on('error', this.onEnd);
  }

  private detach(s: Socket): void {
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onEnd);
  }

  private wake(r: WaitResult): void {
    const w = this.waker;
    this.waker = undefined;
    w?.(r);
  }

  /** Waits for bytes, end of input, a timeout (bounded by session_timeout) or server shutdown. */
  private waitInput(timeoutMs: number, watchShutdown: boolean): Promise<WaitResult> {
    if (this.eof || this.socket.destroyed) return Promise.resolve('eof');
    if (watchShutdown && this.conn.shutdown.aborted) return Promise.resolve('shutdown');
    const ms = Math.max(0, Math.min(timeoutMs, this.deadline - Date.now()));
    return new Promise<WaitResult>((resolve) => {
      const onAbort = () => finish('shutdown');
      const timer = setTimeout(() => finish('timeout'), ms);
      const finish = (r: WaitResult) => {
        clearTimeout(timer);
        if (watchShutdown) this.conn.shutdown.removeEventListener('abort', onAbort);
        if (this.waker === finish) this.waker = undefined;
        resolve(r);
      };
      if (watchShutdown) this.conn.shutdown.addEventListener('abort', onAbort, { once: true });
      this.waker = finish;
      this.socket.resume();
    });
  }

  /** The next parser event, reading (and flushing replies) as needed. */
  async nextEvent(timeoutMs: number, watchShutdown: boolean): Promise<Event> {
    for (;;) {
      const ev = this.reader.next();
      if (ev.kind !== 'need-more') return ev;
      await this.flush();
      const w = await this.waitInput(timeoutMs, watchShutdown);
      if (w !== 'data') return { kind: w };
    }
  }

  /** Writes batched replies; waits (bounded) while the client is not reading them. */
  async flush(): Promise<void> {
    if (this.out.length === 0 || this.socket.destroyed) {
      this.out = [];
      return;
    }
    const data = this.out.join('');
    this.out = [];
    if (this.log.isEnabled('trace')) this.log.trace('smtp.trace', { dir: 'S', text: data });
    if (this.socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.socket.destroy();
        done();
      }, this.limits.command_timeout);
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  // ---- replies and limits

  /**
   * Queues a reply. Error replies count towards the limits: past soft_error_limit each one is
   * delayed (tarpit); at max_errors the session ends with 421.
   */
  async send(r: Reply): Promise<void> {
    if (this.closing) return; // a limit already ended the session; nothing more is said
    if (r.code >= 400) {
      this.errors++;
      if (this.errors > this.limits.soft_error_limit && this.limits.error_delay > 0) {
        await this.flush();
        await new Promise((res) => setTimeout(res, this.limits.error_delay));
      }
      this.out.push(formatReply(r));
      if (this.errors >= this.limits.max_errors) {
        this.log.info('smtp.limit.errors', { errors: this.errors });
        await this.close(reply(421, '4.7.0', `${this.hostname} Error: too many errors`));
      }
      return;
    }
    this.out.push(formatReply(r));
  }

  /** Sends a last reply and closes the connection. */
  async close(r?: Reply): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (r) this.out.push(formatReply(r));
    await this.flush();
    this.socket.end();
  }

  // ---- transactions

  resetTransaction(): void {
    const s = this.state;
    if (s.kind === 'bdat') {
      const p: Promise<void> = s.message.abort().catch(() => {}).finally(() => this.pendingAborts.delete(p));
      this.pendingAborts.add(p);
    }
    if (s.kind === 'mail' || s.kind === 'bdat') this.state = { kind: 'ready', helo: s.helo };
  }

  /** A fresh id for each message: the session id and a counter. */
  nextMessageId(): string {
    return `${this.conn.id}.${++this.messageCount}`;
  }

  envelopeOf(tx: Transaction, helo: { name: string; esmtp: boolean }): InboundEnvelope {
    const auth = this.account?.address ?? null;
    return {
      sender: tx.sender?.address ?? '',
      recipients: tx.recipients,
      envid: tx.params.envid,
      ret: tx.params.ret,
      requireTls: tx.params.requireTls,
      receivedFrom: `${helo.name} [${this.conn.remoteAddress}]${auth ? ` (authenticated as ${auth})` : ''}`,
      maxReceived: this.settings.max_received_headers,
      received: {
        helo: helo.name, clientIp: this.conn.remoteAddress, hostname: this.hostname, esmtp: helo.esmtp, smtputf8: tx.params.smtputf8,
        tls: this.tls, authUser: auth, id: this.nextMessageId(), for: tx.recipients.length === 1 ? tx.recipients[0]!.address : null, date: this.ctx.clock.now(),
      },
    };
  }

  /** Reads a DATA body (reader already in data mode) into `message`; drains it whatever happens. */
  async receiveBody(message: InboundMessage | null): Promise<BodyEnd> {
    let target = message;
    let writeFailed = false;
    for (;;) {
      const ev = await this.nextEvent(this.limits.data_timeout, false);
      if (ev.kind === 'data') {
        if (!target) continue;
        try {
          await target.write(ev.chunks.length === 1 ? ev.chunks[0]! : Buffer.concat(ev.chunks));
        } catch (err) {
          this.log.error('smtp.spool.write_failed', { err: errorMessage(err) });
          writeFailed = true;
          target = null;
        }
      } else if (ev.kind === 'data-end') {
        return { kind: 'end', size: ev.size, overflow: ev.overflow, bareLineEnding: ev.bareLineEnding, writeFailed };
      } else if (ev.kind === 'eof' || ev.kind === 'timeout' || ev.kind === 'shutdown') {
        return { kind: ev.kind };
      }
    }
  }

  /** Reads one line during an exchange (AUTH): the line, or why there is none. */
  async readLine(): Promise<Buffer | 'too-long' | 'eof' | 'timeout'> {
    const ev = await this.nextEvent(this.limits.command_timeout, false);
    if (ev.kind === 'command') {
      if (this.log.isEnabled('trace')) this.log.trace('smtp.trace', { dir: 'C', text: '(authentication data)' });
      return ev.line;
    }
    if (ev.kind === 'line-too-long') return 'too-long';
    return ev.kind === 'timeout' ? 'timeout' : 'eof';
  }

  async timedOut(): Promise<void> {
    this.log.info('smtp.timeout', { state: this.state.kind });
    await this.close(reply(421, '4.4.2', `${this.hostname} Error: timeout exceeded`));
  }

  // ---- STARTTLS (RFC 3207)

  /**
   * Upgrades the connection after "220 Ready to start TLS". RFC 3207 §5: anything the client
   * pipelined after STARTTLS was sent in plaintext and is discarded, never executed; §4.2: all
   * knowledge from before TLS is forgotten (state back to initial, no authentication).
   */
  async startTls(): Promise<boolean> {
    await this.flush();
    const raw = this.socket;
    this.detach(raw);
    raw.pause();
    let discarded = this.reader.discardBuffered();
    for (let c: Buffer | null = raw.read() as Buffer | null; c !== null; c = raw.read() as Buffer | null) discarded += c.length;
    if (discarded > 0) this.log.warn('smtp.starttls.discarded', { bytes: discarded });
    const tlsSocket = new TLSSocket(raw, { isServer: true, ...this.ctx.tls.serverOptions({ listener: this.conn.listener.name, alpn: alpnFor(this.conn.listener.protocol) }) });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), this.limits.command_timeout);
      const finish = (v: boolean) => {
        clearTimeout(timer);
        resolve(v);
      };
      tlsSocket.once('secure', () => finish(true));
      tlsSocket.once('error', (err) => {
        this.log.info('smtp.starttls.failed', { message: err.message });
        finish(false);
      });
      tlsSocket.once('close', () => finish(false));
      raw.resume();
    });
    if (!ok) {
      tlsSocket.destroy();
      this.closing = true;
      return false;
    }
    this.socket = tlsSocket;
    tlsSocket.pause();
    this.attach(tlsSocket);
    this.tls = tlsInfo(tlsSocket);
    this.state = { kind: 'initial' };
    this.account = null;
    this.log.info('smtp.starttls.done', { ...this.tls });
    return true;
  }

  // ---- the session

  async run(): Promise<void> {
    this.attach(this.socket);
    try {
      if (await this.greet()) await this.loop();
    } catch (err) {
      this.log.error('smtp.session.crashed', { err });
      await this.close(reply(421, '4.3.0', `${this.hostname} Error: internal error`)).catch(() => {});
    } finally {
      const s = this.state;
      if (s.kind === 'bdat') await s.message.abort().catch(() => {});
      await Promise.all(this.pendingAborts);
      if (!this.closing) {
        this.closing = true;
        this.socket.end();
      }
      await this.waitClosed();
      this.detach(this.socket);
      this.log.info('smtp.session.ended', { commands: this.commandCount, errors: this.errors, bodies: this.messageCount, tls: this.tls?.version ?? null, auth: this.account?.address ?? null });
    }
  }

  private waitClosed(): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 5000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.resume(); // read to the end so the peer's FIN is seen
    });
  }

  /** The greeting (RFC 5321 §4.3.1), after greeting_delay; a client that talks first is refused. */
  private async greet(): Promise<boolean> {
    // Like Postfix's postscreen, only on the MX: submission clients are known users.
    if (this.limits.greeting_delay > 0 && !this.isSubmission) {
      this.socket.resume();
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.conn.shutdown.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, this.limits.greeting_delay);
        this.conn.shutdown.addEventListener('abort', done, { once: true });
        // Any byte (or the client leaving) ends the wait at once: a talker is refused right away.
        this.waker = done;
      });
      this.waker = undefined;
      this.socket.pause();
    }
    if (this.eof) return false;
    if (this.conn.shutdown.aborted) {
      await this.close(reply(421, '4.3.2', `${this.hostname} Service shutting down`));
      return false;
    }
    if (this.reader.buffered > 0) {
      this.log.info('smtp.pregreet', { bytes: this.reader.buffered });
      await this.close(reply(554, '5.5.0', `${this.hostname} Protocol error: you talked before my greeting`));
      return false;
    }
    this.out.push(formatReply(reply(220, undefined, `${this.hostname} ESMTP Postern`)));
    return true;
  }

  private async loop(): Promise<void> {
    while (!this.closing) {
      const ev = await this.nextEvent(this.commandCount === 0 ? this.limits.greeting_timeout : this.limits.command_timeout, true);
      switch (ev.kind) {
        case 'eof':
          return;
        case 'timeout':
          await this.timedOut();
          return;
        case 'shutdown':
          await this.close(reply(421, '4.3.2', `${this.hostname} Service shutting down, closing transmission channel`));
          return;
        case 'line-too-long':
          await this.send(reply(500, '5.5.2', 'Error: line too long'));
          break;
        case 'command':
          await this.dispatch(ev.line);
          break;
        default:
          throw new Error(`unexpected ${ev.kind} event in command mode`);
      }
    }
  }

  private async dispatch(line: Buffer): Promise<void> {
    if (++this.commandCount > this.limits.max_commands) {
      this.log.info('smtp.limit.commands', { commands: this.commandCount });
      await this.close(reply(421, '4.7.0', `${this.hostname} Error: too many commands`));
      return;
    }
    let text: string;
    try {
      text = utf8.decode(line);
    } catch {
      await this.send(reply(500, '5.5.2', 'Error: command is not valid UTF-8'));
      return;
    }
    if (this.log.isEnabled('trace')) this.log.trace('smtp.trace', { dir: 'C', text: /^auth /i.test(text) ? text.split(' ').slice(0, 2).join(' ') : text });
    if (/[\x00-\x1f\x7f]/.test(text)) {
      await this.send(reply(500, '5.5.2', 'Error: control characters in command'));
      return;
    }
    const sp = text.indexOf(' ');
    const verb = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
    const args = sp < 0 ? '' : text.slice(sp + 1);
    if (forbiddenVerbs.has(verb)) {
      this.log.info('smtp.forbidden_command', { verb });
      await this.close(reply(421, '4.7.0', `${this.hostname} Error: this is an SMTP server`));
      return;
    }
    const cmd = this.shared.commands.get(verb);
    if (!cmd) {
      await this.send(reply(500, '5.5.2', 'Error: command not recognized'));
      return;
    }
    if (cmd.junk && ++this.junkCount > this.limits.max_junk_commands) {
      this.log.info('smtp.limit.junk', { junk: this.junkCount });
      await this.close(reply(421, '4.7.0', `${this.hostname} Error: too many junk commands`));
      return;
    }
    if (!cmd.states.includes(this.state.kind)) {
      await this.send(cmd.outOfSequence?.(this.state.kind) ?? reply(503, '5.5.1', 'Error: bad sequence of commands'));
      return;
    }
    try {
      await cmd.run(this, args, this.state);
    } catch (err) {
      if (err instanceof TempError) this.log.warn('smtp.command.temp_error', { verb, code: err.code, message: err.message });
      else this.log.error('smtp.command.failed', { verb, err });
      this.resetTransaction();
      await this.send(reply(451, '4.3.0', 'Error: local error in processing, try again later'));
    }
  }

  /** A message was accepted: the junk counter starts again. */
  messageAccepted(): void {
    this.junkCount = 0;
  }
}

function tlsInfo(s: TLSSocket): { version: string; cipher: string } {
  const c = s.getCipher();
  return { version: s.getProtocol() ?? 'TLS', cipher: c?.standardName ?? c?.name ?? 'unknown' };
}
