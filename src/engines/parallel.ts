// The parallel explicit engine: level-synchronous breadth-first search by
// worker threads over a shared store, optionally reduced by symmetry
// (src/explicit/parallel/, docs/performance.md). Counts, verdicts and trace
// lengths equal the explicit engine's; which of several shortest traces is
// reported may vary between runs, so its traces are not the golden ones.

import { availableParallelism } from 'node:os';
import type { Engine } from './engine.ts';
import { explicitEngine, searchLimits } from './explicit.ts';

export const parallelEngine: Engine = {
  name: 'parallel',
  summary: 'breadth-first search by worker threads (--workers, default: all cores)',
  interruptible: true,
  golden: false,
  visitsTransitions: false,
  options: [
    // The explicit engine's limits, and only those this engine implements.
    ...explicitEngine.options.filter((o) => ['maxStates', 'maxDepth', 'maxMemory', 'deadlock', 'symmetry'].includes(o.key)),
    { key: 'workers', flag: '--workers <n>', description: 'threads, the main one included (default: the machine\'s cores)', value: { kind: 'positive-int' } },
  ],
  // Imported when this engine runs: the default engine's start-up does not pay for it.
  run: async (built, o, ctx) =>
    (await import('../explicit/parallel/explore-parallel.ts')).exploreParallel(built, {
      ...searchLimits(o, ctx),
      workers: (o.workers as number | undefined) ?? availableParallelism(),
    }),
};
