// The project's one test command (`npm test`): typecheck, module-boundary check, then every
// unit, contract and e2e test through node:test, ending with the runner's summary.
// `npm test -- FILE...` runs only the named test files (no typecheck), for quick iteration.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const node = process.execPath;

function run(label: string, argv: string[]): void {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(node, argv, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`\n== ${label} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

const files = args.length > 0 ? args : ['src/**/*.test.ts', 'test/**/*.test.ts'];
if (args.length === 0) {
  run('typecheck (tsc --noEmit)', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  run('module boundaries', ['scripts/check-boundaries.ts']);
}
// Most tests wait on sockets and disks, not the CPU, so run more files than there are cores.
const concurrency = Math.max(4, availableParallelism() * 2);
run('tests', ['--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files]);
