// Choosing a certificate by the SNI host name (RFC 6066 §3). A name matches a certificate exactly,
// or a wildcard "*.example.com" that stands for exactly one left-most label (RFC 6125 §6.4.3):
// "a.example.com" matches it, "example.com" and "a.b.example.com" do not. Exact names win.

export interface SniTable<T> {
  readonly exact: ReadonlyMap<string, T>;
  /** Keyed by the part after "*." */
  readonly wildcard: ReadonlyMap<string, T>;
}

export function normalizeHostname(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Builds the table; the first entry that claims a name keeps it. */
export function buildSniTable<T>(entries: readonly { names: readonly string[]; value: T }[]): SniTable<T> {
  const exact = new Map<string, T>();
  const wildcard = new Map<string, T>();
  for (const e of entries) {
    for (const raw of e.names) {
      const n = normalizeHostname(raw);
      if (n.startsWith('*.')) {
        if (!wildcard.has(n.slice(2))) wildcard.set(n.slice(2), e.value);
      } else if (!exact.has(n)) exact.set(n, e.value);
    }
  }
  return { exact, wildcard };
}

export function lookupSni<T>(table: SniTable<T>, servername: string | undefined | null): T | undefined {
  if (!servername) return undefined;
  const n = normalizeHostname(servername);
  const hit = table.exact.get(n);
  if (hit !== undefined) return hit;
  const dot = n.indexOf('.');
  if (dot <= 0) return undefined;
  return table.wildcard.get(n.slice(dot + 1));
}
