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
  for (let i = 0; i < sys.trans.length; i++) {
    const t = sys.trans[i]!;
    if (z.isFalse(t.guard)) continue;
    const bad = z.Not(z.And(over(sys, q.post, t.next), over(sys, sys.enc.range(sys.X), t.next)));
    const m = await sat(sys, z.And(pre, t.guard, bad));
    if (m === 'unknown') unknown = true;
    else if (m) return { state: decodeState(sys, m, sys.X), act: i, next: decodeState(sys, m, t.next) };
  }
  return unknown ? 'unknown' : undefined;
}
