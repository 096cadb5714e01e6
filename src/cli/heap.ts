// How `postern start` shapes its JavaScript heap ([memory] compact_heap; issue #4: 10,000 idle
// IMAP sessions in under 300 MB without tuning flags). V8's defaults favour throughput and leave a
// long-running server far above its live data, for three reasons measured with 10,000 IDLE
// sessions (live heap ~75 MB):
//   1. the young generation grows to 16 MB semi-spaces (48+ MB) under a burst and stays there;
//   2. the old generation may grow to ~4x its live size between full collections with a 4 GB
//      heap limit (the growing factor is lower only for small limits);
//   3. pages a collection frees go to V8's page pool and stay resident (RSS) indefinitely; only a
//      "last resort" collection hands them back.
// This sets two V8 flags at run time (both are read on every resize, so no re-exec and no
// command-line flags are needed): --semi-space-growth-factor=1 keeps the young generation at its
// initial 1 MB semi-spaces, --heap-growing-percent bounds (2). A timer addresses (3): when the
// memory held outside the heap grew by more than TRIM_THRESHOLD_BYTES since the last check, it
// runs one last-resort collection (~40 ms per 100 MB of heap). Nothing here caps the heap: a
// server with more sessions than expected gets slower collections, not an out-of-memory crash.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Logger } from '../observe/index.ts';

export interface HeapSettings {
  compact_heap: boolean;
  heap_growth_percent: number;
  /** Milliseconds. */
  heap_trim_interval: number;
}

/** Growth of resident memory outside the heap that makes a trim worth its pause. */
export const TRIM_THRESHOLD_BYTES = 32 * 1024 * 1024;

type GcFunction = (opts: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** V8's gc(), fetched once without exposing it as a global (node:vm gives it to a fresh context). */
function lastResortGc(): GcFunction {
  v8.setFlagsFromString('--expose-gc');
  try {
    return vm.runInNewContext('gc') as GcFunction;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** Resident memory not counted in the heap's committed size: pooled pages, malloc, code. */
function heldOutsideHeap(): number {
  const m = process.memoryUsage();
  return m.rss - m.heapTotal;
}

export interface HeapShaper {
  /** Runs the trim check now (the timer calls it every heap_trim_interval); true when it trimmed. */
  check(): boolean;
  stop(): void;
}

/** Applies [memory] to this process; stop() ends the trim timer. */
export function shapeHeap(settings: HeapSettings, log: Logger): HeapShaper {
  if (!settings.compact_heap) return { check: () => false, stop: () => {} };
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString(`--heap-growing-percent=${settings.heap_growth_percent}`);
  const gc = lastResortGc();
  let baseline = heldOutsideHeap();
  const check = (): boolean => {
    const held = heldOutsideHeap();
    if (held < baseline) baseline = held;
    if (held - baseline <= TRIM_THRESHOLD_BYTES) return false;
    const before = process.memoryUsage.rss();
    const started = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    baseline = heldOutsideHeap();
    log.info('server.heap.trimmed', { rss_before: before, rss_after: process.memoryUsage.rss(), pause_ms: Math.round(performance.now() - started) });
    return true;
  };
  const timer = setInterval(check, settings.heap_trim_interval);
  timer.unref();
  log.info('server.heap.compact', { heap_growth_percent: settings.heap_growth_percent, heap_trim_interval_ms: settings.heap_trim_interval });
  return { check, stop: () => clearInterval(timer) };
}
