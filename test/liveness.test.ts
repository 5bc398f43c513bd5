// Temporal properties under fairness against independent truth: TLC's
// verdicts and counts on the same models (the TLA+ originals from
// tlaplus/Examples, and the TLA+ versions of mutex-liveness in
// test/fixtures/tla, run with TLC 2.20: figures recorded below), and
// hand-derived answers on models small enough to work out. Every lasso is
// checked twice, independently of the engine: its steps are replayed
// through the model's transitions, and checkLasso confirms the property
// fails on it and its cycle is fair.

import { afterAll, describe, expect, it } from 'vitest';
import { array, bool, domain, enumOf, int, model, record, spec, thread, type Fairness, type Spec } from '../src/index.ts';
import type { BuiltModel } from '../src/spec/spec.ts';
import type { PropertyResult, RunResult, SearchStats, Trace } from '../src/spec/results.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkLasso } from '../src/explicit/lasso-check.ts';
import { codecFor } from '../src/state/codec.ts';
import mutex from '../specs/classic/mutex-liveness.ts';
import ewd840 from '../specs/classic/ewd840.ts';
import allocator from '../specs/classic/simple-allocator.ts';
import coffeeCan from '../specs/classic/coffee-can.ts';
import philosophers from '../specs/classic/dining-philosophers.ts';

async function run(s: Spec<any>, variant: string, opts = {}): Promise<{ built: BuiltModel; result: RunResult<SearchStats> }> {
  const built = s.build(variant);
  return { built, result: await explore(built, opts) };
}

function prop(r: RunResult, name: string): PropertyResult {
  const p = r.properties.find((q) => q.property === name);
  if (!p) throw new Error(`no result for ${name}`);
  return p;
}

/** The lasso is a path of the model, the property fails on it, and its cycle is fair. */
function checkValidLasso(built: BuiltModel, t: Trace): void {
  expect(t.loop, 'a lasso has a loop index').toBeTypeOf('number');
  expect(built.model.inits).toContainEqual(t.initial);
  const codec = codecFor(built.model.schema);
  const states = [t.initial];
  let s = t.initial;
  t.steps.forEach((step, i) => {
    expect(step.transition.enabled(s), `step ${i + 1} enabled`).toBe(true);
    const n = codec.clone(s);
    step.transition.fire(s, n);
    expect(codec.equal(n, step.state), `state after step ${i + 1}`).toBe(true);
    states.push(step.state);
    s = step.state;
  });
  const p = built.properties.find((q) => q.name === t.property)!;
  const v = checkLasso(built, p, states, t.loop!);
  expect(v.reason, v.reason).toMatch(/fails on this fair behaviour/);
  expect(v.ok).toBe(true);
}

async function verdicts(s: Spec<any>, variant: string): Promise<{ result: RunResult<SearchStats>; got: Record<string, string> }> {
  const { built, result } = await run(s, variant);
  for (const p of result.properties) if (p.trace?.loop !== undefined) checkValidLasso(built, p.trace);
  return { result, got: Object.fromEntries(result.properties.map((p) => [p.property, p.verdict])) };
}

