// The classic specs against answers known independently of mmcheck: closed
// forms (Counters), published figures (TwoPhase: 288 states), hand-derived
// shortest traces (Die Hard, Peterson, philosophers, 2PC) and state counts
// (derivations in each spec's header comment). Every trace is also replayed
// step by step through the spec's own transitions, so a trace that is short
// but not a real path fails.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spec, type Spec } from '../src/index.ts';
import type { BuiltModel } from '../src/spec/spec.ts';
import type { PropertyResult, RunResult, SearchStats, Trace } from '../src/spec/results.ts';
import { explore } from '../src/explicit/explore.ts';
import counters, { countersModel } from '../specs/classic/counters.ts';
import diehard from '../specs/classic/diehard.ts';
import peterson from '../specs/classic/peterson.ts';
import philosophers from '../specs/classic/philosophers.ts';
import twoPhase from '../specs/classic/two-phase-commit.ts';

const classicDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'specs', 'classic');

async function run(s: Spec<any>, variant: string): Promise<{ built: BuiltModel; result: RunResult<SearchStats> }> {
  const built = s.build(variant);
  return { built, result: await explore(built) };
}

function prop(r: RunResult, name: string): PropertyResult {
  const p = r.properties.find((q) => q.property === name);
  if (!p) throw new Error(`no result for ${name}; got ${r.properties.map((q) => q.property).join(', ')}`);
  return p;
}

function traceOf(r: RunResult, name: string): Trace {
  const t = prop(r, name).trace;
  if (!t) throw new Error(`${name} has no trace`);
  return t;
}

const labels = (t: Trace): string[] => t.steps.map((s) => s.transition.label);

/**
 * Re-executes a trace through the model's transitions: it must start in an
 * initial state, every step must be enabled where it is taken and lead to
 * the state the trace shows. Returns the states, initial first.
 */
function replay(built: BuiltModel, t: Trace): any[] {
  expect(built.model.inits).toContainEqual(t.initial);
  const states = [t.initial];
  let s = t.initial;
  t.steps.forEach((step, i) => {
    expect(step.transition.enabled(s), `step ${i + 1} (${step.transition.label}) enabled`).toBe(true);
    const n = structuredClone(s);
    step.transition.fire(s, n);
    expect(n, `state after step ${i + 1} (${step.transition.label})`).toEqual(step.state);
    states.push(step.state);
    s = step.state;
  });
  return states;
}

/** An invariant's counterexample: replays, holds before the last state, fails in it. */
function checkViolation(built: BuiltModel, r: RunResult, name: string): any[] {
  const t = traceOf(r, name);
  expect(t.kind).toBe('violation');
  expect(t.property).toBe(name);
  const states = replay(built, t);
  const pred = built.properties.find((p) => p.name === name)!.pred as (s: any) => boolean;
  states.slice(0, -1).forEach((s) => expect(pred(s)).toBe(true));
  expect(pred(states[states.length - 1])).toBe(false);
  return states;
}

/** A witness: replays and ends in the first state satisfying the predicate. */
function checkWitness(built: BuiltModel, r: RunResult, name: string): any[] {
  const t = traceOf(r, name);
  expect(t.kind).toBe('witness');
  const states = replay(built, t);
  const pred = built.properties.find((p) => p.name === name)!.pred as (s: any) => boolean;
  expect(pred(states[states.length - 1])).toBe(true);
  return states;
}

/** A deadlock: replays and ends in a state where no transition is enabled. */
function checkDeadlock(built: BuiltModel, r: RunResult): any[] {
  const t = traceOf(r, 'deadlockFree');
  expect(t.kind).toBe('deadlock');
  const states = replay(built, t);
  const last = states[states.length - 1];
  expect(built.transitions.filter((tr) => tr.enabled(last)).map((tr) => tr.label)).toEqual([]);
  return states;
}

