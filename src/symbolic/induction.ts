// Inductive invariants. For an always property P (or a declared invariant I
// that implies it): Init => I, and I and Range and Next => I' and Range'
// (Range: the declared domains of the fields; int fields may be unbounded).
// When the step fails, the solver's model is a counterexample to induction
// (CTI): a state satisfying I whose successor does not, shown as a one-step
// trace so the user sees which strengthening is missing. k-induction
// (--k K) assumes P along k steps of a simple path instead of one.

import type { BuiltModel } from '../spec/spec.ts';
import type { Coverage, IntMode, PropertyResult, Trace } from '../spec/results.ts';
import { DEADLOCK_PROPERTY } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import { newSolver, symbolicSystem, type SymSystem } from './system.ts';
import { Unrolling, bmc } from './bmc.ts';
import { decodeAct, decodeState, replay } from './trace.ts';
import { check, checkMaybe, type ZBool } from './z3.ts';
import type { SymbolicOptions } from './index.ts';
import type { Model as ZModel } from 'z3-solver';

export interface InductionOutcome {
  readonly results: PropertyResult[];
  readonly depth: number;
}

/** Integer arithmetic can be slow where bit-vectors are not: unbounded attempts get this long. */
const UNBOUNDED_TIMEOUT_MS = 5000;

/** One solver query: is f satisfiable? ('unknown' only when a timeout is given.) */
async function sat(sys: SymSystem, f: ZBool, solverSeconds: number[], timeoutMs?: number): Promise<ZModel<'main'> | undefined | 'unknown'> {
  const s = newSolver(sys);
  if (timeoutMs) s.set('timeout', timeoutMs);
  s.add(f);
  const t0 = performance.now();
  const m = timeoutMs ? await checkMaybe(s) : await check(s);
  solverSeconds.push((performance.now() - t0) / 1000);
  return m;
}

/** sat() without a timeout: a model or undefined. */
async function satSure(sys: SymSystem, f: ZBool, solverSeconds: number[]): Promise<ZModel<'main'> | undefined> {
  return (await sat(sys, f, solverSeconds)) as ZModel<'main'> | undefined;
}

function hasInts(sys: SymSystem): boolean {
  return sys.enc.leaves.some((l) => l.type.kind === 'int');
}

/** What a proof in this system covers: unbounded only when there are ints to be unbounded. */
function intsOf(sys: SymSystem): IntMode {
  return sys.enc.unboundedInts && hasInts(sys) ? 'unbounded' : 'bounded';
}

const inductive = (k: number, ints: IntMode, strengthenedBy: readonly string[] = []): Coverage => ({ kind: 'inductive', k, ints, strengthenedBy });

/** The strongest invariant proven inductive, assumed by step properties and deadlock freedom. */
interface Strongest {
  readonly inv: (sys: SymSystem) => ZBool;
  readonly by: readonly string[];
}

/** I and Range and Next and not (I' and Range'): satisfiable iff I is not inductive. */
function stepQuery(sys: SymSystem, inv: ZBool): ZBool {
  const z = sys.z;
  const { X, X2 } = sys;
  const range = sys.enc.range(X);
  const inv2 = z.substitute(inv, ...X.map((x, i) => [x, X2[i]!] as [typeof x, typeof x])) as ZBool;
  return z.And(range, inv, sys.next, z.Not(z.And(inv2, sys.enc.range(X2))));
}

function cti(sys: SymSystem, m: ZModel<'main'>, property: string): Trace {
  const s = decodeState(sys, m, sys.X);
  const n = decodeState(sys, m, sys.X2);
  return replay(sys, 'cti', property, [s, n], [decodeAct(sys, m, sys.act)]);
}

function propHolds(sys: SymSystem, name: string): ZBool {
  const p = sys.props.find((q) => q.entry.name === name);
  if (!p) throw new SpecError(`spec ${sys.built.spec.name} has no property '${name}'`);
  return p.holds;
}

