// The inductive step ("consecution") as one small query per transition:
// Range(X) and Pre(X) and guard_t(X) and not Post(next_t(X)), with the
// successor's leaves substituted by the transition's own terms. The single
// query over Next (an Or of every transition, the successor as fresh
// variables X2) asks the same question; split, each query carries only one
// transition's terms, and Z3 solves the 40-odd small ones far faster than
// the big one (kernel model II: see docs/symbolic.md, Figures). A
// transition whose guard is false under Pre costs one quick unsat.

import type { SymSystem } from './system.ts';
import type { ZBool, ZExpr } from './z3.ts';
import { decodeState } from './trace.ts';
import type { Model as ZModel } from 'z3-solver';

/** A counterexample to induction: a state, the transition taken, its successor (decoded). */
export interface Cti {
  readonly state: unknown;
  readonly act: number;
  readonly next: unknown;
}

export type Answer = ZModel<'main'> | undefined | 'unknown';
export type Sat = (sys: SymSystem, f: ZBool) => Promise<Answer>;

/** f over X, on the given terms instead (a transition's successor). */
export function over(sys: SymSystem, f: ZBool, terms: readonly ZExpr[]): ZBool {
  return sys.z.substitute(f, ...sys.X.map((x, i) => [x, terms[i]!] as [ZExpr, ZExpr])) as ZBool;
}

export interface StepQuery {
  /** Assumed in the state (over X); Range(X) is added. */
  readonly pre: ZBool;
  /** Required of the successor (over X); Range of the successor is added. */
  readonly post: ZBool;
  /** Also a failure: some transition from the state throws (over X; sys.transThrow). */
  readonly throwsToo?: boolean;
  /**
   * One query over the disjunction of the transitions' failures instead of
   * one per transition. Faster when Post is small (the declared ranges
   * alone: 0.3 CPU s against 2 on kernel model II, bit-vectors); far slower
   * when Post is an invariant (Z3 must then refute every transition's
   * successor in one search).
   */
  readonly joint?: boolean;
}

/**
 * The first counterexample to Pre and Next => Post' (per transition, in id
 * order), undefined when there is none, or 'unknown' when a query ran out of
 * time and no CTI was found.
 */
export async function consecution(sys: SymSystem, q: StepQuery, sat: Sat): Promise<Cti | undefined | 'unknown'> {
  const z = sys.z;
  const pre = z.And(sys.enc.range(sys.X), q.pre);
  let unknown = false;
  if (q.throwsToo && !z.isFalse(sys.transThrow)) {
    const m = await sat(sys, z.And(pre, sys.transThrow));
    if (m === 'unknown') unknown = true;
    else if (m) {
      // The throwing transition is named when the CTI is replayed: report the state with the first one enabled.
      const i = sys.trans.findIndex((t) => z.isTrue(m.eval(t.guard, true)));
      const t = sys.trans[Math.max(0, i)]!;
      return { state: decodeState(sys, m, sys.X), act: Math.max(0, i), next: decodeState(sys, m, t.next) };
    }
  }
  const fails = sys.trans.map((t) =>
    z.isFalse(t.guard) ? undefined : z.And(t.guard, z.Not(z.And(over(sys, q.post, t.next), over(sys, sys.enc.range(sys.X), t.next)))),
  );
  const cti = (m: ZModel<'main'>, i: number): Cti => ({ state: decodeState(sys, m, sys.X), act: i, next: decodeState(sys, m, sys.trans[i]!.next) });
  if (q.joint) {
    const some = fails.filter((f): f is ZBool => f !== undefined);
    if (some.length === 0) return unknown ? 'unknown' : undefined;
    const m = await sat(sys, z.And(pre, z.Or(...some)));
    if (m === 'unknown') return 'unknown';
    if (!m) return unknown ? 'unknown' : undefined;
    // The model satisfies some transition's failure: the first such names the CTI.
    const i = fails.findIndex((f) => f !== undefined && z.isTrue(m.eval(f, true)));
    if (i < 0) throw new Error('internal error: a model of a joint consecution query satisfies no transition failure');
    return cti(m, i);
  }
  for (let i = 0; i < sys.trans.length; i++) {
    const f = fails[i];
    if (!f) continue;
    const m = await sat(sys, z.And(pre, f));
    if (m === 'unknown') unknown = true;
    else if (m) return cti(m, i);
  }
  return unknown ? 'unknown' : undefined;
}
