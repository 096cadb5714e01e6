// Listeners: bind each configured address, apply the listener's access rules and connection
// limits before a byte is read (policy/access), do implicit TLS, hand the connection to its
// protocol's handler, keep a registry of open connections, and shut down gracefully.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ListenerConfig } from '../config/index.ts';
import { splitHostPort } from '../config/index.ts';
import { newSessionId, type Logger } from '../observe/index.ts';
import { blockListOf, checkAccess, clientGroup, normalizeIp, type AccessRules } from '../policy/index.ts';
import { alpnFor, type TlsProvider } from '../tls/index.ts';
import type { Connection, ProtocolHandler, RefuseReason } from './types.ts';

export interface BoundListener {
  name: string;
  protocol: ListenerConfig['protocol'];
  tls: ListenerConfig['tls'];
  host: string;
  port: number;
}

export interface ListenerSetOptions {
  listeners: readonly ListenerConfig[];
  handlers: Partial<Record<ListenerConfig['protocol'], ProtocolHandler>>;
  tls: TlsProvider | undefined;
  log: Logger;
  hostname: string;
  now?: () => number;
  /** How long an implicit-TLS handshake may take. */
  handshakeTimeoutMs?: number;
}

const RATE_WINDOW_MS = 60_000;

/** Per-listener book-keeping of open connections and recent connection times per client group. */
class ListenerState {
  readonly config: ListenerConfig;
  readonly rules: AccessRules;
  readonly handler: ProtocolHandler;
  server: Server | undefined;
  open = 0;
  readonly openByGroup = new Map<string, number>();
  readonly recentByGroup = new Map<string, number[]>();

  constructor(config: ListenerConfig, handler: ProtocolHandler) {
    this.config = config;
    this.handler = handler;
    this.rules = {
      allow: blockListOf(config.allow),
      deny: blockListOf(config.deny),
      maxConnections: config.limits.max_connections,
      maxConnectionsPerIp: config.limits.max_connections_per_ip,
      connectionRatePerIp: config.limits.connection_rate_per_ip,
    };
  }

  /** Connection times of a group within the window; prunes older ones (memory stays bounded by the rate limit). */
  recent(group: string, now: number): number[] {
    const list = this.recentByGroup.get(group);
    if (!list) return [];
    while (list.length > 0 && list[0]! <= now - RATE_WINDOW_MS) list.shift();
    if (list.length === 0) this.recentByGroup.delete(group);
    return list;
  }

  sweep(now: number): void {
    for (const g of [...this.recentByGroup.keys()]) this.recent(g, now);
  }
}

