// Bounded model checking: the transition relation unrolled from the initial
// states, one depth at a time. At depth d the solver holds Init(S0) and
// Next(S0,S1) ... Next(S(d-1),Sd); a property is checked at Sd only after it
// was unsatisfiable at every smaller depth, so the first counterexample found
// has the minimal number of steps, the length BFS finds.

import type { Coverage, Limit, PropertyResult, Trace } from '../spec/results.ts';
import { decidingTraceKind, searchResult, settledBy, type ResultSubject } from '../spec/property-result.ts';
import { DEADLOCK_PROPERTY } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';
import { sep } from 'node:path';
import type { SymSystem } from './system.ts';
import { decodeAct, decodeState, replay } from './trace.ts';
import { checkMaybe, type ZBool, type ZExpr, type ZInt } from './z3.ts';
import { outOfRange } from './ranges.ts';
import { newSolver } from './system.ts';
import type { Model as ZModel, Solver } from 'z3-solver';

/**
 * BMC's default number of steps (and induction's witness search): the
 * kernel specs' longest runs, deepest witnesses and counterexamples take 12.
 */
export const DEFAULT_DEPTH = 12;

/** The unrolled path S0 -> S1 -> ... with one solver. */
export class Unrolling {
  readonly solver: Solver<'main'>;
  readonly S: ZExpr[][] = [];
  readonly acts: ZInt[] = [];
  constructor(
    readonly sys: SymSystem,
    readonly solverSeconds: number[],
    /** Start from Init (BMC) or from any state in range (k-induction). */
    fromInit = true,
    /** Milliseconds any one query may take; then it answers 'unknown'. */
    readonly timeoutMs?: number,
  ) {
    this.solver = newSolver(sys, timeoutMs);
    this.S.push(sys.enc.vars('s0.'));
    if (fromInit) this.solver.add(this.state(sys.init, 0));
    this.solver.add(this.state(sys.enc.range(sys.X), 0));
  }

  get depth(): number {
    return this.S.length - 1;
  }

  /** Adds S(d+1) and Next(Sd, S(d+1)). */
  extend(): void {
    const d = this.depth;
    const S = this.sys.enc.vars(`s${d + 1}.`);
    const act = this.sys.enc.alg.intConst(`act${d}`);
    this.S.push(S);
    this.acts.push(act);
    this.solver.add(this.step(this.sys.next, d));
    this.solver.add(this.state(this.sys.enc.range(this.sys.X), d + 1));
  }

  /** A formula over X, at state i. */
  state(f: ZBool, i: number): ZBool {
    const { X } = this.sys;
    return this.sys.z.substitute(f, ...X.map((x, j) => [x, this.S[i]![j]!] as [ZExpr, ZExpr])) as ZBool;
  }

  /** A formula over X, X2 and act, at step i -> i+1. */
  step(f: ZBool, i: number): ZBool {
    const { X, X2, act } = this.sys;
    const pairs: [ZExpr, ZExpr][] = [
      ...X.map((x, j) => [x, this.S[i]![j]!] as [ZExpr, ZExpr]),
      ...X2.map((x, j) => [x, this.S[i + 1]![j]!] as [ZExpr, ZExpr]),
      [act, this.acts[i]!],
    ];
    return this.sys.z.substitute(f, ...pairs) as ZBool;
  }

  async check(...assumptions: ZBool[]): Promise<ZModel<'main'> | undefined | 'unknown'> {
    const t0 = performance.now();
    const m = await checkMaybe(this.solver, ...assumptions);
    this.solverSeconds.push((performance.now() - t0) / 1000);
    return m;
  }

  /** The path S0..Sd of a model as a trace. */
  trace(m: ZModel<'main'>, d: number, kind: Trace['kind'], property: string): Trace {
    const states = this.S.slice(0, d + 1).map((S) => decodeState(this.sys, m, S));
    const acts = this.acts.slice(0, d).map((a) => decodeAct(this.sys, m, a));
    return replay(this.sys, kind, property, states, acts);
  }
}

interface Target extends ResultSubject {
  /** What to look for at depth d (the bad state, or the witness), if checkable there. */
  readonly at: (u: Unrolling, d: number) => ZBool | undefined;
}

export interface BmcOutcome {
  readonly results: PropertyResult[];
  readonly depthReached: number;
  /** Every run ends within depthReached steps: the verdicts cover all reachable states. */
  readonly complete: boolean;
  /** A query hit the time limit, so the search stopped there. */
  readonly limit?: Limit;
}

export interface BmcOptions {
  /** Check deadlock freedom (default: the spec's setting). */
  readonly deadlock?: boolean;
  /** Milliseconds any one query may take. */
  readonly timeoutMs?: number;
}

/** The limit of a query that ran out of time. */
export function timeoutLimit(timeoutMs: number | undefined): Limit {
  return { which: 'timeout', ...(timeoutMs ? { value: timeoutMs / 1000 } : {}), detail: 'seconds per solver query' };
}

/**
 * Checks every property of the system to the given depth (number of steps).
 * `only` restricts the properties (by name); deadlockFree is checked when the
 * spec checks deadlocks.
 */
