// The explorer packs and undoes only the fields an action wrote into n
// (codec.bindSuccessor), so a property that writes the state it is given
// would leak into later successors. Such a property is a spec error, caught
// on sampled states (the first 2,000 among them), and named.

import { describe, expect, it } from 'vitest';
import { int, model, record, spec } from '../src/index.ts';
import { SpecError } from '../src/spec/errors.ts';
import { explore } from '../src/explicit/explore.ts';

function run(prop: 'always' | 'transition') {
  const m = model(record({ x: int(0, 3), y: int(0, 3) }));
  m.init({ x: 0, y: 0 });
  m.action('incX', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
  m.action('incY', { guard: (s) => s.y < 3, apply: (s, n) => void (n.y = s.y + 1) });
  if (prop === 'always')
    m.always('meddles', (s) => {
      (s as any).y = 0;
      return true;
    });
  else
    m.transition('meddles', (_s, n) => {
      (n as any).y = 0;
      return true;
    });
  const built = spec({ name: 'meddling', variants: { v: {} }, model: () => m, expect: { v: { meddles: 'holds' } } }).build('v');
  return explore(built);
}

describe('properties must not write their state', () => {
  for (const kind of ['always', 'transition'] as const)
    it(`a ${kind} property that writes is a spec error`, async () => {
      const err = await run(kind).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SpecError);
      expect((err as Error).message).toMatch(/spec meddling.*a property modified the state/s);
    });
});