export async function induction(built: BuiltModel, opts: SymbolicOptions, solverSeconds: number[]): Promise<InductionOutcome> {
  const ints = opts.ints ?? 'auto';
  const K = opts.k ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new SpecError(`--k must be a positive integer, got ${K}`);
  const bounded = await symbolicSystem(built, { unboundedInts: ints === 'unbounded' });
  const systems: { sys: SymSystem; ints: IntMode }[] = [];
  if (ints === 'auto' && hasInts(bounded)) systems.push({ sys: await symbolicSystem(built, { unboundedInts: true }), ints: 'unbounded' });
  systems.push({ sys: bounded, ints: intsOf(bounded) });
  const z = bounded.z;
  const always = bounded.props.filter((p) => p.entry.kind === 'always');
  const results = new Map<string, PropertyResult>();

  // Base case for every always property: Init => P.
  for (const p of always) {
    const m = await satSure(bounded, z.And(bounded.init, z.Not(p.holds)), solverSeconds);
    if (m)
      results.set(p.entry.name, {
        property: p.entry.name,
        kind: 'always',
        verdict: 'violated',
        trace: replay(bounded, 'violation', p.entry.name, [decodeState(bounded, m, bounded.X)], []),
        coverage: { kind: 'trace', steps: 0 },
      });
  }

  // The strongest invariant proven inductive, for transition properties and deadlock.
  let strongest: Strongest | undefined;
  const proven = (name: string, coverage: Coverage) =>
    results.set(name, { property: name, kind: 'always', verdict: 'holds', coverage });

  /** Tries the unbounded system first (when asked), then the declared ranges; the last CTI if neither proves it. */
  const tryInductive = async (
    inv: (sys: SymSystem) => ZBool,
  ): Promise<{ ints: IntMode } | { cti: ZModel<'main'>; sys: SymSystem }> => {
    let last: { cti: ZModel<'main'>; sys: SymSystem } | undefined;
    for (const { sys, ints } of systems) {
      const m = await sat(sys, stepQuery(sys, inv(sys)), solverSeconds, sys.enc.unboundedInts && sys !== bounded ? UNBOUNDED_TIMEOUT_MS : undefined);
      if (m === 'unknown') continue;
      if (!m) return { ints };
      last = { cti: m, sys };
    }
    return last!;
  };

  // A declared strengthening: Init => I, I inductive, I => P.
  if (opts.invariant) {
    const name = opts.invariant;
    propHolds(bounded, name);
    if (results.has(name)) throw new SpecError(`invariant ${name} does not hold initially`);
    const r = await tryInductive((s) => propHolds(s, name));
    if ('ints' in r) {
      strongest = { inv: (s) => propHolds(s, name), by: [name] };
      proven(name, inductive(1, r.ints));
      for (const p of always) {
        if (results.has(p.entry.name)) continue;
        const m = await satSure(bounded, z.And(bounded.enc.range(bounded.X), propHolds(bounded, name), z.Not(p.holds)), solverSeconds);
        if (!m) proven(p.entry.name, inductive(1, r.ints, [name]));
      }
    } else {
      results.set(name, {
        property: name,
        kind: 'always',
        verdict: 'unknown',
        trace: cti(r.sys, r.cti, name),
        coverage: { kind: 'not-inductive', k: 1, of: 'declared-invariant' },
      });
    }
  }

  // Each property alone.
  const ctis = new Map<string, { cti: ZModel<'main'>; sys: SymSystem }>();
  for (const p of always) {
    const name = p.entry.name;
    if (results.has(name)) continue;
    const r = await tryInductive((s) => propHolds(s, name));
    if ('ints' in r) proven(name, inductive(1, r.ints));
    else ctis.set(name, r);
  }

  // All always properties together strengthen each other.
  const initOk = always.filter((p) => results.get(p.entry.name)?.verdict !== 'violated').map((p) => p.entry.name);
  if (initOk.length > 1 && ctis.size > 0) {
    const conj = (s: SymSystem) => z.And(...initOk.map((n) => propHolds(s, n)));
    const r = await tryInductive(conj);
    if ('ints' in r) {
      strongest ??= { inv: conj, by: initOk };
      for (const n of ctis.keys()) {
        proven(n, inductive(1, r.ints, initOk.filter((x) => x !== n)));
        ctis.delete(n);
      }
    }
  }
  // Properties inductive by themselves: their conjunction is inductive too.
  const alone = [...results.values()].filter((r) => r.verdict === 'holds').map((r) => r.property);
  if (!strongest && alone.length > 0)
    strongest = { inv: (s) => z.And(...alone.map((n) => propHolds(s, n))), by: alone };

  // k-induction: base by BMC to depth k-1, step over k assumed steps.
  for (const [name, r] of [...ctis]) {
    for (let k = 2; k <= K; k++) {
      const base = await bmc(bounded, k - 1, solverSeconds, new Set([name]));
      const b = base.results[0]!;
      if (b.verdict === 'violated') {
        results.set(name, b);
        ctis.delete(name);
        break;
      }
      if (!(await kStepFails(bounded, propHolds(bounded, name), k, solverSeconds))) {
        proven(name, inductive(k, intsOf(bounded)));
        ctis.delete(name);
        break;
      }
    }
    if (ctis.has(name))
      results.set(name, {
        property: name,
        kind: 'always',
        verdict: 'unknown',
        trace: cti(r.sys, r.cti, name),
        coverage: { kind: 'not-inductive', k: K, of: 'property' },
      });
  }

  const out: PropertyResult[] = [];
  const witnessDepth = opts.depth ?? 10;
  let witnessSearch: Map<string, PropertyResult> | undefined;
  const sometimes = bounded.props.filter((p) => p.entry.kind === 'sometimes').map((p) => p.entry.name);
  if (sometimes.length) {
    const w = await bmc(bounded, witnessDepth, solverSeconds, new Set(sometimes));
    witnessSearch = new Map(w.results.map((r) => [r.property, r]));
  }
  for (const p of bounded.props) {
    const name = p.entry.name;
    if (p.entry.kind === 'always') out.push(results.get(name)!);
    else if (p.entry.kind === 'sometimes') out.push(witnessSearch!.get(name)!);
    else out.push(await transitionProperty(bounded, name, p.holds, strongest, solverSeconds));
  }
  if (built.spec.deadlock) out.push(await deadlockFreedom(bounded, strongest, solverSeconds, witnessDepth));
  return { results: out, depth: K };
}

