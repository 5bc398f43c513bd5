// Inductive invariants with Z3: Init => Inv and Inv and Next => Inv'.

import type { SymbolicEngine } from '../symbolic/method.ts';
import { DEPTH, NO_DEADLOCK, TIMEOUT } from './symbolic-options.ts';

export const inductionEngine: SymbolicEngine = {
  name: 'induction',
  summary: "induction with Z3: Init => Inv, Inv and Next => Inv' (for all states)",
  interruptible: false,
  golden: false,
  visitsTransitions: false,
  options: [
    DEPTH,
    TIMEOUT,
    NO_DEADLOCK,
    { key: 'k', flag: '--k <k>', description: 'k for k-induction', value: { kind: 'positive-int' } },
    {
      key: 'infer',
      flag: '--infer',
      description: 'infer the strengthening (Houdini: property conjuncts and generated field relations)',
      value: { kind: 'switch' },
    },
    { key: 'invariant', flag: '--invariant <property>', description: 'an always property to use as the inductive strengthening', value: { kind: 'string' } },
    {
      key: 'ints',
      flag: '--ints <mode>',
      description: 'int fields as mathematical integers or within their ranges',
      value: { kind: 'choice', choices: ['auto', 'unbounded', 'bounded'] },
    },
  ],
  symbolic: {
    method: 'k-induction',
    search: async (built, opts, { solverSeconds, timeoutMs }) => {
      const { induction } = await import('../symbolic/induction.ts');
      const out = await induction(built, opts, solverSeconds, timeoutMs);
      return { results: out.results, depth: out.depth, ...(out.limit ? { limit: out.limit } : {}) };
    },
    // 'auto' and 'unbounded' prove with int fields as mathematical integers.
    provesUnboundedInts: (opts) => opts.ints !== 'bounded',
  },
  run: async (built, o) => {
    const { checkSymbolic } = await import('../symbolic/index.ts');
    return checkSymbolic(built, {
      engine: 'induction',
      depth: o.depth as number | undefined,
      k: o.k as number | undefined,
      invariant: o.invariant as string | undefined,
      infer: o.infer === true,
      ints: o.ints as 'auto' | 'unbounded' | 'bounded' | undefined,
      timeout: o.timeout as number | undefined,
      deadlock: o.deadlock === false ? false : undefined,
    });
  },
};
