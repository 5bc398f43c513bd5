// Bounded model checking with Z3: every run up to a depth.

import type { Engine } from './engine.ts';
import { DEPTH, NO_DEADLOCK, TIMEOUT } from './symbolic-options.ts';

export const bmcEngine: Engine = {
  name: 'bmc',
  summary: 'bounded model checking with Z3: every run of at most --depth steps',
  interruptible: false,
  golden: false,
  visitsTransitions: false,
  options: [DEPTH, TIMEOUT, NO_DEADLOCK],
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