describe('Counters(N, K) closed forms', () => {
  // (K+1)^N distinct; generated = 1 initial + one inc per counter below K in
  // every state (N*K*(K+1)^(N-1) in all) + the one reset; the all-K state is
  // N*K increments from the initial state and everything else is nearer, so
  // N*K + 1 BFS levels counting the initial state as level 1.
  const cases: [number, number][] = [
    [1, 0],
    [1, 1],
    [1, 7],
    [2, 0],
    [2, 1],
    [2, 3],
    [3, 2],
    [3, 4],
    [4, 5],
    [5, 2],
    [6, 1],
  ];
  for (const [N, K] of cases) {
    it(`N=${N} K=${K}`, async () => {
      const s = spec({
        name: 'counters-closed-form',
        variants: { v: { N, K } },
        model: countersModel,
        expect: { '*': { Bounded: 'holds', AllFull: 'holds' } },
      });
      const { built, result } = await run(s, 'v');
      expect(result.status).toBe('complete');
      expect(result.stats.distinct).toBe((K + 1) ** N);
      expect(result.stats.generated).toBe(N * K * (K + 1) ** (N - 1) + 2);
      expect(result.stats.depth).toBe(N * K + 1);
      expect(result.stats.queue).toBe(0);
      expect(prop(result, 'Bounded').verdict).toBe('holds');
      expect(prop(result, 'deadlockFree').verdict).toBe('holds');
      expect(prop(result, 'AllFull').verdict).toBe('holds');
      // The shortest witness of "all at K" is N*K increments.
      const w = checkWitness(built, result, 'AllFull');
      expect(w.length - 1).toBe(N * K);
    });
  }

  it("the spec's own variants match the closed forms", async () => {
    for (const v of counters.variants) {
      const { N, K } = counters.config(v) as { N: number; K: number };
      const { result } = await run(counters, v);
      expect(result.stats.distinct, v).toBe((K + 1) ** N);
      expect(result.stats.generated, v).toBe(N * K * (K + 1) ** (N - 1) + 2);
      expect(result.stats.depth, v).toBe(N * K + 1);
    }
  });
});

describe('every classic spec gets its expected verdicts', () => {
  const files = readdirSync(classicDir).filter((f) => f.endsWith('.ts'));
  it('finds the classic specs', () => {
    expect(files).toEqual(
      expect.arrayContaining(['counters.ts', 'diehard.ts', 'peterson.ts', 'philosophers.ts', 'two-phase-commit.ts']),
    );
  });
  for (const f of files) {
    it(f, async () => {
      const s = (await import(join(classicDir, f))).default as Spec<any>;
      for (const v of s.variants) {
        const { built, result } = await run(s, v);
        expect(result.status, `${s.name}/${v}`).toBe('complete');
        expect(result.bounds).toBe(s.bounds(v));
        const got = Object.fromEntries(result.properties.map((p) => [p.property, p.verdict]));
        expect(got, `${s.name}/${v}`).toEqual(Object.fromEntries(built.expected));
        for (const p of result.properties) {
          // A violated invariant and a witnessed sometimes come with a trace;
          // a holds states the states it covers.
          const wantsTrace = p.kind === 'sometimes' ? p.verdict === 'holds' : p.verdict === 'violated';
          expect(!!p.trace, `${s.name}/${v} ${p.property} trace`).toBe(wantsTrace);
          if (p.kind !== 'sometimes' && p.verdict === 'holds')
            // (temporal properties also say which fairness they were checked under)
            expect(p.coverage, `${s.name}/${v} ${p.property} coverage`).toEqual({
              kind: 'exhaustive',
              states: result.stats.distinct,
              depth: result.stats.depth,
              ...(['eventually', 'leadsTo', 'infinitelyOften'].includes(p.kind) ? { fairness: expect.any(String) } : {}),
            });
        }
      }
    });
  }
});

