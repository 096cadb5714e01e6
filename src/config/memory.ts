// The `[memory]` table: how `postern start` shapes its JavaScript heap (src/cli/heap.ts).
import { z } from 'zod';
import { count, duration, key } from './types.ts';

export const memorySettings = {
  compact_heap: key(z.boolean(), { default: true, doc: 'Keep the JavaScript heap compact: a young generation of fixed size, a bounded growth between full collections (heap_growth_percent) and freed heap pages returned to the system after bursts (heap_trim_interval). false leaves V8\'s defaults: a little faster under heavy load, several times the memory.' }),
  heap_growth_percent: key(count.min(10).max(400), { default: 50, unit: 'percent', doc: 'With compact_heap: how far past its live size the heap may grow before the next full collection.' }),
  heap_trim_interval: key(duration, { default: '30s', doc: 'With compact_heap: how often to check whether memory the heap freed is still held, and return it to the system.' }),
} satisfies z.ZodRawShape;