describe('TLC agrees on verdicts and counts', () => {
  // TLC 2.20, -workers 1, one property per run, on test/fixtures/tla/MutexLock.tla
  // (Fair = "unfair" | "weak" | "strong") and PetersonLive.tla (Fair = "unfair" | "weak").
  const tlc: Record<string, { distinct: number; generated: number; v: [string, string, string] }> = {
    'lock-unfair': { distinct: 3, generated: 5, v: ['violated', 'violated', 'violated'] },
    'lock-weak': { distinct: 3, generated: 5, v: ['violated', 'holds', 'holds'] },
    'lock-strong': { distinct: 3, generated: 5, v: ['holds', 'holds', 'holds'] },
    'peterson-unfair': { distinct: 26, generated: 45, v: ['violated', 'violated', 'violated'] },
    'peterson-weak': { distinct: 26, generated: 45, v: ['holds', 'holds', 'holds'] },
  };
  for (const [variant, want] of Object.entries(tlc)) {
    it(`mutex-liveness ${variant}: AEnters, Entering, SomeEnters as TLC`, async () => {
      const { result, got } = await verdicts(mutex, variant);
      expect([got.AEnters, got.Entering, got.SomeEnters]).toEqual(want.v);
      expect(result.stats.distinct).toBe(want.distinct);
      expect(result.stats.generated).toBe(want.generated);
    });
  }

  it('EWD840 (N = 3, WF_vars(System)): 302 distinct, 2,001 generated, depth 9, Liveness holds, as TLC', async () => {
    const { result, got } = await verdicts(ewd840, 'n3');
    expect([result.stats.distinct, result.stats.generated, result.stats.depth]).toEqual([302, 2001, 9]);
    expect(got).toMatchObject({ Liveness: 'holds', Inv: 'holds', TerminationDetection: 'holds' });
  });

  it('EWD840 without fairness: Liveness violated', async () => {
    const { got } = await verdicts(ewd840, 'unfair');
    expect(got.Liveness).toBe('violated');
  });

  it('SimpleAllocator: 400 distinct, 1,633 generated, depth 6; everything holds, as TLC', async () => {
    const { result, got } = await verdicts(allocator, 'SimpleAllocator');
    expect([result.stats.distinct, result.stats.generated, result.stats.depth]).toEqual([400, 1633, 6]);
    expect(Object.entries(got).filter(([, v]) => v !== 'holds')).toEqual([]);
  });

  it('SimpleAllocator2: ClientsWillReturn holds, ClientsWillObtain and InfOftenSatisfied violated, as TLC', async () => {
    const { got } = await verdicts(allocator, 'SimpleAllocator2');
    for (const [name, v] of Object.entries(got)) {
      if (/^(ClientsWillObtain|InfOftenSatisfied)/.test(name)) expect(v, name).toBe('violated');
      else expect(v, name).toBe('holds');
    }
  });
});

describe('CoffeeCan (100 beans, WF_can(Next))', () => {
  it('5,150 distinct, 20,002 generated, depth 1, everything holds, as TLC; without fairness it may stop', async () => {
    const { result, got } = await verdicts(coffeeCan, 'beans100');
    expect([result.stats.distinct, result.stats.generated, result.stats.depth]).toEqual([5150, 20002, 1]);
    expect(Object.entries(got).filter(([, v]) => v !== 'holds')).toEqual([]);
    const unfair = await verdicts(coffeeCan, 'unfair');
    expect([unfair.got.EventuallyTerminates, unfair.got.TerminationHypothesis]).toEqual(['violated', 'violated']);
  });
});

describe('DiningPhilosophers (NP = 5, fair process)', () => {
  it('67 distinct, 336 generated, depth 29, nobody starves, as TLC; unfair processes may stop', async () => {
    const { result, got } = await verdicts(philosophers, 'np5');
    expect([result.stats.distinct, result.stats.generated, result.stats.depth]).toEqual([67, 336, 29]);
    expect(Object.entries(got).filter(([, v]) => v !== 'holds')).toEqual([]);
    const unfair = await verdicts(philosophers, 'unfair');
    expect(Object.entries(unfair.got).filter(([k, v]) => k.startsWith('NobodyStarves') && v !== 'violated')).toEqual([]);
  });
});