describe('Die Hard', () => {
  it('jugs 5 and 3: the one shortest solution, 6 steps', async () => {
    const { built, result } = await run(diehard, 'jugs-5-3');
    expect(prop(result, 'NotSolved').verdict).toBe('violated');
    const states = checkViolation(built, result, 'NotSolved');
    expect(labels(traceOf(result, 'NotSolved'))).toEqual([
      'fillBig',
      'bigToSmall',
      'emptySmall',
      'bigToSmall',
      'fillBig',
      'bigToSmall',
    ]);
    expect(states).toEqual([
      { big: 0, small: 0 },
      { big: 5, small: 0 },
      { big: 2, small: 3 },
      { big: 2, small: 0 },
      { big: 0, small: 2 },
      { big: 5, small: 2 },
      { big: 4, small: 3 },
    ]);
  });

  it('jugs 5 and 3: 16 states (one jug empty or full), depth 8, no guards', async () => {
    const { result } = await run(diehard, 'jugs-5-3');
    // (b, s) with b in {0,5} (8) or s in {0,3} and b in 1..4 (8).
    expect(result.stats.distinct).toBe(16);
    // Six unguarded actions per state, plus the initial state.
    expect(result.stats.generated).toBe(1 + 6 * 16);
    // Levels by hand: {00} {03,50} {53,30,23} {33,20} {51,02} {01,52}
    // {10,43} {13,40}.
    expect(result.stats.depth).toBe(8);
  });

  it('jugs 6 and 3: 4 gallons cannot be measured (multiples of 3 only)', async () => {
    const { built, result } = await run(diehard, 'jugs-6-3');
    expect(prop(result, 'NotSolved').verdict).toBe('holds');
    expect(result.stats.distinct).toBe(6);
    expect(result.stats.generated).toBe(1 + 6 * 6);
    expect(checkWitness(built, result, 'BothFull').length - 1).toBe(2);
  });
});

describe('Peterson', () => {
  it('peterson: mutual exclusion in all 26 hand-counted states', async () => {
    const { built, result } = await run(peterson, 'peterson');
    expect(prop(result, 'MutualExclusion').verdict).toBe('holds');
    expect(prop(result, 'deadlockFree').verdict).toBe('holds');
    expect(result.stats.distinct).toBe(26);
    // flag, turn, wait: the earliest a process can be at cs.
    const w = checkWitness(built, result, 'CanEnter');
    expect(w.length - 1).toBe(3);
  });

  it('turn-first: both in cs after exactly 6 steps', async () => {
    const { built, result } = await run(peterson, 'turn-first');
    expect(prop(result, 'MutualExclusion').verdict).toBe('violated');
    const states = checkViolation(built, result, 'MutualExclusion');
    expect(states.length - 1).toBe(6);
    // Each process takes its three entry steps once: turn, flag, wait.
    const steps = labels(traceOf(result, 'MutualExclusion')).sort();
    expect(steps).toEqual(
      ['proc[p0].flag', 'proc[p0].turn', 'proc[p0].wait', 'proc[p1].flag', 'proc[p1].turn', 'proc[p1].wait'].sort(),
    );
    // The flags are functions of the pcs; every (pc0, pc1, turn) is reachable.
    expect(result.stats.distinct).toBe(5 * 5 * 2);
  });

  it('flag-only: safe, but deadlocks after both raise their flags', async () => {
    const { built, result } = await run(peterson, 'flag-only');
    expect(prop(result, 'MutualExclusion').verdict).toBe('holds');
    expect(prop(result, 'deadlockFree').verdict).toBe('violated');
    const states = checkDeadlock(built, result);
    expect(states.length - 1).toBe(2);
    expect(states[2].flag).toEqual([true, true]);
    expect(states[2].proc).toEqual([{ pc: 'wait' }, { pc: 'wait' }]);
    expect(result.stats.distinct).toBe(4 * 4 - 4);
    expect(checkWitness(built, result, 'CanEnter').length - 1).toBe(2);
  });
});

