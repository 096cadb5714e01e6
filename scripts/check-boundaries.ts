// CONVENTIONS.md §12: each folder of src/ is entered only through its index.ts, protocol folders
// never import each other, and folders form no import cycle. Run by `npm test`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..', 'src');
const protocols = new Set(['smtp', 'imap', 'pop3', 'managesieve']);
const problems: string[] = [];
const edges = new Map<string, Set<string>>();

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function folderOf(file: string): string {
  const rel = relative(root, file).split(sep);
  return rel.length > 1 ? rel[0]! : '.';
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
for (const file of walk(root, [])) {
  const isTest = file.endsWith('.test.ts');
  const from = folderOf(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec || !spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(root)) continue;
    const to = folderOf(target);
    if (to === from || to === '.') continue;
    const where = `${relative(resolve(root, '..'), file)}: imports "${spec}"`;
    if (!isTest && relative(join(root, to), target) !== 'index.ts') problems.push(`${where} — enter src/${to}/ through its index.ts`);
    if (protocols.has(from) && protocols.has(to)) problems.push(`${where} — protocol modules never import each other`);
    if (!isTest && from !== '.') {
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
}

// Folder-level cycle detection (depth-first search with colours).
const colour = new Map<string, 'grey' | 'black'>();
function visit(n: string, path: string[]): void {
  colour.set(n, 'grey');
  for (const m of edges.get(n) ?? []) {
    if (colour.get(m) === 'grey') problems.push(`import cycle: ${[...path, n, m].join(' -> ')}`);
    else if (!colour.has(m)) visit(m, [...path, n]);
  }
  colour.set(n, 'black');
}
for (const n of edges.keys()) if (!colour.has(n)) visit(n, []);

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} boundary problem(s)`);
  process.exit(1);
}
console.log(`module boundaries ok (${edges.size} folders with cross-folder imports)`);
