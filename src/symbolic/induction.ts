// Inductive invariants. For an always property P (or a declared invariant I
// that implies it): Init => I, and I and Range and Next => I' and Range'
// (Range: the declared domains of the fields; int fields may be unbounded).
// When the step fails, the solver's model is a counterexample to induction
// (CTI): a state satisfying I whose successor does not, shown as a one-step
// trace so the user sees which strengthening is missing. k-induction
// (--k K) assumes P along k steps of a simple path instead of one.
//
// Errors of the spec (a throw, a write out of range, a guard or property
// that is not a boolean) are part of every query: the invariant proven is
// "I and no error", so a proof also shows that no reachable state errs, and
// an error in an initial state is reported as the explicit engine reports it.

import type { BuiltModel } from '../spec/spec.ts';
import type { Coverage, IntMode, Limit, PropertyResult, Trace } from '../spec/results.ts';
import { DEADLOCK_PROPERTY } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import { DEADLOCK_SUBJECT, nothingFound, settledBy, undecided } from '../spec/property-result.ts';
import { newSolver, symbolicSystem, type SymSystem } from './system.ts';
import { DEFAULT_DEPTH, Unrolling, bmc, reportError, timeoutLimit } from './bmc.ts';
import { decodeAct, decodeState, replay } from './trace.ts';
import { checkMaybe, type ZBool } from './z3.ts';
import { consecution, type Cti } from './consecution.ts';
import { infer } from './infer.ts';
import type { SymbolicOptions } from './index.ts';
import type { Model as ZModel } from 'z3-solver';

export interface InductionOutcome {
  readonly results: PropertyResult[];
  readonly depth: number;
  /** A query hit the time limit. */
  readonly limit?: Limit;
}

/** Integer arithmetic can be slow where bit-vectors are not: unbounded attempts get at most this long. */
const UNBOUNDED_TIMEOUT_MS = 5000;

type Answer = ZModel<'main'> | undefined | 'unknown';

function hasInts(sys: SymSystem): boolean {
  return sys.enc.leaves.some((l) => l.type.kind === 'int');
}

type Inductive = Coverage & { kind: 'inductive' };
const inductive = (k: number, ints: IntMode, strengthenedBy: readonly string[] = []): Inductive => ({ kind: 'inductive', k, ints, strengthenedBy });

/** The strongest invariant proven inductive, assumed by step properties and deadlock freedom. */
interface Strongest {
  readonly inv: (sys: SymSystem) => ZBool;
  readonly by: readonly string[];
  readonly ints: IntMode;
}

/** A CTI found by a query over Next (X, act, X2), as a one-step trace. */
function cti(sys: SymSystem, m: ZModel<'main'>, property: string): Trace {
  const s = decodeState(sys, m, sys.X);
  const n = decodeState(sys, m, sys.X2);
  return replay(sys, 'cti', property, [s, n], [decodeAct(sys, m, sys.act)]);
}

/** A CTI found per transition (consecution.ts), as a one-step trace. */
export function ctiTrace(sys: SymSystem, c: Cti, property: string): Trace {
  return replay(sys, 'cti', property, [c.state, c.next], [c.act]);
}

function prop(sys: SymSystem, name: string) {
  const p = sys.props.find((q) => q.entry.name === name);
  if (!p) throw new SpecError(`spec ${sys.built.spec.name} has no property '${name}'`);
  return p;
}

function propHolds(sys: SymSystem, name: string): ZBool {
  return prop(sys, name).holds;
}

/** The conjunction of the named properties, and where evaluating one of them is an error. */
function invariant(sys: SymSystem, names: readonly string[]): { holds: ZBool; err: ZBool } {
  const z = sys.z;
  return { holds: z.And(...names.map((n) => prop(sys, n).holds)), err: z.Or(...names.map((n) => prop(sys, n).error)) };
}