describe('dining philosophers', () => {
  /**
   * Reachable states, counted without exploring: the pc vectors whose fork
   * holdings do not overlap (every such vector is reachable, see the spec).
   */
  function consistentVectors(N: number, ordered: boolean): number {
    const forks = (i: number, pc: number): number[] => {
      const l = i;
      const r = (i + 1) % N;
      const first = ordered && r < l ? r : l;
      return pc === 0 ? [] : pc === 1 ? [first] : [l, r];
    };
    let count = 0;
    for (let code = 0; code < 3 ** N; code++) {
      const held = new Array(N).fill(0);
      for (let i = 0, c = code; i < N; i++, c = Math.floor(c / 3)) for (const f of forks(i, c % 3)) held[f]++;
      if (held.every((h) => h <= 1)) count++;
    }
    return count;
  }

  for (const [v, N] of [
    ['left-first', 3],
    ['left-first-5', 5],
  ] as const) {
    it(`${v}: deadlock after exactly ${N} steps, everyone holding the left fork`, async () => {
      const { built, result } = await run(philosophers, v);
      expect(prop(result, 'deadlockFree').verdict).toBe('violated');
      const states = checkDeadlock(built, result);
      expect(states.length - 1).toBe(N);
      const expected = Array.from({ length: N }, (_, i) => `phil[Phil${i}].takeFirst`);
      expect(labels(traceOf(result, 'deadlockFree')).sort()).toEqual(expected.sort());
      const last = states[N];
      expect(last.fork).toEqual(Array.from({ length: N }, (_, i) => i));
      expect(result.stats.distinct).toBe(consistentVectors(N, false));
    });
  }

  for (const [v, N] of [
    ['ordered', 3],
    ['ordered-5', 5],
  ] as const) {
    it(`${v}: no deadlock, philosophers keep eating`, async () => {
      const { built, result } = await run(philosophers, v);
      expect(prop(result, 'deadlockFree').verdict).toBe('holds');
      expect(prop(result, 'NeighboursNeverEatTogether').verdict).toBe('holds');
      expect(result.stats.distinct).toBe(consistentVectors(N, true));
      expect(checkWitness(built, result, 'SomeoneEats').length - 1).toBe(2);
    });
  }

  it('the hand counts: 14, 82 left-first; 12, 70 ordered', () => {
    expect([consistentVectors(3, false), consistentVectors(5, false)]).toEqual([14, 82]);
    expect([consistentVectors(3, true), consistentVectors(5, true)]).toEqual([12, 70]);
  });
});

describe('two-phase commit, 3 RMs', () => {
  it("two-phase: consistent, TwoPhase.tla's 288 states, depth 11", async () => {
    const { built, result } = await run(twoPhase, 'two-phase');
    expect(prop(result, 'Consistency').verdict).toBe('holds');
    expect(prop(result, 'deadlockFree').verdict).toBe('holds');
    expect(result.stats.distinct).toBe(288);
    expect(result.stats.depth).toBe(11);
    // All committed: 3 prepares, 3 receipts by the TM, commit, 3 receipts.
    expect(checkWitness(built, result, 'AllCommitted').length - 1).toBe(10);
    // All aborted: each RM chooses to abort.
    expect(labels(traceOf(result, 'AllAborted')).sort()).toEqual(
      ['rmChooseToAbort(r=RM0)', 'rmChooseToAbort(r=RM1)', 'rmChooseToAbort(r=RM2)'],
    );
  });

  it('two-phase without terminal states: the ends are deadlocks', async () => {
    // The terminal declaration is what makes deadlockFree hold: a copy of
    // the model without it deadlocks once the protocol has finished.
    const s = spec({
      name: 'two-phase-no-terminal',
      variants: { v: twoPhase.config('two-phase') },
      model: (c: any, v: string) => {
        const m = twoPhase.def.model(c, v);
        m.terminalPred = undefined;
        return m;
      },
      expect: { '*': { Consistency: 'holds', AllCommitted: 'holds', AllAborted: 'holds', deadlockFree: 'violated' } },
    });
    const { built, result } = await run(s, 'v');
    expect(prop(result, 'deadlockFree').verdict).toBe('violated');
    const states = checkDeadlock(built, result);
    // The nearest end: the TM aborts, then 3 RMs receive Abort (or choose to abort).
    expect(states.length - 1).toBe(4);
    expect(states[4].rmState).toEqual(['aborted', 'aborted', 'aborted']);
  });

  it('prepared-may-abort: inconsistent after exactly 9 steps', async () => {
    const { built, result } = await run(twoPhase, 'prepared-may-abort');
    expect(prop(result, 'Consistency').verdict).toBe('violated');
    const states = checkViolation(built, result, 'Consistency');
    expect(states.length - 1).toBe(9);
    const kinds = labels(traceOf(result, 'Consistency')).map((l) => l.replace(/\(.*\)$/, ''));
    const count = (k: string): number => kinds.filter((x) => x === k).length;
    expect(count('rmPrepare')).toBe(3);
    expect(count('tmRcvPrepared')).toBe(3);
    expect(count('tmCommit')).toBe(1);
    expect(count('rmRcvCommit')).toBe(1);
    expect(count('rmChooseToAbort')).toBe(1);
  });
});
