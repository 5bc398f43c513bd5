// Symmetry reduction for the explicit engine (--symmetry): what search.ts
// and explore.ts need, kept apart from them.
//
// The search stores one state per orbit: the canonical form of each state
// (src/state/symmetry.ts) is the key of the visited table, so a state whose
// renaming was already seen is not stored again. Everything else still sees
// the concrete state: properties are judged on each successor as generated
// (so the author's promise that properties do not tell elements of a
// symmetric domain apart is what makes the reduced verdicts the unreduced
// ones, as with TLC's SYMMETRY), and traces are rebuilt as executions
// (concrete-trace.ts), which --replay confirms.
//
// Temporal properties are not checked under reduction: the fair-cycle pass
// would run on the quotient graph, whose edges forget which element moved,
// so weak fairness of a thread step of one element cannot be judged (TLC
// warns that liveness with SYMMETRY can miss violations). They are reported
// unknown, 'not checked', with the way to check them.

import type { PropertyEntry } from '../spec/model.ts';
import type { PropertyResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { undecided } from '../spec/property-result.ts';
import type { Codec } from '../state/codec.ts';
import { symmetryFor, type Symmetry } from '../state/symmetry.ts';
import { concreteTrace } from './concrete-trace.ts';
import type { VisitedStates } from './state-store.ts';

/** What the search calls when it reduces (the one hook in search.ts). */
export interface Reduction {
  readonly symmetry: Symmetry;
  /** The key to store w under: its canonical form (a scratch copy; w is left as it is). */
  canonical(w: Uint32Array): Uint32Array;
  /** An execution to a state of stored state idx's orbit. */
  traceTo(idx: number, kind: Trace['kind'], property: string, lastStep?: { transition: number; next: Uint32Array }): Trace;
}

/** The reduction of a model's symmetric domains, or undefined when it declares none (or none of size > 1). */
export function symmetryReduction(built: BuiltModel, codec: Codec, store: VisitedStates): Reduction | undefined {
  const symmetry = symmetryFor(built.model.schema);
  if (!symmetry) return undefined;
  const scratch = new Uint32Array(codec.words);
  const preds = new Map(built.model.properties.map((p) => [p.name, p.pred as (s: unknown, n: unknown) => boolean]));
  return {
    symmetry,
    canonical(w) {
      // A copy word by word: a subarray view would allocate per successor.
      for (let k = 0; k < scratch.length; k++) scratch[k] = w[k]!;
      symmetry.canonicalize(scratch);
      return scratch;
    },
    traceTo(idx, kind, property, lastStep) {
      const holds = preds.get(property);
      const last = lastStep && holds ? { next: lastStep.next, holds } : undefined;
      return concreteTrace(built, codec, symmetry, store, idx, kind, property, last);
    },
  };
}

/** A temporal property's result when the search was reduced. */
export function temporalNotChecked(p: PropertyEntry): PropertyResult {
  return undecided(p, {
    kind: 'not-checked',
    reason: `${p.kind} properties are not checked under symmetry reduction (fairness is lost in the quotient); run without --symmetry`,
  });
}
