// Loads and validates postern.toml. Every problem is reported with the file, the key path and what
// is wrong (`listener[2].address: "0.0.0.0:99999" is not a valid port`); startup stops on the first file
// that has any.
import { readFileSync } from 'node:fs';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError } from '../errors/index.ts';
import { configSchema, type Config } from './schema.ts';

export class ConfigErrors extends Error {
  readonly errors: ConfigError[];
  constructor(file: string, errors: ConfigError[]) {
    super(`${file}: invalid configuration:\n` + errors.map((e) => `  ${e.key}: ${messageOf(e)}`).join('\n'));
    this.name = 'ConfigErrors';
    this.errors = errors;
  }
}

function messageOf(e: ConfigError): string {
  const prefix = `${e.file}: ${e.key}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** `['listener', 2, 'address']` → `listener[2].address`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += (out ? '.' : '') + String(p);
  }
  return out || '(top level)';
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_type': {
      const v = valueAt(raw, issue.path);
      if (v === undefined) return `is required (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${JSON.stringify(v)}`;
    }
    case 'invalid_value':
      return `${JSON.stringify(valueAt(raw, issue.path))} is not one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return `${JSON.stringify(valueAt(raw, issue.path))}: ${issue.message}`;
    case 'invalid_format':
      return `${JSON.stringify(valueAt(raw, issue.path))}: ${issue.message}`;
    default:
      return issue.message;
  }
}

/** Validates an already-parsed TOML document. */
export function validateConfig(raw: unknown, file = 'postern.toml'): Config {
  const r = configSchema.safeParse(raw);
  if (r.success) return r.data;
  const errors = r.error.issues.map((issue) => {
    // A union of string|number (durations, sizes) reports both branches; surface the custom message.
    let detail: z.core.$ZodIssue = issue;
    if (issue.code === 'invalid_union') {
      const inner = issue.errors.flat().find((i) => i.code === 'custom');
      if (inner) detail = { ...inner, path: [...issue.path, ...inner.path] };
    }
    return new ConfigError(formatKeyPath(detail.path), describeIssue(detail, raw), file);
  });
  throw new ConfigErrors(file, errors);
}

export function parseConfigText(text: string, file = 'postern.toml'): Config {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) {
      throw new ConfigErrors(file, [new ConfigError(`line ${err.line}, column ${err.column}`, `TOML syntax error: ${err.message.split('\n')[0]}`, file)]);
    }
    throw err;
  }
  return validateConfig(raw, file);
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigErrors(file, [new ConfigError('(file)', code === 'ENOENT' ? 'does not exist (run `postern init` first)' : `cannot be read: ${code}`, file)]);
  }
  return parseConfigText(text, file);
}
