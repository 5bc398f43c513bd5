// Bounded model checking with Z3: every run up to a depth.

import { SpecError } from '../spec/errors.ts';
import type { SymbolicEngine } from '../symbolic/method.ts';
import { DEPTH, NO_DEADLOCK, TIMEOUT } from './symbolic-options.ts';

export const bmcEngine: SymbolicEngine = {
  name: 'bmc',
  summary: 'bounded model checking with Z3: every run of at most --depth steps',
  interruptible: false,
  golden: false,
  visitsTransitions: false,
  options: [DEPTH, TIMEOUT, NO_DEADLOCK],
  symbolic: {
    method: 'bounded model checking',
    search: async (built, opts, { solverSeconds, timeoutMs }) => {
      const { DEFAULT_DEPTH, bmc } = await import('../symbolic/bmc.ts');
      const { symbolicSystem } = await import('../symbolic/system.ts');
      const k = opts.depth ?? DEFAULT_DEPTH;
      if (!Number.isInteger(k) || k < 0) throw new SpecError(`--depth must be a non-negative integer, got ${k}`);
      const sys = await symbolicSystem(built);
      const out = await bmc(sys, k, solverSeconds, opts.properties ? new Set(opts.properties) : undefined, { deadlock: opts.deadlock, timeoutMs });
      return { results: out.results, depth: out.depthReached, ...(out.limit ? { limit: out.limit } : {}) };
    },
    provesUnboundedInts: () => false,
  },
  run: async (built, o) => {
    // Loaded only when asked for, so that the explicit path never loads Z3.
    const { checkSymbolic } = await import('../symbolic/index.ts');
    return checkSymbolic(built, {
      engine: 'bmc',
      depth: o.depth as number | undefined,
      timeout: o.timeout as number | undefined,
      deadlock: o.deadlock === false ? false : undefined,
    });
  },
};