export async function bmc(
  sys: SymSystem,
  depth: number,
  solverSeconds: number[],
  only?: ReadonlySet<string>,
  opts: BmcOptions = {},
): Promise<BmcOutcome> {
  const z = sys.z;
  const targets: Target[] = [];
  for (const p of sys.props) {
    if (only && !only.has(p.entry.name)) continue;
    const name = p.entry.name;
    if (p.entry.kind === 'always') targets.push({ name, kind: 'always', at: (u, d) => u.state(z.Not(p.holds), d) });
    else if (p.entry.kind === 'sometimes') targets.push({ name, kind: 'sometimes', at: (u, d) => u.state(p.holds, d) });
    else targets.push({ name, kind: 'transition', at: (u, d) => (d === 0 ? undefined : u.step(z.Not(p.holds), d - 1)) });
  }
  if ((opts.deadlock ?? sys.built.spec.deadlock) && (!only || only.has(DEADLOCK_PROPERTY)))
    targets.push({ name: DEADLOCK_PROPERTY, kind: 'deadlock', at: (u, d) => u.state(sys.deadlock, d) });

  const u = new Unrolling(sys, solverSeconds, true, opts.timeoutMs);
  const found = new Map<string, PropertyResult>();
  let exhausted = false;
  let limit: Limit | undefined;
  let d = 0;
  search: for (; ; d++) {
    // A transition that throws or leaves the declared ranges is an error in the spec, as in the explicit engine.
    const err = u.state(sys.error, d);
    const open = targets.filter((t) => !found.has(t.name));
    const goals = open.map((t) => ({ t, f: t.at(u, d) })).filter((g) => g.f !== undefined) as { t: Target; f: ZBool }[];
    // One query for all open goals; a model settles every goal true in it, then ask again for the rest.
    let rest = goals;
    for (;;) {
      const m = await u.check(z.Or(err, ...rest.map((g) => g.f)));
      if (m === 'unknown') {
        limit = timeoutLimit(opts.timeoutMs);
        break search;
      }
      if (!m) {
        // Proven impossible at depth d: keep as lemmas, they prune the deeper queries.
        u.solver.add(z.Not(err), ...rest.map((g) => z.Not(g.f)));
        break;
      }
      if (z.isTrue(m.eval(err, true))) reportError(sys, u, m, d);
      const hits = rest.filter((g) => z.isTrue(m.eval(g.f, true)));
      for (const g of hits) found.set(g.t.name, settledBy(g.t, u.trace(m, d, decidingTraceKind(g.t.kind), g.t.name)));
      rest = rest.filter((g) => !hits.includes(g));
    }
    if (found.size === targets.length) break;
    u.extend();
    // No run has d+1 steps: every reachable state was at depth <= d, so the search is complete.
    const more = await u.check();
    if (more === 'unknown') {
      limit = timeoutLimit(opts.timeoutMs);
      break;
    }
    if (!more) {
      exhausted = true;
      break;
    }
    // Runs are longer than the depth asked for: what was not found is unknown.
    if (d >= depth) break;
  }
  // No run is longer than d: nothing found is decided. Otherwise runs longer
  // than the depth were not looked at: like a depth limit in the explicit
  // engine, that is incomplete, not a proof.
  const coverage: Coverage = exhausted
    ? { kind: 'exhaustive', depth: d }
    : limit
      ? { kind: 'limit', limit }
      : { kind: 'bounded', depth: d };
  const results = targets.map((t) => found.get(t.name) ?? searchResult(t, undefined, coverage));
  return { results, depthReached: d, complete: exhausted, limit };
}

/**
 * A reachable error of the spec: named as the explicit engine names it (the
 * transition that throws or leaves a range, replayed in JavaScript), else by
 * the site the translation recorded (a property that throws, a guard that is
 * not a boolean).
 */
export function reportError(sys: SymSystem, u: Unrolling, m: ZModel<'main'>, d: number): never {
  const z = sys.z;
  const trace = u.trace(m, d, 'violation', 'error');
  const s = trace.steps.length ? trace.steps[trace.steps.length - 1]!.state : trace.initial;
  const path = trace.steps.map((st) => st.transition.label).join(', ') || '(initial state)';
  const name = `spec ${sys.built.spec.name}, variant ${sys.built.variant}`;
  // A property that throws in the state: its spec file:line, from the JavaScript throw.
  for (const p of sys.built.properties) {
    if (p.kind === 'transition') continue;
    try {
      (p.pred as (x: unknown) => unknown)(s);
      p.to?.(s);
    } catch (e) {
      throw new SpecError(`${name}: property ${p.name} threw ${(e as Error).message} after ${path}\n  in state: ${JSON.stringify(s)}${throwSiteLine(e)}`);
    }
  }
  for (const t of sys.built.transitions) {
    let enabled: unknown;
    try {
      enabled = t.enabled(s);
    } catch (e) {
      throw new SpecError(`${name}: the guard of ${t.label} throws after ${path}: ${(e as Error).message}${throwSiteLine(e)}`);
    }
    if (!enabled) continue;
    const n = structuredClone(s);
    try {
      t.fire(s, n);
    } catch (e) {
      throw new SpecError(`${name}: ${t.label} throws after ${path}: ${(e as Error).message}${throwSiteLine(e)}`);
    }
    const bad = outOfRange(sys.enc.schema, n, sys.enc.unboundedInts);
    if (bad) throw new SpecError(`${name}: ${t.label} after ${path} sets ${bad}`);
  }
  const hit = sys.errors.find((e) => z.isTrue(m.eval(u.state(e.c, d), true)));
  // The translation's site names an absolute file: shown relative, as the explicit engine's are.
  const site = (hit?.site ?? 'some code throws').split(`${process.cwd()}${sep}`).join('');
  throw new SpecError(`${name}: after ${path}: ${site}\n  in state: ${JSON.stringify(s)}`);
}
