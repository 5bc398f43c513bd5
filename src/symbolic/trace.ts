// From a Z3 model back to the explicit engine's world: leaf values decoded
// into plain state objects, the transition ids into built.transitions, and
// every step replayed with the transition's own enabled()/fire(), so a trace
// shows exactly what the explicit engine would show. A replay that disagrees
// with the model is a bug in the translation and is reported as one.

import type { Model as ZModel } from 'z3-solver';
import type { Trace, TraceStep } from '../spec/results.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';
import type { SymSystem } from './system.ts';
import type { ZExpr, ZInt } from './z3.ts';

export function decodeState(sys: SymSystem, m: ZModel<'main'>, vars: readonly ZExpr[]): any {
  const z = sys.z;
  const vals = vars.map((v) => {
    const x = m.eval(v, true);
    if (z.isBool(x)) return z.isTrue(x);
    if (z.isBitVecVal(x)) return signed(x);
    if (z.isIntVal(x)) return Number(x.value());
    throw new Error(`symbolic engine: no value for ${v.sexpr()} in the model`);
  });
  return sys.enc.decode(vals);
}

export function decodeAct(sys: SymSystem, m: ZModel<'main'>, act: ZInt): number {
  const x = m.eval(act, true);
  if (sys.z.isBitVecVal(x)) return signed(x);
  if (sys.z.isIntVal(x)) return Number(x.value());
  throw new Error('symbolic engine: no transition id in the model');
}

export class TranslationMismatch extends Error {
  override name = 'TranslationMismatch';
}

/** Replays transition ids from a decoded initial state; checks each state against the model's. */
export function replay(
  sys: SymSystem,
  kind: Trace['kind'],
  property: string,
  states: readonly any[],
  acts: readonly number[],
): Trace {
  const steps: TraceStep[] = [];
  let cur = states[0];
  acts.forEach((id, i) => {
    const t = sys.built.transitions[id];
    if (!t) throw new TranslationMismatch(`transition id ${id} out of range`);
    if (!specCode(sys, kind, t.label, cur, () => t.enabled(cur)))
      throw new TranslationMismatch(`${t.label} is enabled symbolically but not in state ${JSON.stringify(cur)}`);
    const n = structuredClone(cur);
    specCode(sys, kind, t.label, cur, () => t.fire(cur, n));
    if (!deepEqual(n, states[i + 1]))
      throw new TranslationMismatch(
        `${t.label} from ${JSON.stringify(cur)} gives ${JSON.stringify(n)}, the translation says ${JSON.stringify(states[i + 1])}`,
      );
    steps.push({ transition: t, state: n });
    cur = n;
  });
  return { kind, property, initial: states[0], steps };
}

/**
 * Runs a guard or apply of the spec on a trace's state. A throw is the spec's
 * error, named with its spec file:line as the explicit engine names it; in a
 * counterexample to induction the state need not be reachable, so say so.
 */
function specCode<T>(sys: SymSystem, kind: Trace['kind'], label: string, s: unknown, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const where = kind === 'cti' ? 'in a state of a counterexample to induction (not necessarily reachable)' : 'in state';
    throw new SpecError(
      `spec ${sys.built.spec.name}, variant ${sys.built.variant}: ${label} threw ${e instanceof Error ? e.message : String(e)}\n` +
        `  ${where}: ${JSON.stringify(s)}${throwSiteLine(e)}`,
    );
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}

/** The two's-complement value of a bit-vector numeral (asSignedValue() of z3-solver 5.2 returns it unsigned). */
function signed(x: { value(): bigint; sort: { size(): number } }): number {
  const w = BigInt(x.sort.size());
  const v = x.value();
  return Number(v >= 1n << (w - 1n) ? v - (1n << w) : v);
}
