// Flags on the wire (RFC 9051 §2.3.2): system flags and keywords.

export const systemFlagNames = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

export function formatFlags(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** Canonical spelling of a system flag given in any case; keywords unchanged. */
export function canonicalFlag(f: string): string {
  const sys = systemFlagNames.find((x) => x.toLowerCase() === f.toLowerCase());
  return sys ?? f;
}

/** Flags a client may set: system flags (not \Recent) and keywords (RFC 9051 §2.3.2). */
export function isStorableFlag(f: string): boolean {
  if (f.startsWith('\\')) return systemFlagNames.some((x) => x.toLowerCase() === f.toLowerCase());
  return f.length > 0;
}
