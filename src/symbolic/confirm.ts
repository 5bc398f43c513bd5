// The cross-check of one explicit step against the translation: for a
// concrete state s, transition t and the explicit engine's successor s2,
// Z3 must find Next(s, s2) with act = t, and no other successor of t from s.

import type { BuiltModel } from '../spec/spec.ts';
import { newSolver, symbolicSystem } from './system.ts';
import { check } from './z3.ts';

export interface StepConfirmation {
  /** guard_t(s) and s2 = f_t(s) is satisfiable. */
  readonly agrees: boolean;
  /** No s3 != s2 with guard_t(s) and s3 = f_t(s). */
  readonly unique: boolean;
}

export async function confirmStep(built: BuiltModel, s: unknown, transitionId: number, s2: unknown): Promise<StepConfirmation> {
  const sys = await symbolicSystem(built);
  const z = sys.z;
  const alg = sys.enc.alg;
  const at = z.And(sys.enc.eq(sys.X, sys.enc.terms(s)), sys.act.eq(alg.num(transitionId)), sys.next);
  const solver = newSolver(sys);
  solver.add(at);
  const agrees = !!(await check(solver, sys.enc.eq(sys.X2, sys.enc.terms(s2))));
  const unique = !(await check(solver, z.Not(sys.enc.eq(sys.X2, sys.enc.terms(s2)))));
  return { agrees, unique };
}
