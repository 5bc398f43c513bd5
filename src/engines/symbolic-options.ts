// Options shared by the symbolic engines.

import type { EngineOption } from './engine.ts';

export const DEPTH: EngineOption = {
  key: 'depth',
  flag: '--depth <k>',
  description: 'bounded model checking depth (for induction: of the witness search)',
  value: { kind: 'positive-int' },
};

export const TIMEOUT: EngineOption = {
  key: 'timeout',
  flag: '--timeout <seconds>',
  description: 'seconds any one solver query may take, then unknown (default 300)',
  value: { kind: 'positive-int' },
};

/** The same switch as the explicit engine's (shared by key): honoured by BMC and induction too. */
export const NO_DEADLOCK: EngineOption = {
  key: 'deadlock',
  flag: '--no-deadlock',
  description: 'do not check deadlock freedom',
  value: { kind: 'negated' },
};