export async function induction(built: BuiltModel, opts: SymbolicOptions, solverSeconds: number[], timeoutMs: number): Promise<InductionOutcome> {
  const ints = opts.ints ?? 'auto';
  const K = opts.k ?? 1;
  if (!Number.isInteger(K) || K < 1) throw new SpecError(`--k must be a positive integer, got ${K}`);
  const checkDeadlock = opts.deadlock ?? built.spec.deadlock;
  const bounded = await symbolicSystem(built);
  const systems: { sys: SymSystem; ints: IntMode }[] = [];
  if (ints !== 'bounded' && hasInts(bounded)) systems.push({ sys: await symbolicSystem(built, { unboundedInts: true }), ints: 'unbounded' });
  if (ints !== 'unbounded' || !hasInts(bounded)) systems.push({ sys: bounded, ints: 'bounded' });
  const z = bounded.z;
  const wanted = (name: string) => !opts.properties || opts.properties.includes(name) || name === opts.invariant;
  const always = bounded.props.filter((p) => p.entry.kind === 'always' && wanted(p.entry.name));
  const results = new Map<string, PropertyResult>();
  let limit: Limit | undefined;

  /** One query with the time limit; 'unknown' notes the limit for the run. */
  const sat = async (sys: SymSystem, f: ZBool, ms = timeoutMs): Promise<Answer> => {
    const s = newSolver(sys, ms);
    s.add(f);
    const t0 = performance.now();
    const m = await checkMaybe(s);
    solverSeconds.push((performance.now() - t0) / 1000);
    if (m === 'unknown' && ms === timeoutMs) limit = timeoutLimit(timeoutMs);
    return m;
  };
  const timedOut = (name: string, kind: PropertyResult['kind'] = 'always'): PropertyResult =>
    undecided({ name, kind }, { kind: 'limit', limit: timeoutLimit(timeoutMs) });

  if (opts.invariant !== undefined) {
    const p = bounded.props.find((q) => q.entry.name === opts.invariant);
    if (!p) throw new SpecError(`--invariant ${opts.invariant}: spec ${built.spec.name} has no such property`);
    if (p.entry.kind !== 'always')
      throw new SpecError(`--invariant ${opts.invariant} must name an always property (it is a ${p.entry.kind} property)`);
  }

  // An error in an initial state is reachable: a spec error, as in the explicit engine.
  {
    const u = new Unrolling(bounded, solverSeconds, true, timeoutMs);
    const stateErr = z.Or(bounded.transError, ...bounded.props.filter((p) => p.entry.kind !== 'transition').map((p) => p.error));
    const m = await u.check(u.state(stateErr, 0));
    if (m === 'unknown') limit = timeoutLimit(timeoutMs);
    else if (m) reportError(bounded, u, m, 0);
  }

  // Base case for every always property: Init => P.
  for (const p of always) {
    const m = await sat(bounded, z.And(bounded.init, z.Not(p.holds)));
    if (m === 'unknown') results.set(p.entry.name, timedOut(p.entry.name));
    else if (m) results.set(p.entry.name, settledBy(p.entry, replay(bounded, 'violation', p.entry.name, [decodeState(bounded, m, bounded.X)], [])));
  }

  /** Invariants proven so far, used as lemmas; unbounded: proven for the unbounded system too. */
  const lemmas: { name: string; unbounded: boolean }[] = [];
  const lemmasFor = (sys: SymSystem) =>
    z.And(...lemmas.filter((l) => l.unbounded || !sys.enc.unboundedInts).map((l) => propHolds(sys, l.name)));

  // The strongest invariant proven inductive, for transition properties and deadlock.
  let strongest: Strongest | undefined;
  const holdsAll = (names: readonly string[]) => (sys: SymSystem) => invariant(sys, names).holds;
  const proven = (name: string, coverage: Inductive) => {
    results.set(name, nothingFound({ name, kind: 'always' }, coverage));
    lemmas.push({ name, unbounded: coverage.ints === 'unbounded' });
  };

  /**
   * I and no error and the lemmas, in range, step to I and no error in range?
   * With unbounded ints, a proof also needs the declared upper bounds kept
   * (the explicit engine reports a write above them as an error): checked on
   * the bounded system under the same invariant.
   */
  type Tried =
    | { ints: IntMode; lemmas: string[] }
    | { cti: Cti; sys: SymSystem; bounds?: boolean }
    | 'unknown';
  const tryInductive = async (names: readonly string[]): Promise<Tried> => {
    let last: Tried = 'unknown';
    for (const { sys, ints: mode } of systems) {
      // The invariant evaluates without error in every state it covers, and no transition from such a state errs.
      const inv = invariant(sys, names);
      const ok = z.And(inv.holds, z.Not(inv.err));
      // (A transition leaving a range is a successor outside Range: consecution checks that per transition.)
      const unb = sys.enc.unboundedInts;
      const ms = unb && ints === 'auto' ? Math.min(UNBOUNDED_TIMEOUT_MS, timeoutMs) : timeoutMs;
      const c = await consecution(sys, { pre: z.And(ok, lemmasFor(sys)), post: ok, throwsToo: true }, (s2, f) => sat(s2, f, ms));
      if (c === 'unknown') continue;
      if (c) {
        last = { cti: c, sys };
        continue;
      }
      const used = lemmas.filter((l) => l.unbounded || !unb).map((l) => l.name);
      if (!unb) return { ints: mode, lemmas: used };
      const b = bounded;
      const ib = invariant(b, names);
      const keep = await consecution(b, { pre: z.And(ib.holds, z.Not(ib.err), lemmasFor(b)), post: z.Bool.val(true) }, sat);
      if (keep === 'unknown') continue;
      if (!keep) return { ints: mode, lemmas: used };
      last = { cti: keep, sys: b, bounds: true };
    }
    return last;
  };

  const ctis = new Map<string, { cti: Cti; sys: SymSystem; bounds?: boolean } | 'unknown'>();
  /** What a counterexample to induction covers. */
  const ctiCoverage = (r: { bounds?: boolean }, k: number, of: 'property' | 'declared-invariant'): Extract<Coverage, { kind: 'not-inductive' }> =>
    ({ kind: 'not-inductive', k, of: r.bounds ? 'declared-bounds' : of });
  /** How many lemmas there were when a property's CTI was found. */
  const lemmasAt = new Map<string, number>();

  // A declared strengthening: Init => I, I inductive, I => P.
  if (opts.invariant) {
    const name = opts.invariant;
    const base = results.get(name);
    if (!base) {
      const r = await tryInductive([name]);
      if (r !== 'unknown' && 'ints' in r) {
        strongest = { inv: holdsAll([name]), by: [name], ints: r.ints };
        proven(name, inductive(1, r.ints, r.lemmas));
        for (const p of always) {
          if (results.has(p.entry.name)) continue;
          const m = await sat(bounded, z.And(bounded.enc.range(bounded.X), propHolds(bounded, name), z.Or(z.Not(p.holds), p.error)));
          if (m === undefined) proven(p.entry.name, inductive(1, r.ints, [name]));
        }
      } else if (r === 'unknown') results.set(name, timedOut(name));
      else results.set(name, undecided({ name, kind: 'always' }, ctiCoverage(r, 1, 'declared-invariant'), ctiTrace(r.sys, r.cti, name)));
    }
  }

  // Inferred strengthening: Houdini over the properties' conjuncts and generated relations.
  if (opts.infer) {
    const targets = always.filter((p) => !results.has(p.entry.name)).map((p) => p.entry.name);
    const unb = systems.find((x) => x.ints === 'unbounded')?.sys;
    const r = await infer(bounded, unb, targets, { timeoutMs, solverSeconds });
    if (r.unknown) limit = timeoutLimit(timeoutMs);
    for (const name of targets) {
      const ok = r.proven.get(name);
      if (ok) proven(name, inductive(1, ok.ints, ok.by));
      else if (r.unknown) results.set(name, timedOut(name));
      else {
        results.set(name, undecided({ name, kind: 'always' }, { kind: 'not-inductive', k: 1, of: 'property' }, r.failed.get(name)));
      }
    }
    if (r.invariant && r.proven.size > 0)
      strongest ??= { inv: r.invariant.of, by: [`${r.invariant.size} inferred conjuncts`], ints: r.invariant.ints };
  }

  // Each property alone, with the invariants proven before it as lemmas.
  for (const p of always) {
    const name = p.entry.name;
    if (results.has(name)) continue;
    const r = await tryInductive([name]);
    if (r !== 'unknown' && 'ints' in r) proven(name, inductive(1, r.ints, r.lemmas));
    else {
      ctis.set(name, r);
      lemmasAt.set(name, lemmas.length);
    }
  }
  // Again: a property proven later may be the lemma an earlier one needed.
  for (const [name] of [...ctis]) {
    if (lemmas.length === lemmasAt.get(name)) continue;
    const r = await tryInductive([name]);
    if (r !== 'unknown' && 'ints' in r) {
      proven(name, inductive(1, r.ints, r.lemmas));
      ctis.delete(name);
    } else ctis.set(name, r);
  }

  // All always properties together strengthen each other.
  const initOk = always.filter((p) => !results.has(p.entry.name) || results.get(p.entry.name)!.verdict === 'holds').map((p) => p.entry.name);
  if (initOk.length > 1 && ctis.size > 0) {
    const r = await tryInductive(initOk);
    if (r !== 'unknown' && 'ints' in r) {
      strongest ??= { inv: holdsAll(initOk), by: initOk, ints: r.ints };
      for (const n of ctis.keys()) {
        proven(n, inductive(1, r.ints, initOk.filter((x) => x !== n)));
        ctis.delete(n);
      }
    }
  }
  // Properties inductive by themselves: their conjunction is inductive too.
  const alone = lemmas.map((l) => l.name);
  if (!strongest && alone.length > 0)
    strongest = { inv: holdsAll(alone), by: alone, ints: lemmas.every((l) => l.unbounded) ? systems[0]!.ints : 'bounded' };

  // k-induction: base by BMC to depth k-1, step over k assumed steps.
  for (const [name, r] of [...ctis]) {
    for (let k = 2; k <= K && r !== 'unknown'; k++) {
      const base = await bmc(bounded, k - 1, solverSeconds, new Set([name]), { deadlock: false, timeoutMs });
      if (base.limit) {
        limit = base.limit;
        break;
      }
      const b = base.results[0]!;
      if (b.verdict === 'violated') {
        results.set(name, b);
        ctis.delete(name);
        break;
      }
      const fails = await kStepFails(bounded, propHolds(bounded, name), k, solverSeconds, timeoutMs, prop(bounded, name).error);
      if (fails === 'unknown') {
        limit = timeoutLimit(timeoutMs);
        break;
      }
      if (!fails) {
        proven(name, inductive(k, 'bounded'));
        ctis.delete(name);
        break;
      }
    }
    if (ctis.has(name))
      results.set(
        name,
        r === 'unknown' ? timedOut(name) : undecided({ name, kind: 'always' }, ctiCoverage(r, K, 'property'), ctiTrace(r.sys, r.cti, name)),
      );
  }

  const out: PropertyResult[] = [];
  const witnessDepth = opts.depth ?? DEFAULT_DEPTH;
  let witnessSearch: Map<string, PropertyResult> | undefined;
  const sometimes = bounded.props.filter((p) => p.entry.kind === 'sometimes' && wanted(p.entry.name)).map((p) => p.entry.name);
  if (sometimes.length) {
    const w = await bmc(bounded, witnessDepth, solverSeconds, new Set(sometimes), { deadlock: false, timeoutMs });
    limit ??= w.limit;
    witnessSearch = new Map(w.results.map((r) => [r.property, r]));
  }
  for (const p of bounded.props) {
    const name = p.entry.name;
    if (!wanted(name)) continue;
    if (p.entry.kind === 'always') out.push(results.get(name)!);
    else if (p.entry.kind === 'sometimes') out.push(witnessSearch!.get(name)!);
    else out.push(await transitionProperty(bounded, name, p.holds, p.error, strongest, sat));
  }
  if (checkDeadlock && wanted(DEADLOCK_PROPERTY)) {
    const d = await deadlockFreedom(bounded, strongest, sat, witnessDepth, solverSeconds, timeoutMs);
    limit ??= d.limit;
    out.push(d.result);
  }
  return { results: out, depth: K, limit };
}

