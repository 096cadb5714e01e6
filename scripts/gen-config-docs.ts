// Writes docs/config.md from the config schema (`npm run docs`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigDocs } from '../src/config/index.ts';

const file = join(import.meta.dirname, '..', 'docs', 'config.md');
writeFileSync(file, renderConfigDocs());
console.log(`wrote ${file}`);