/** Assumes P on S0..S(k-1) (distinct states, all in range) and asks for not P at Sk. */
export async function kStepFails(sys: SymSystem, p: ZBool, k: number, solverSeconds: number[]): Promise<boolean> {
  const z = sys.z;
  const u = new Unrolling(sys, solverSeconds, false);
  for (let i = 0; i < k; i++) {
    u.solver.add(u.state(p, i));
    u.extend();
  }
  for (let i = 0; i <= k; i++)
    for (let j = i + 1; j <= k; j++) u.solver.add(z.Not(sys.enc.eq(u.S[i]!, u.S[j]!)));
  // A step out of the declared ranges (or a throw) from the last assumed state also defeats the proof.
  return !!(await u.check(z.Or(u.state(z.Not(p), k), u.state(sys.error, k - 1))));
}

async function transitionProperty(
  sys: SymSystem,
  name: string,
  holds: ZBool,
  strongest: Strongest | undefined,
  solverSeconds: number[],
): Promise<PropertyResult> {
  const z = sys.z;
  const inv = strongest ? strongest.inv(sys) : z.Bool.val(true);
  const m = await satSure(sys, z.And(sys.enc.range(sys.X), inv, sys.next, z.Not(holds)), solverSeconds);
  if (!m) return { property: name, kind: 'transition', verdict: 'holds', coverage: inductive(1, intsOf(sys), strongest?.by) };
  return {
    property: name,
    kind: 'transition',
    verdict: 'unknown',
    trace: cti(sys, m, name),
    coverage: { kind: 'not-inductive', k: 1, of: 'step' },
  };
}

async function deadlockFreedom(
  sys: SymSystem,
  strongest: Strongest | undefined,
  solverSeconds: number[],
  depth: number,
): Promise<PropertyResult> {
  const z = sys.z;
  const inv = strongest ? strongest.inv(sys) : z.Bool.val(true);
  const m = await satSure(sys, z.And(sys.enc.range(sys.X), inv, sys.deadlock), solverSeconds);
  if (!m)
    return { property: DEADLOCK_PROPERTY, kind: 'deadlock', verdict: 'holds', coverage: inductive(1, intsOf(sys), strongest?.by) };
  const r = await bmc(sys, depth, solverSeconds, new Set([DEADLOCK_PROPERTY]));
  const b = r.results[0]!;
  if (b.verdict === 'violated') return b;
  return {
    property: DEADLOCK_PROPERTY,
    kind: 'deadlock',
    verdict: 'unknown',
    // The proven invariants admit a deadlocked state; BMC found none within the depth.
    coverage: { kind: 'bounded', depth },
  };
}
