// The trust items of the symbolic engine's proofs (issue 10): translation
// validation must catch a wrong term before a "holds" is reported (each
// kind of term is broken on purpose here: a guard, a successor leaf, a state
// property), and its batched check must count what it compares.

import { afterAll, describe, expect, test } from 'vitest';
import counters from '../specs/classic/counters.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem, type SymSystem } from '../src/symbolic/system.ts';
import { TranslationMismatch, validateTranslation } from '../src/symbolic/validate.ts';

afterAll(async () => {
  await disposeZ3();
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

  test('a successor leaf off by one is named with the field', async () => {
    const sys = await broken((s) => ({
      trans: s.trans.map((t, i) =>
        i === 0 ? { ...t, next: t.next.map((x, j) => (j === 0 ? (x as any).add(s.enc.alg.num(1)) : x)) } : t,
      ),
    }));
    expect(() => validateTranslation(sys)).toThrow(/field c\[0\] is 1 in JavaScript/);
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
