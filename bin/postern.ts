#!/usr/bin/env node
// The `postern` command. Runs on Node 24 (type stripping); `npm install` provides it as
// node_modules/.bin/node, which npm and npx put first on the PATH.
import { main } from '../src/main.ts';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`postern needs Node.js 24 or later (this is ${process.version}); run it through npm/npx after \`npm install\`.\n`);
  process.exit(2);
}
process.exitCode = await main(process.argv.slice(2));