describe('hand-derived answers', () => {
  it('a lock waiter without fairness: stutters in the initial state (0 steps)', async () => {
    const { result } = await run(mutex, 'lock-unfair');
    const t = prop(result, 'AEnters').trace!;
    expect([t.steps.length, t.loop]).toEqual([0, 0]);
  });

  it('weak fairness on a lock that flips: A starves while B takes and releases (cycle of 2 from the start)', async () => {
    const { result } = await run(mutex, 'lock-weak');
    const t = prop(result, 'AEnters').trace!;
    expect(t.loop).toBe(0);
    expect(t.steps.map((s) => s.transition.label)).toEqual(['worker[B].try', 'worker[B].cs']);
  });

  // x in 0..2. a: 0 -> 1, b: 1 -> 0, c: 1 -> 2 (strongly fair). <>(x = 2)?
  // c is enabled only at 1, so a fair cycle must avoid 1: only stuttering at 0,
  // which is fair iff a is unfair (weak fairness on a forces the step 0 -> 1).
  function sfModel(aFair: Fairness) {
    return spec({
      name: 'sf-refine',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 2) }));
        m.init({ x: 0 });
        m.action('a', { guard: (s) => s.x === 0, apply: (_s, n) => void (n.x = 1), fairness: aFair });
        m.action('b', { guard: (s) => s.x === 1, apply: (_s, n) => void (n.x = 0), fairness: 'weak' });
        m.action('c', { guard: (s) => s.x === 1, apply: (_s, n) => void (n.x = 2), fairness: 'strong' });
        m.eventually('Reaches2', (s) => s.x === 2);
        return m;
      },
      deadlock: false,
      expect: { v: { Reaches2: aFair === 'weak' ? 'holds' : 'violated' } },
    });
  }
  it('strong fairness splits a component: the cycle avoiding the SF-enabled state is fair only if a is unfair', async () => {
    const unfair = await run(sfModel('unfair'), 'v');
    const t = prop(unfair.result, 'Reaches2').trace!;
    expect([t.steps.length, t.loop]).toEqual([0, 0]);
    checkValidLasso(unfair.built, t);
    const weak = await run(sfModel('weak'), 'v');
    expect(prop(weak.result, 'Reaches2').verdict).toBe('holds');
  });

  it('without strong fairness on c, the 0 <-> 1 cycle is a fair counterexample of 2 steps', async () => {
    const s = spec({
      name: 'wf-only',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 2) }));
        m.init({ x: 0 });
        m.action('a', { guard: (s) => s.x === 0, apply: (_s, n) => void (n.x = 1), fairness: 'weak' });
        m.action('b', { guard: (s) => s.x === 1, apply: (_s, n) => void (n.x = 0), fairness: 'weak' });
        m.action('c', { guard: (s) => s.x === 1, apply: (_s, n) => void (n.x = 2), fairness: 'weak' });
        m.eventually('Reaches2', (s) => s.x === 2);
        return m;
      },
      deadlock: false,
      expect: { v: { Reaches2: 'violated' } },
    });
    const { built, result } = await run(s, 'v');
    const t = prop(result, 'Reaches2').trace!;
    expect([t.steps.length, t.loop]).toEqual([2, 0]);
    checkValidLasso(built, t);
  });

  // Fairness is judged on steps: 'b' (unfair, declared first, so the search
  // records it) and 'a' (weakly fair) both flip x between 0 and 1; 'c'
  // (unfair) may go to 2. Flipping for ever is fair (each flip is an a step,
  // whatever the search recorded), so <>(x = 2) is violated.
  it('a step counts for a fair action whichever action the search attributed it to', async () => {
    const s = spec({
      name: 'steps-not-labels',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 2) }));
        m.init({ x: 0 });
        m.action('b', { guard: (s) => s.x < 2, apply: (s, n) => void (n.x = 1 - s.x) });
        m.action('a', { guard: (s) => s.x < 2, apply: (s, n) => void (n.x = 1 - s.x), fairness: 'weak' });
        m.action('c', { guard: (s) => s.x < 2, apply: (_s, n) => void (n.x = 2) });
        m.eventually('Reaches2', (s) => s.x === 2);
        return m;
      },
      deadlock: false,
      expect: { v: { Reaches2: 'violated' } },
    });
    const { built, result } = await run(s, 'v');
    const t = prop(result, 'Reaches2').trace!;
    expect([t.steps.length, t.loop]).toEqual([2, 0]);
    checkValidLasso(built, t);
  });

  // A weakly fair step that changes nothing is not ENABLED <<A>>_vars: it
  // cannot forbid stuttering, so <>(x = 1) fails with b unfair.
  it('a no-op step does not make its fairness constraint enabled', async () => {
    const s = spec({
      name: 'noop-fair',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 1) }));
        m.init({ x: 0 });
        m.action('idle', { apply: () => {}, fairness: 'weak' });
        m.action('b', { guard: (s) => s.x === 0, apply: (_s, n) => void (n.x = 1) });
        m.eventually('Reaches1', (s) => s.x === 1);
        return m;
      },
      deadlock: false,
      expect: { v: { Reaches1: 'violated' } },
    });
    const { result } = await run(s, 'v');
    expect(prop(result, 'Reaches1').trace!.steps.length).toBe(0);
  });

  // A thread that finishes stutters in its done state for ever (TLA+): with
  // weak fairness it runs to the end, and []<>(pc = 'a') fails there.
  it('a finished thread stutters for ever: the lasso ends in the done state', async () => {
    const Pc = enumOf('a', 'b', 'done');
    void Pc;
    const s = spec({
      name: 'ends',
      variants: { v: {} },
      model: () => {
        const m = model(record({ t: record({ pc: enumOf('a', 'b', 'done') }) }));
        m.init({ t: { pc: 'a' } });
        m.thread('t', { at: (s) => s.t, steps: { a: {}, b: {} }, fairness: 'weak' });
        m.infinitelyOften('OftenA', (s) => s.t.pc === 'a');
        m.eventually('Finishes', (s) => s.t.pc === 'done');
        return m;
      },
      expect: { v: { OftenA: 'violated', Finishes: 'holds' } },
    });
    const { built, result } = await run(s, 'v');
    const t = prop(result, 'OftenA').trace!;
    expect([t.steps.length, t.loop]).toEqual([2, 2]);
    checkValidLasso(built, t);
    expect(prop(result, 'Finishes').verdict).toBe('holds');
  });

  // PlusCal's `try:+` (strong fairness of one label) inside a weakly fair
  // process, written with m.fair and a `where` on the pc: the waiter no
  // longer starves (as lock-strong), while weak fairness alone starves it.
  it("strong fairness of one step (PlusCal's label+) via m.fair with a where on the pc", async () => {
    const s = spec({
      name: 'label-plus',
      variants: { weak: { plus: false }, plus: { plus: true } },
      model: ({ plus }) => {
        const W = domain('W', ['A', 'B']);
        const m = model(record({ locked: bool(), w: array(thread(['try', 'cs'], {}, { forever: true }), W) }));
        m.init({ locked: false, w: [{ pc: 'try' }, { pc: 'try' }] });
        m.thread('worker', {
          instances: W,
          fairness: 'weak',
          at: (s, self) => s.w[self]!,
          steps: {
            try: { guard: (s) => !s.locked, apply: (_s, n) => void (n.locked = true) },
            cs: { apply: (_s, n) => ((n.locked = false), 'try') },
          },
        });
        if (plus) m.fair('strong', 'try+', { actions: ['worker'], per: ['self'], where: (s, p) => s.w[p.self]!.pc === 'try' });
        m.leadsTo('AEnters', (s) => s.w[0]!.pc === 'try', (s) => s.w[0]!.pc === 'cs');
        return m;
      },
      expect: { weak: { AEnters: 'violated' }, plus: { AEnters: 'holds' } },
    });
    expect(prop((await run(s, 'weak')).result, 'AEnters').verdict).toBe('violated');
    const plus = await run(s, 'plus');
    expect(plus.built.fairness.map((c) => c.label)).toEqual(['worker[A]', 'worker[B]', 'try+(self=A)', 'try+(self=B)']);
    expect(prop(plus.result, 'AEnters').verdict).toBe('holds');
  });

  it('a truncated search never says holds for a temporal property', async () => {
    const { result } = await run(mutex, 'peterson-weak', { maxStates: 10 });
    expect(result.status).toBe('incomplete');
    for (const name of ['AEnters', 'Entering', 'SomeEnters']) expect(prop(result, name).verdict).toBe('unknown');
  });

  it('checkLasso rejects an unfair cycle and a cycle that satisfies the property', async () => {
    const built = mutex.build('lock-weak');
    const p = built.properties.find((q) => q.name === 'AEnters')!;
    const init = built.model.inits[0];
    // Stuttering in the initial state: A and B are enabled there, so weak fairness forbids it.
    expect(checkLasso(built, p, [init], 0).ok).toBe(false);
    const strong = mutex.build('lock-strong');
    const { result } = await run(mutex, 'lock-weak');
    const t = prop(result, 'AEnters').trace!;
    const states = [t.initial, ...t.steps.map((s) => s.state)];
    // The same cycle under strong fairness is unfair: A is enabled at the start of each round.
    expect(checkLasso(strong, strong.properties.find((q) => q.name === 'AEnters')!, states, 0).ok).toBe(false);
  });
});