export class ListenerSet {
  private readonly opts: ListenerSetOptions;
  private readonly states: ListenerState[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly shutdown = new AbortController();
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sessionsDone = new Set<Promise<void>>();
  readonly bound: BoundListener[] = [];

  constructor(opts: ListenerSetOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Binds every listener whose protocol has a handler; rejects (and unbinds all) if any bind fails. */
  async start(): Promise<BoundListener[]> {
    for (const cfg of this.opts.listeners) {
      const handler = this.opts.handlers[cfg.protocol];
      if (!handler) {
        this.opts.log.warn('net.listener.skipped', { listener: cfg.name, protocol: cfg.protocol, reason: 'protocol not implemented' });
        continue;
      }
      if (cfg.tls === 'implicit' && !this.opts.tls) throw new Error(`listener ${cfg.name}: tls = "implicit" needs a certificate ([tls] certificate/private_key)`);
      const state = new ListenerState(cfg, handler);
      this.states.push(state);
      const { host, port } = splitHostPort(cfg.address);
      // Not pauseOnConnect: such sockets stay paused even after a 'data' listener is attached. The
      // access check below runs synchronously on accept, before any session code sees a byte.
      const server = createServer({ noDelay: true });
      state.server = server;
      server.on('connection', (s) => this.accept(state, s));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host, port, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        await this.close(0);
        const e = err as NodeJS.ErrnoException;
        throw new Error(`listener ${cfg.name}: cannot listen on ${cfg.address}: ${e.code ?? e.message}`, { cause: err });
      }
      server.on('error', (err) => this.opts.log.error('net.listener.error', { listener: cfg.name, err }));
      const addr = server.address();
      const b: BoundListener = { name: cfg.name, protocol: cfg.protocol, tls: cfg.tls, host, port: typeof addr === 'object' && addr ? addr.port : port };
      this.bound.push(b);
      this.opts.log.info('net.listener.started', { ...b });
    }
    this.sweeper = setInterval(() => this.states.forEach((s) => s.sweep(this.now())), RATE_WINDOW_MS);
    this.sweeper.unref();
    return this.bound;
  }

  /** Connections currently open, over all listeners. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  private accept(state: ListenerState, socket: Socket): void {
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const group = clientGroup(ip);
    const now = this.now();
    const id = newSessionId();
    const log = this.opts.log.child({ session: id, listener: state.config.name });
    socket.on('error', (err) => log.debug('net.socket.error', { code: (err as NodeJS.ErrnoException).code, message: err.message }));

    let refusal: RefuseReason | undefined;
    let detail = '';
    if (this.shutdown.signal.aborted) refusal = 'shutting-down';
    else {
      const v = checkAccess({ ip, open: state.open, openFromIp: state.openByGroup.get(group) ?? 0, recentFromIp: state.recent(group, now).length }, state.rules);
      if (v.kind === 'refuse') {
        refusal = v.reason;
        detail = v.detail;
      }
    }
    // Every attempt counts towards the rate, refused or not, so hammering does not reset the window.
    const list = state.recentByGroup.get(group) ?? [];
    if (list.length <= state.rules.connectionRatePerIp) list.push(now);
    state.recentByGroup.set(group, list);

    if (refusal) {
      log.info('net.connection.refused', { ip, port: socket.remotePort, reason: refusal, detail });
      this.refuse(state, socket, refusal);
      return;
    }

    state.open++;
    state.openByGroup.set(group, (state.openByGroup.get(group) ?? 0) + 1);
    this.sockets.add(socket);
    // 'close' comes once; release is idempotent anyway ('on' spares the wrapper 'once' allocates).
    const release = () => {
      if (!this.sockets.delete(socket)) return;
      state.open--;
      const n = (state.openByGroup.get(group) ?? 1) - 1;
      if (n <= 0) state.openByGroup.delete(group);
      else state.openByGroup.set(group, n);
    };
    socket.on('close', release);
    log.info('net.connection.accepted', { ip, port: socket.remotePort, local: `${socket.localAddress}:${socket.localPort}` });

    const done: Promise<void> = this.runSession(state, socket, id, ip, log).then(() => {
      if (!socket.destroyed) socket.destroy();
      this.sessionsDone.delete(done);
    });
    this.sessionsDone.add(done);
  }

  // runSession and handOver are plain functions returning promises, not async ones: a session
  // lasts for hours, and each suspended async frame under it would be kept all that time.
  private runSession(state: ListenerState, raw: Socket, id: string, ip: string, log: Logger): Promise<void> {
    if (state.config.tls !== 'implicit') return this.handOver(state, raw, raw, id, ip, log);
    return this.handshake(raw, log, state.config).then((tlsSocket) => (tlsSocket ? this.handOver(state, raw, tlsSocket, id, ip, log) : undefined));
  }

  /** Runs the protocol's session; never rejects (a crash is logged). */
  private handOver(state: ListenerState, raw: Socket, socket: Socket, id: string, ip: string, log: Logger): Promise<void> {
    // Bytes the client sends before the handler listens stay buffered in the socket (with
    // backpressure), so a handler may wait before its greeting and still see an impatient client.
    const conn: Connection = {
      id, socket, remoteAddress: ip, remotePort: raw.remotePort ?? 0, localAddress: normalizeIp(raw.localAddress ?? ''), localPort: raw.localPort ?? 0,
      listener: state.config, implicitTls: state.config.tls === 'implicit', log, shutdown: this.shutdown.signal,
    };
    const crashed = (err: unknown): void => log.error('net.session.crashed', { err });
    try {
      return state.handler.handle(conn).catch(crashed);
    } catch (err) {
      crashed(err);
      return Promise.resolve();
    }
  }

  /** Implicit TLS (RFC 8314 §3): the handshake comes first; a failed or slow one closes quietly. */
  private handshake(raw: Socket, log: Logger, cfg: ListenerConfig): Promise<TLSSocket | undefined> {
    return new Promise((resolve) => {
      const tlsSocket = new TLSSocket(raw, { isServer: true, ...this.opts.tls!.serverOptions({ listener: cfg.name, alpn: alpnFor(cfg.protocol) }) });
      const timer = setTimeout(() => {
        log.info('net.tls.handshake_timeout', {});
        tlsSocket.destroy();
        resolve(undefined);
      }, this.opts.handshakeTimeoutMs ?? 10_000);
      tlsSocket.once('secure', () => {
        clearTimeout(timer);
        resolve(tlsSocket);
      });
      tlsSocket.once('error', (err) => {
        clearTimeout(timer);
        log.info('net.tls.handshake_failed', { message: err.message });
        tlsSocket.destroy();
        resolve(undefined);
      });
    });
  }

  /** Writes the protocol's refusal line and closes; over implicit TLS the line goes after a handshake. */
  private refuse(state: ListenerState, socket: Socket, reason: RefuseReason): void {
    const line = state.handler.refusal(reason, this.opts.hostname);
    const finish = (s: Socket) => {
      s.end(line);
      s.setTimeout(5000, () => s.destroy());
    };
    if (state.config.tls === 'implicit' && reason !== 'denied') {
      const t = new TLSSocket(socket, { isServer: true, ...this.opts.tls!.serverOptions({ listener: state.config.name, alpn: alpnFor(state.config.protocol) }) });
      t.once('secure', () => finish(t));
      t.once('error', () => t.destroy());
      t.setTimeout(5000, () => t.destroy());
      socket.resume();
    } else if (state.config.tls === 'implicit') {
      socket.destroy(); // a denied client gets no handshake: no CPU spent on it
    } else {
      socket.resume();
      finish(socket);
    }
  }

  /**
   * Graceful shutdown: stop accepting, signal every session (they finish their command and say
   * goodbye), wait up to timeoutMs, then destroy what is left.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const closing = this.states.map((s) => new Promise<void>((r) => (s.server?.listening ? s.server.close(() => r()) : r())));
    this.shutdown.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([Promise.all([...this.sessionsDone]).then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (r === 'timeout' && this.sockets.size > 0) {
      this.opts.log.warn('net.shutdown.forced', { open: this.sockets.size });
      for (const s of this.sockets) s.destroy();
    }
    await Promise.all(closing);
  }
}
