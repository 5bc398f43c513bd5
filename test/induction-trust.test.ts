// The trust items of the symbolic engine's proofs (issue 10): translation
// validation must catch a wrong term before a "holds" is reported (each
// kind of term is broken on purpose here: a guard, a successor leaf, a state
// property), and its batched check must count what it compares. An error
// of the spec that induction meets as a CTI (a property or transition that
// throws, a write out of range) is looked for by BMC and reported as the
// spec error BFS reports, unless it is unreachable.

import { afterAll, describe, expect, test } from 'vitest';
import counters from '../specs/classic/counters.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem, type SymSystem } from '../src/symbolic/system.ts';
import { TranslationMismatch, validateTranslation } from '../src/symbolic/validate.ts';
import type { SymbolicOptions } from '../src/symbolic/index.ts';
import { bfs, fixture, oneSpec, removeFixtures, symbolic } from './symbolic-harness.ts';

afterAll(async () => {
  await disposeZ3();
  removeFixtures();
});

describe('translation validation', () => {
  const built = counters.build('n2-k3');
  const broken = async (f: (sys: SymSystem) => Partial<SymSystem>): Promise<SymSystem> => {
    const sys = await symbolicSystem(built);
    return { ...sys, ...f(sys) };
  };

  test('the faithful translation passes, and every state, guard, successor and property is compared', async () => {
    const sys = await symbolicSystem(built);
    const st = validateTranslation(sys, 16);
    // Counters(2, 3): 16 states, each with 3 transitions (inc(0), inc(1), reset).
    expect(st.states).toBe(16);
    expect(st.guards).toBe(48);
    // inc(i) enabled below 3: 2 * 3 * 4 = 24, reset once.
    expect(st.successors).toBe(25);
    // Bounded and AllFull in each state.
    expect(st.properties).toBe(32);
  });

  test('a negated guard is named', async () => {
    const sys = await broken((s) => ({ trans: s.trans.map((t, i) => (i === 2 ? { ...t, guard: s.z.Not(t.guard) } : t)) }));
    expect(() => validateTranslation(sys)).toThrow(TranslationMismatch);
    expect(() => validateTranslation(sys)).toThrow(/the guard of reset/);
  });

  test('a successor leaf off by five is named with the field and both values (signed)', async () => {
    const sys = await broken((s) => ({
      trans: s.trans.map((t, i) =>
        i === 0 ? { ...t, next: t.next.map((x, j) => (j === 0 ? (x as any).sub(s.enc.alg.num(5)) : x)) } : t,
      ),
    }));
    expect(() => validateTranslation(sys)).toThrow(/field c\[0\] is 1 in JavaScript, -4 in the translation/);
  });

  test('a state property that is wrong in one reachable state is named', async () => {
    const sys = await broken((s) => ({
      props: s.props.map((p) =>
        p.entry.name === 'AllFull' ? { ...p, holds: s.z.Or(p.holds, s.enc.eq(s.X, [s.enc.alg.num(1), s.enc.alg.num(2)])) } : p,
      ),
    }));
    expect(() => validateTranslation(sys)).toThrow(/property AllFull disagrees with JavaScript in state \{"c":\[1,2\]\}/);
  });
});

describe('induction: an error of the spec is reported as BFS reports it (issue 11)', () => {
  const IND: SymbolicOptions = { engine: 'induction', depth: 4 };
  const spec = (name: string, body: string) =>
    fixture({ 'spec.ts': oneSpec(name, 'x: int(0, 3)', '{ x: 0 }', body, 'deadlock: false,') });

  test('a property that throws in a reachable state: the spec error, not unknown', async () => {
    const built = (
      await spec(
        'ind-throw',
        `m.action('inc', { guard: (s) => s.x < 3, apply: (s, n) => { n.x = s.x + 1; } });
         m.always('P', (s) => { if (s.x === 2) throw new Error('boom'); return true; });`,
      )
    ).build('v');
    const truth = await bfs(built);
    expect('error' in truth && truth.error).toMatch(/property P threw (Error: )?boom/);
    const ind = await symbolic(built, IND);
    expect('error' in ind ? ind.error : ind.verdicts).toMatch(/property P threw boom after inc, inc/);
  });

  test('a transition that throws, and one that writes out of range: spec errors for every int mode', async () => {
    for (const [name, apply, message] of [
      ['ind-apply-throws', `(s, n) => { if (s.x === 2) throw new Error('bang'); n.x = s.x + 1; }`, /throws after inc, inc: bang/],
      ['ind-write-range', `(s, n) => { n.x = s.x === 2 ? 7 : s.x + 1; }`, /inc after inc, inc sets x/],
    ] as const) {
      const built = (await spec(name, `m.action('inc', { guard: (s) => s.x < 3, apply: ${apply} });\n m.always('P', (s) => s.x >= 0);`)).build('v');
      const truth = await bfs(built);
      expect('error' in truth, name).toBe(true);
      for (const ints of ['auto', 'unbounded', 'bounded'] as const) {
        const ind = await symbolic(built, { ...IND, ints });
        expect('error' in ind ? ind.error : ind.verdicts, `${name} ${ints}`).toMatch(message);
      }
    }
  });

  test('a throw only in an unreachable state is no error: P holds, as BFS says', async () => {
    const built = (
      await spec(
        'ind-throw-unreachable',
        `m.action('inc', { guard: (s) => s.x < 1, apply: (s, n) => { n.x = s.x + 1; } });
         m.action('jump', { guard: (s) => s.x === 2, apply: (_s, n) => { n.x = 3; } });
         m.always('P', (s) => { if (s.x === 3) throw new Error('boom'); return true; });`,
      )
    ).build('v');
    const truth = await bfs(built);
    expect('error' in truth ? truth.error : truth.verdicts).toEqual({ P: 'holds' });
    const ind = await symbolic(built, IND);
    expect('error' in ind ? ind.error : ind.verdicts).toEqual({ P: 'holds' });
    // Not by induction (the CTI x = 2 -> 3 throws) but by BMC: every run ends within 1 step.
    expect('result' in ind && ind.result.properties[0]!.coverage.kind).toBe('exhaustive');
  });
});