describe('domain and fairness declarations', () => {
  it('fairness names a missing action: a clear error when the model is built', () => {
    const D = domain('D', 2);
    const s = spec({
      name: 'bad-fair',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 1) }));
        m.init({ x: 0 });
        m.action('a', { params: { d: D }, apply: () => {} });
        m.fair('weak', 'F', { actions: ['nope'] });
        return m;
      },
      expect: {},
    });
    expect(() => s.build('v')).toThrow(/fairness F names no action or thread 'nope'/);
  });
});

describe('the symbolic engines and temporal properties', () => {
  afterAll(async () => {
    const { disposeZ3 } = await import('../src/symbolic/index.ts');
    await disposeZ3();
  });

  it('bmc answers unknown (never holds) for temporal properties, and still checks the others', async () => {
    const { checkSymbolic } = await import('../src/symbolic/index.ts');
    const r = await checkSymbolic(mutex.build('lock-strong'), { engine: 'bmc', depth: 2 });
    for (const name of ['AEnters', 'Entering', 'SomeEnters']) {
      const p = prop(r, name);
      expect(p.verdict, name).toBe('unknown');
      expect(p.coverage.kind).toBe('not-checked');
    }
    expect(prop(r, 'deadlockFree').coverage).toEqual({ kind: 'bounded', depth: 2 }); // checked, within the bound
  }, 60_000);

  it("either steps and state constraints are refused by the symbolic engines, not translated as something else", async () => {
    const { checkSymbolic } = await import('../src/symbolic/index.ts');
    const mk = (kind: 'either' | 'constraint') =>
      spec({
        name: `sym-${kind}`,
        variants: { v: {} },
        model: () => {
          const m = model(record({ x: int(0, 2), t: thread(['pick']) }));
          m.init({ x: 0, t: { pc: 'pick' } });
          m.thread('t', {
            at: (s) => s.t,
            steps: { pick: kind === 'either' ? { either: { one: { apply: (_s, n) => void (n.x = 1) } } } : {} },
          });
          if (kind === 'constraint') m.constraint((s) => s.x < 1);
          m.always('Small', (s) => s.x < 2);
          return m;
        },
        expect: { v: { Small: 'holds' } },
      });
    await expect(checkSymbolic(mk('either').build('v'), { engine: 'bmc', depth: 1 })).rejects.toThrow(/'either' alternatives \(t\.pick\)/);
    await expect(checkSymbolic(mk('constraint').build('v'), { engine: 'bmc', depth: 1 })).rejects.toThrow(/state constraint/);
  });

  it('set(Domain) schemas are refused by the symbolic engines with a clear error', async () => {
    const { checkSymbolic } = await import('../src/symbolic/index.ts');
    await expect(checkSymbolic(allocator.build('SimpleAllocator'), { engine: 'bmc', depth: 1 })).rejects.toThrow(
      /set\(Domain\) fields are not supported by the symbolic engines/,
    );
  });
});
