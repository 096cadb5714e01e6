import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMemoryLogger } from '../observe/index.ts';
import { shapeHeap } from './heap.ts';

test('compact_heap = false changes nothing and never trims', () => {
  const logger = createMemoryLogger();
  const h = shapeHeap({ compact_heap: false, heap_growth_percent: 50, heap_trim_interval: 1000 }, logger);
  assert.equal(h.check(), false);
  h.stop();
  assert.equal(logger.lines.length, 0);
});

// In a child process: the flags shapeHeap sets would otherwise apply to the test runner.
test('after a burst of garbage, the check hands the freed heap pages back (RSS drops)', () => {
  const heapModule = fileURLToPath(new URL('./heap.ts', import.meta.url));
  const observe = fileURLToPath(new URL('../observe/index.ts', import.meta.url));
  const script = `
    const { shapeHeap } = await import(${JSON.stringify(heapModule)});
    const { createMemoryLogger } = await import(${JSON.stringify(observe)});
    const logger = createMemoryLogger();
    const lines = logger.lines;
    const h = shapeHeap({ compact_heap: true, heap_growth_percent: 50, heap_trim_interval: 3600000 }, logger);
    let keep = [];
    for (let i = 0; i < 1500000; i++) keep.push({ i, s: 'x' + i });
    keep = null;
    // An ordinary full collection frees the burst; its pages go to V8's pool and stay resident.
    globalThis.gc();
    const trimmed = h.check();
    h.stop();
    console.log(JSON.stringify({ trimmed, lines }));
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { trimmed: boolean; lines: Record<string, unknown>[] };
  assert.ok(out.lines.some((l) => l.event === 'server.heap.compact'));
  assert.equal(out.trimmed, true, JSON.stringify(out.lines));
  const t = out.lines.find((l) => l.event === 'server.heap.trimmed')!;
  assert.ok((t.rss_after as number) < (t.rss_before as number), JSON.stringify(t));
});