/** Assumes P on S0..S(k-1) (distinct states, all in range) and asks for not P at Sk. */
export async function kStepFails(
  sys: SymSystem,
  p: ZBool,
  k: number,
  solverSeconds: number[],
  timeoutMs?: number,
  /** Where evaluating p is an error: that defeats the proof too. */
  pError?: ZBool,
): Promise<boolean | 'unknown'> {
  const z = sys.z;
  const u = new Unrolling(sys, solverSeconds, false, timeoutMs);
  for (let i = 0; i < k; i++) {
    u.solver.add(u.state(p, i));
    u.extend();
  }
  for (let i = 0; i <= k; i++)
    for (let j = i + 1; j <= k; j++) u.solver.add(z.Not(sys.enc.eq(u.S[i]!, u.S[j]!)));
  // A step out of the declared ranges (or a throw) from the last assumed state also defeats the proof.
  const m = await u.check(z.Or(u.state(z.Not(p), k), u.state(sys.transError, k - 1), ...(pError ? [u.state(pError, k)] : [])));
  return m === 'unknown' ? 'unknown' : !!m;
}

type Sat = (sys: SymSystem, f: ZBool) => Promise<Answer>;

async function transitionProperty(
  sys: SymSystem,
  name: string,
  holds: ZBool,
  error: ZBool,
  strongest: Strongest | undefined,
  sat: Sat,
): Promise<PropertyResult> {
  const z = sys.z;
  const inv = strongest ? strongest.inv(sys) : z.Bool.val(true);
  // A step property that throws on a step is an error, not a verdict: the error terms count as a violation here.
  const m = await sat(sys, z.And(sys.enc.range(sys.X), inv, sys.next, z.Or(z.Not(holds), error)));
  const step = { name, kind: 'transition' } as const;
  if (m === 'unknown') return undecided(step, { kind: 'limit', limit: timeoutLimit(undefined) });
  if (!m) return nothingFound(step, inductive(1, strongest?.ints ?? 'bounded', strongest?.by));
  return undecided(step, { kind: 'not-inductive', k: 1, of: 'step' }, cti(sys, m, name));
}

async function deadlockFreedom(
  sys: SymSystem,
  strongest: Strongest | undefined,
  sat: Sat,
  depth: number,
  solverSeconds: number[],
  timeoutMs: number,
): Promise<{ result: PropertyResult; limit?: Limit }> {
  const z = sys.z;
  const inv = strongest ? strongest.inv(sys) : z.Bool.val(true);
  const m = await sat(sys, z.And(sys.enc.range(sys.X), inv, sys.deadlock));
  if (m === undefined)
    return { result: nothingFound(DEADLOCK_SUBJECT, inductive(1, strongest?.ints ?? 'bounded', strongest?.by)) };
  const r = await bmc(sys, depth, solverSeconds, new Set([DEADLOCK_PROPERTY]), { deadlock: true, timeoutMs });
  const b = r.results[0]!;
  if (b.verdict === 'violated') return { result: b };
  // The proven invariants admit a deadlocked state; BMC found none within the depth.
  return { result: undecided(DEADLOCK_SUBJECT, r.limit ? { kind: 'limit', limit: r.limit } : { kind: 'bounded', depth }), limit: r.limit };
}
