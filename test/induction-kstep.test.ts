// k-induction's step (kStepFails), asked per transition of the last step.
// The truth is a closed form: on the fixture below P holds (y stays 0, so x
// never reaches 3), and the unreachable states with y = 1 form a chain
// (0,1) -> (1,1) -> (2,1) -> (3,1) whose only way back is the wrap
// (2,1) -> (0,1). A simple path of k P-states ending in the step to x = 3
// exists for k = 1, 2, 3 and not for k = 4, so the step fails exactly for
// k < 4. The per-transition queries must give that answer, and the same
// answer as the single query over Next (kStepFailsOverNext), on it and on
// classic specs. A throw from a state with no successor defeats the step too.

import { afterAll, describe, expect, test } from 'vitest';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { kStepFails, kStepFailsOverNext } from '../src/symbolic/induction.ts';
import { fixture, oneSpec, removeFixtures } from './symbolic-harness.ts';
import counters from '../specs/classic/counters.ts';
import peterson from '../specs/classic/peterson.ts';

afterAll(async () => {
  await disposeZ3();
  removeFixtures();
});

const CHAIN = oneSpec(
  'kstep-chain',
  'x: int(0, 3), y: int(0, 1)',
  '{ x: 0, y: 0 }',
  `m.action('inc', { guard: (s) => s.x < 2, apply: (s, n) => { n.x = s.x + 1; } });
   m.action('wrap', { guard: (s) => s.x === 2, apply: (_s, n) => { n.x = 0; } });
   m.action('jump', { guard: (s) => s.x === 2 && s.y === 1, apply: (_s, n) => { n.x = 3; } });
   m.always('P', (s) => s.x !== 3);`,
  'deadlock: false,',
);

describe('kStepFails per transition', () => {
  test('the chain fixture: fails for k = 1, 2, 3, holds at k = 4, as the single query over Next says', async () => {
    const sys = await symbolicSystem((await fixture({ 'spec.ts': CHAIN })).build('v'));
    const p = sys.props.find((q) => q.entry.name === 'P')!;
    const split: unknown[] = [];
    const joint: unknown[] = [];
    for (let k = 1; k <= 5; k++) {
      split.push(await kStepFails(sys, p.holds, k, [], undefined, p.error));
      joint.push(await kStepFailsOverNext(sys, p.holds, k, [], undefined, p.error));
    }
    expect(split).toEqual([true, true, true, false, false]);
    expect(joint).toEqual(split);
  });

  test('classic specs: the same answer as the query over Next for every always property, k = 1..3', async () => {
    for (const built of [counters.build('n2-k3'), peterson.build('peterson'), peterson.build('turn-first')]) {
      const sys = await symbolicSystem(built);
      for (const p of sys.props.filter((q) => q.entry.kind === 'always'))
        for (let k = 1; k <= 3; k++) {
          const what = `${built.spec.name} ${p.entry.name} k=${k}`;
          expect(await kStepFails(sys, p.holds, k, [], undefined, p.error), what).toBe(
            await kStepFailsOverNext(sys, p.holds, k, [], undefined, p.error),
          );
        }
    }
  });

  test('a throw from a state with no successor defeats the step', async () => {
    const sp = await fixture({
      'spec.ts': oneSpec(
        'kstep-throw',
        'x: int(0, 2)',
        '{ x: 0 }',
        `m.action('inc', { guard: (s) => s.x < 2, apply: (s, n) => { n.x = s.x + 1; } });
         m.action('boom', { guard: (s) => s.x === 2, apply: () => { throw new Error('boom'); } });
         m.always('P', (s) => s.x >= 0);`,
        'deadlock: false,',
      ),
    });
    const sys = await symbolicSystem(sp.build('v'));
    const p = sys.props.find((q) => q.entry.name === 'P')!;
    for (let k = 1; k <= 3; k++) expect(await kStepFails(sys, p.holds, k, [], undefined, p.error), `k=${k}`).toBe(true);
  });
});
