// Options shared by the symbolic engines.

import type { EngineOption } from './engine.ts';

export const DEPTH: EngineOption = {
  key: 'depth',
  flag: '--depth <k>',
  description: 'bounded model checking depth (for induction: of the witness search)',
  value: { kind: 'positive-int' },
};
