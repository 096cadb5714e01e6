// Renders docs/config.md from the schema, so the documentation can never drift from the code.
import { z } from 'zod';
import { configSchema, listenerLimitsSchema, listenerSchema } from './schema.ts';
import type { KeyMeta } from './types.ts';

interface Row { key: string; type: string; def: string; unit: string; doc: string }

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function metaOf(s: z.ZodType): KeyMeta | undefined {
  const m = z.globalRegistry.get(s) as { postern?: KeyMeta } | undefined;
  return m?.postern;
}

/** Strips default/optional/pipe wrappers; returns the core schema and the default, if any. */
function unwrap(s: z.ZodType): { core: z.ZodType; def?: unknown; optional: boolean } {
  let cur = s;
  let def: unknown;
  let optional = false;
  for (;;) {
    const d = defOf(cur);
    if (d.type === 'default' || d.type === 'prefault') {
      def = typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      cur = d.innerType as z.ZodType;
    } else if (d.type === 'optional') {
      optional = true;
      cur = d.innerType as z.ZodType;
    } else if (d.type === 'pipe') {
      cur = d.in as z.ZodType;
    } else return { core: cur, def, optional };
  }
}

function typeName(s: z.ZodType, unit: string | undefined): string {
  const d = defOf(s);
  switch (d.type) {
    case 'string': return 'string';
    case 'number': return 'integer';
    case 'boolean': return 'boolean';
    case 'enum': return Object.values(d.entries as Record<string, string>).map((v) => `"${v}"`).join(' \\| ');
    case 'array': return `array of ${typeName(unwrap(d.element as z.ZodType).core, undefined)}`;
    case 'object': return 'table';
    case 'union': return unit === 'bytes' || unit === 'duration' ? unit : (d.options as z.ZodType[]).map((o) => typeName(o, undefined)).join(' or ');
    default: return d.type;
  }
}

function rowsOf(shape: Record<string, z.ZodType>, prefix: string, skipTables: boolean): Row[] {
  const rows: Row[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const meta = metaOf(schema);
    const { core, def, optional } = unwrap(schema);
    if (skipTables && (defOf(core).type === 'object' || name === 'listener')) continue;
    const isDuration = defOf(core).type === 'union' && meta?.unit === undefined && JSON.stringify(def ?? '').match(/^"\d+(ms|s|m|h|d)"$/);
    const unit = meta?.unit ?? (isDuration ? 'duration' : '');
    rows.push({
      key: prefix + name,
      type: typeName(core, unit === 'duration' || unit === 'bytes' ? unit : undefined),
      def: def === undefined ? (optional ? '(unset)' : '**required**') : `\`${JSON.stringify(def)}\``,
      unit,
      doc: meta?.doc ?? '',
    });
  }
  return rows;
}

function table(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return ['| key | type | default | unit | meaning |', '|---|---|---|---|---|', ...rows.map((r) => `| \`${r.key}\` | ${r.type} | ${r.def} | ${esc(r.unit)} | ${esc(r.doc)} |`)].join('\n');
}

function objectShape(s: z.ZodType): Record<string, z.ZodType> {
  const core = unwrap(s).core;
  return (defOf(core).shape ?? {}) as Record<string, z.ZodType>;
}

export function renderConfigDocs(): string {
  const top = objectShape(configSchema as unknown as z.ZodType);
  const parts: string[] = [
    '# Configuration reference',
    '',
    '<!-- Generated from src/config/ by `npm run docs`; do not edit by hand. -->',
    '',
    'Postern reads one TOML file, `DATA/postern.toml` (`postern init` writes a commented one). Unknown keys are errors, so a typo never silently falls back to a default. Durations are written as `"500ms"`, `"30s"`, `"5m"`, `"1h"`, `"7d"`; sizes as a number of bytes or `"512KB"`, `"25MB"` (binary multiples). Relative paths are relative to the data directory.',
    '',
    'A bad file stops startup (exit code 2) with one line per problem naming the file, the key and what is wrong, e.g. `listener[2].address: "0.0.0.0:99999" is not a valid port`.',
    '',
    '## Top level',
    '',
    table(rowsOf(top, '', true)),
    '',
    '## `[[listener]]`',
    '',
    'Any number of listeners; each is a TCP socket with its own protocol, TLS mode, access rules and limits.',
    '',
    table(rowsOf(objectShape(listenerSchema as unknown as z.ZodType), '', false).filter((r) => r.key !== 'limits')),
    '',
    '## `[listener.limits]`',
    '',
    'Each limit has a safe default; a breach is answered with the protocol\'s proper reply, never a silently dropped socket.',
    '',
    table(rowsOf(objectShape(listenerLimitsSchema as unknown as z.ZodType), '', false)),
  ];
  for (const [name, schema] of Object.entries(top)) {
    const { core } = unwrap(schema);
    if (defOf(core).type !== 'object') continue;
    const shape = objectShape(core);
    parts.push('', `## \`[${name}]\``, '', metaOf(schema)?.doc ?? '', '');
    parts.push(Object.keys(shape).length === 0 ? '(no keys yet)' : table(rowsOf(shape, '', false)));
  }
  return parts.join('\n') + '\n';
}
