// The relay decision: may this recipient be accepted from this client? A pure function of
// (facts, rules) asked by smtp/ at RCPT time (DESIGN.md, step 2). Never an open relay: a
// recipient is accepted only when it is local, or its domain is one we relay for, or the client
// is authenticated or in mynetworks. Unknown local recipients are refused at once (no backscatter).
import type { BlockList } from 'node:net';
import { isIPv6 } from 'node:net';
import { normalizeIp } from './access.ts';

export interface RelayFacts {
  /** What the directory said about the recipient. */
  resolution: 'local' | 'unknown' | 'not-local';
  /** The recipient's domain, lower-case A-label. */
  recipientDomain: string;
  authenticated: boolean;
  clientIp: string;
}

export interface RelayRules {
  /** Client ranges trusted to relay (top-level `mynetworks`); null when empty. */
  mynetworks: BlockList | null;
  /** Domains we accept mail for and forward (top-level `relay_domains`), lower case. */
  relayDomains: readonly string[];
}

export type RelayVerdict =
  | { kind: 'local' }
  | { kind: 'relay'; reason: 'authenticated' | 'mynetworks' | 'relay-domain' }
  | { kind: 'unknown-user'; detail: string }
  | { kind: 'deny'; detail: string };

export function isInNetworks(ip: string, networks: BlockList | null): boolean {
  if (!networks) return false;
  const n = normalizeIp(ip);
  return networks.check(n, isIPv6(n) ? 'ipv6' : 'ipv4');
}

export function decideRelay(facts: RelayFacts, rules: RelayRules): RelayVerdict {
  if (facts.resolution === 'local') return { kind: 'local' };
  if (facts.resolution === 'unknown') return { kind: 'unknown-user', detail: `no such user in local domain ${facts.recipientDomain}` };
  if (facts.authenticated) return { kind: 'relay', reason: 'authenticated' };
  if (isInNetworks(facts.clientIp, rules.mynetworks)) return { kind: 'relay', reason: 'mynetworks' };
  if (rules.relayDomains.includes(facts.recipientDomain)) return { kind: 'relay', reason: 'relay-domain' };
  return { kind: 'deny', detail: `${facts.recipientDomain} is not local, not in relay_domains, and ${facts.clientIp} is neither authenticated nor in mynetworks` };
}
