// Building blocks of the config schema: every key is declared with `key()`, which records its doc
// line and unit so that docs/config.md can be generated from the schema (CONVENTIONS.md §7).
import { isIP } from 'node:net';
import { z } from 'zod';

export interface KeyMeta {
  doc: string;
  unit?: string;
}

/**
 * Declares a config key: its schema, a default (omit for required keys) and one line of doc.
 * Defaults are written as they would be in the file ("5m") and parsed like file values (zod's
 * prefault), so a default can never bypass validation.
 */
export function key<T extends z.ZodType>(schema: T, meta: KeyMeta & { default: z.input<T> }): z.ZodPrefault<T>;
export function key<T extends z.ZodType>(schema: T, meta: KeyMeta): T;
export function key<T extends z.ZodType>(schema: T, meta: KeyMeta & { default?: z.input<T> }): z.ZodType {
  const { default: def, ...rest } = meta;
  const withDefault = def === undefined ? schema : schema.prefault(def as never);
  return withDefault.meta({ description: rest.doc, postern: rest });
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "500ms", "30s", "5m", "1h", "7d" (or a bare number of seconds) into milliseconds. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(v);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * durationUnits[m[2]!]!);
}

/** A duration; the value in the file is "30s", "5m"…, the parsed value is milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a duration (use e.g. "500ms", "30s", "5m", "1h", "7d")` });
    return z.NEVER;
  }
  return ms;
});

const sizeUnits: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Parses 1048576, "512KiB", "25MB" (binary multiples) into bytes. */
export function parseSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(v);
  const mult = m ? sizeUnits[m[2]!.toLowerCase()] : undefined;
  return m && mult !== undefined ? Number(m[1]) * mult : undefined;
}

/** A byte size; the value in the file is a number of bytes or "25MB", "512KiB"… */
export const byteSize = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseSize(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a size (use bytes, or e.g. "512KB", "25MB")` });
    return z.NEVER;
  }
  return n;
});

export const count = z.number().int().min(0);

/** "host:port" with an IPv4 address, "[v6]:port" or a host name. */
export const hostPort = z.string().superRefine((v, ctx) => {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d+)$/.exec(v);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not host:port (IPv6 as "[::1]:25")` });
    return;
  }
  const port = Number(m[3]);
  if (port > 65535) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a valid port` });
  if (m[1] !== undefined && isIP(m[1]) !== 6) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} has an invalid IPv6 address` });
});

export function splitHostPort(v: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d+)$/.exec(v);
  if (!m) throw new Error(`not host:port: ${v}`);
  return { host: m[1] ?? m[2]!, port: Number(m[3]) };
}

/** An IPv4 or IPv6 CIDR ("192.0.2.0/24", "2001:db8::/32") or a single address. */
export const cidr = z.string().superRefine((v, ctx) => {
  if (parseCidr(v) === undefined) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not an IP address or CIDR range` });
});

export function parseCidr(v: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [addr, len, ...rest] = v.trim().split('/');
  if (!addr || rest.length > 0) return undefined;
  const fam = isIP(addr);
  if (fam === 0) return undefined;
  const max = fam === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? max : Number(len);
  if (prefix > max) return undefined;
  return { address: addr, prefix, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

/** A DNS domain name (letters, digits, hyphens, dots; IDNs in A-label form). */
export const domainName = z.string().superRefine((v, ctx) => {
  if (!isDomainName(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a domain name` });
});

export function isDomainName(v: string): boolean {
  if (v.length === 0 || v.length > 253 || v.endsWith('.')) return false;
  return v.split('.').every((l) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(l));
}
