// Brute-force defence: failed-authentication counters per client IP and per account within a
// sliding window, growing delays before a failure is answered, and a temporary block once a
// threshold is passed. Time comes from an injected clock, so tests need no sleeping. Memory is
// bounded (auth.max_tracked): the least recently failed entries are forgotten first.
//
// A successful login resets the account's counter, not the IP's: one valid account must not let
// an attacker reset its address's counter and keep guessing other accounts.

export interface ThrottleSettings {
  failureWindowMs: number;
  delayAfterFailures: number;
  delayBaseMs: number;
  delayMaxMs: number;
  ipBlockAfter: number;
  accountBlockAfter: number;
  blockDurationMs: number;
  maxTracked: number;
}

interface Entry { failures: number[]; blockedUntil: number }

export type ThrottleCheck = { blocked: false } | { blocked: true; key: 'ip' | 'account'; untilMs: number };

export interface FailureOutcome {
  /** How long to wait before answering the failure. */
  delayMs: number;
  ipFailures: number;
  accountFailures: number;
  /** Set when this failure started a block. */
  newlyBlocked: ('ip' | 'account')[];
}

/** IPv6 clients are counted per /64: one host usually owns a whole /64. */
export function ipKey(address: string): string {
  const a = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  if (!a.includes(':')) return a;
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':')}::/64`;
}

class Table {
  private readonly map = new Map<string, Entry>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(k: string): Entry | undefined {
    return this.map.get(k);
  }
  touch(k: string): Entry {
    let e = this.map.get(k);
    if (e) this.map.delete(k); // re-insert: Map order is least recently used first
    else e = { failures: [], blockedUntil: 0 };
    this.map.set(k, e);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return e;
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  get size(): number {
    return this.map.size;
  }
}

export class AuthThrottle {
  private readonly s: ThrottleSettings;
  private readonly now: () => number;
  private readonly ips: Table;
  private readonly accounts: Table;

  constructor(settings: ThrottleSettings, now: () => number) {
    this.s = settings;
    this.now = now;
    this.ips = new Table(settings.maxTracked);
    this.accounts = new Table(settings.maxTracked);
  }

  private recent(e: Entry | undefined, t: number): number {
    if (!e) return 0;
    const from = t - this.s.failureWindowMs;
    while (e.failures.length > 0 && e.failures[0]! <= from) e.failures.shift();
    return e.failures.length;
  }

  /** Whether this client IP (or this account, when known) is blocked right now. */
  check(ip: string, account?: string): ThrottleCheck {
    const t = this.now();
    const ipE = this.ips.get(ipKey(ip));
    if (ipE && ipE.blockedUntil > t) return { blocked: true, key: 'ip', untilMs: ipE.blockedUntil };
    if (account !== undefined) {
      const acE = this.accounts.get(account.toLowerCase());
      if (acE && acE.blockedUntil > t) return { blocked: true, key: 'account', untilMs: acE.blockedUntil };
    }
    return { blocked: false };
  }

  /** Records one failure; returns the delay to apply and whether a block started. */
  recordFailure(ip: string, account: string | undefined): FailureOutcome {
    const t = this.now();
    const newlyBlocked: ('ip' | 'account')[] = [];
    const bump = (e: Entry, blockAfter: number, which: 'ip' | 'account'): number => {
      this.recent(e, t);
      e.failures.push(t);
      if (e.failures.length > 1000) e.failures.shift(); // bounded per entry too
      if (blockAfter > 0 && e.failures.length >= blockAfter && e.blockedUntil <= t) {
        e.blockedUntil = t + this.s.blockDurationMs;
        newlyBlocked.push(which);
      }
      return e.failures.length;
    };
    const ipFailures = bump(this.ips.touch(ipKey(ip)), this.s.ipBlockAfter, 'ip');
    const accountFailures = account === undefined ? 0 : bump(this.accounts.touch(account.toLowerCase()), this.s.accountBlockAfter, 'account');
    const n = Math.max(ipFailures, accountFailures) - this.s.delayAfterFailures;
    const delayMs = n <= 0 ? 0 : Math.min(this.s.delayMaxMs, this.s.delayBaseMs * 2 ** Math.min(n - 1, 30));
    return { delayMs, ipFailures, accountFailures, newlyBlocked };
  }

  /** A successful login resets the account's counter (and block). */
  recordSuccess(account: string): void {
    this.accounts.delete(account.toLowerCase());
  }

  /** Entries tracked (IPs, accounts), for tests and metrics. */
  get tracked(): { ips: number; accounts: number } {
    return { ips: this.ips.size, accounts: this.accounts.size };
  }
}
