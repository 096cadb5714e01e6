// Listener access: may this client connect at all? A pure function of (facts, rules), asked by
// net/ before a single byte is read or written (DESIGN.md, path of a message, step 1).
import { BlockList, isIPv6 } from 'node:net';

export type AccessRefusal = 'denied' | 'too-many-connections' | 'too-many-from-ip' | 'rate-limited';

export type AccessVerdict = { kind: 'accept' } | { kind: 'refuse'; reason: AccessRefusal; detail: string };

export interface AccessRules {
  allow: BlockList | null;
  deny: BlockList | null;
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** New connections per IP per minute; 0 disables. */
  connectionRatePerIp: number;
}

export interface AccessFacts {
  ip: string;
  /** Connections open on the listener right now (not counting this one). */
  open: number;
  /** Connections open from this client's address group. */
  openFromIp: number;
  /** Connections this client's address group opened in the last minute (not counting this one). */
  recentFromIp: number;
}

/** Builds a BlockList from CIDR strings ("192.0.2.0/24", "2001:db8::/32", "198.51.100.7"). */
export function blockListOf(cidrs: readonly string[]): BlockList | null {
  if (cidrs.length === 0) return null;
  const bl = new BlockList();
  for (const c of cidrs) {
    const [addr, len] = c.split('/') as [string, string | undefined];
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (len === undefined) bl.addAddress(addr, type);
    else bl.addSubnet(addr, Number(len), type);
  }
  return bl;
}

/** Normalises IPv4-mapped IPv6 ("::ffff:192.0.2.1") to plain IPv4, so IPv4 rules match. */
export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

function matches(list: BlockList, ip: string): boolean {
  return list.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4');
}

/**
 * The address group limits count against: the address itself for IPv4, its /64 for IPv6 (one
 * customer usually holds a whole /64, so per-address limits would be trivially evaded).
 */
export function clientGroup(ip: string): string {
  const n = normalizeIp(ip);
  if (!isIPv6(n)) return n;
  const [head, tail] = n.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.slice(0, 4).map((g) => parseInt(g || '0', 16).toString(16)).join(':') + '::/64';
}

export function checkAccess(facts: AccessFacts, rules: AccessRules): AccessVerdict {
  const ip = normalizeIp(facts.ip);
  if (rules.deny && matches(rules.deny, ip)) return { kind: 'refuse', reason: 'denied', detail: `${ip} matches a deny rule` };
  if (rules.allow && !matches(rules.allow, ip)) return { kind: 'refuse', reason: 'denied', detail: `${ip} matches no allow rule` };
  if (facts.open >= rules.maxConnections) return { kind: 'refuse', reason: 'too-many-connections', detail: `${facts.open} connections open (max_connections ${rules.maxConnections})` };
  if (facts.openFromIp >= rules.maxConnectionsPerIp) {
    return { kind: 'refuse', reason: 'too-many-from-ip', detail: `${facts.openFromIp} connections open from ${clientGroup(ip)} (max_connections_per_ip ${rules.maxConnectionsPerIp})` };
  }
  if (rules.connectionRatePerIp > 0 && facts.recentFromIp >= rules.connectionRatePerIp) {
    return { kind: 'refuse', reason: 'rate-limited', detail: `${facts.recentFromIp} connections from ${clientGroup(ip)} in the last minute (connection_rate_per_ip ${rules.connectionRatePerIp})` };
  }
  return { kind: 'accept' };
}
