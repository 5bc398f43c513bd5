// The explicit engine: breadth-first search of every reachable state.

import { explore, type ExploreOptions } from '../explicit/explore.ts';
import type { Engine, EngineContext, EngineOptions } from './engine.ts';

/** The options every explicit search takes the same way: limits, deadlock, symmetry, progress, interrupt. */
export function searchLimits(o: EngineOptions, ctx: EngineContext) {
  return {
    maxStates: o.maxStates as number | undefined,
    maxDepth: o.maxDepth as number | undefined,
    maxMemoryMB: o.maxMemory as number | undefined,
    deadlock: o.deadlock === false ? false : undefined,
    symmetry: o.symmetry === true,
    onProgress: ctx.onProgress,
    signal: ctx.signal,
  };
}

export const explicitEngine: Engine = {
  name: 'explicit',
  summary: 'breadth-first search of every reachable state (the default)',
  interruptible: true,
  golden: true,
  visitsTransitions: true,
  options: [
    { key: 'maxStates', flag: '--max-states <n>', description: 'stop (incomplete) after n distinct states', value: { kind: 'positive-int' } },
    { key: 'maxDepth', flag: '--max-depth <n>', description: 'explore at most n BFS levels (initial states are level 1)', value: { kind: 'positive-int' } },
    { key: 'maxMemory', flag: '--max-memory <MB>', description: 'stop (incomplete) when resident memory exceeds this', value: { kind: 'positive-int' } },
    { key: 'deadlock', flag: '--no-deadlock', description: 'do not check deadlock freedom', value: { kind: 'negated' } },
    {
      key: 'symmetry',
      flag: '--symmetry',
      description: 'store one state per orbit of the domains declared symmetric (temporal properties: not checked)',
      value: { kind: 'switch' },
    },
    {
      key: 'por',
      flag: '--por',
      description: 'partial-order reduction: fewer interleavings of independent thread steps (safety only; traces not always shortest)',
      value: { kind: 'switch' },
    },
  ],
  run: (built, o, ctx) =>
    explore(built, {
      ...searchLimits(o, ctx),
      onTransition: o.onTransition as ExploreOptions['onTransition'],
      // The symbolic front end (ts-morph, Z3) is loaded only for --por.
      por: o.por === true ? async (b) => (await import('../symbolic/footprint.ts')).footprintsOf(b) : undefined,
    }),
};
