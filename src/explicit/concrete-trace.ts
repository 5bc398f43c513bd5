// Traces under symmetry reduction. The store holds one representative per
// orbit, and a stored state's parent is the representative of its
// predecessor's orbit: the chain of stored states is not an execution. This
// rebuilds one: from the initial state whose representative is stored,
// each step takes the first transition (in transition order) whose
// successor has the next stored state as representative. Symmetry
// guarantees one exists (the stored transition, renamed). The result has the
// same length and is an execution of the model: replay confirms it.

import type { BuiltModel } from '../spec/spec.ts';
import type { Trace, TraceStep } from '../spec/results.ts';
import type { Codec } from '../state/codec.ts';
import type { Symmetry } from '../state/symmetry.ts';

export function concreteTrace(
  built: BuiltModel,
  codec: Codec,
  sym: Symmetry,
  store: { words: Uint32Array; parents: Uint32Array },
  idx: number,
  kind: Trace['kind'],
  property: string,
  lastStep?: { next: Uint32Array; holds: (s: any, n: any) => boolean },
): Trace {
  const W = codec.words;
  const path: number[] = [];
  for (let i = idx; i !== 0xffffffff; i = store.parents[i]!) path.push(i);
  path.reverse();
  const buf = new Uint32Array(W);
  /** Whether o's representative is the stored state at word offset off of w. */
  const represents = (o: unknown, w: Uint32Array, off: number): boolean => {
    codec.encode(o, buf, 0);
    sym.canonicalize(buf);
    for (let k = 0; k < W; k++) if (buf[k] !== w[off + k]) return false;
    return true;
  };
  const init = built.model.inits.find((s) => represents(s, store.words, path[0]! * W));
  if (init === undefined) throw new Error('symmetry: no initial state has the stored representative');
  let cur = codec.clone(init);
  const initial = codec.clone(init);
  const steps: TraceStep[] = [];
  const stepTo = (match: (n: any) => boolean): void => {
    for (const t of built.transitions) {
      if (!t.enabled(cur)) continue;
      const n = codec.clone(cur);
      t.fire(cur, n);
      if (match(n)) {
        steps.push({ transition: t, state: codec.clone(n) });
        cur = n;
        return;
      }
    }
    throw new Error(`symmetry: no step from the trace's state ${codec.format(cur)} reaches the stored orbit`);
  };
  for (const i of path.slice(1)) stepTo((n) => represents(n, store.words, i * W));
  if (lastStep) {
    const target = lastStep.next.slice();
    sym.canonicalize(target);
    const prev = cur;
    stepTo((n) => represents(n, target, 0) && !lastStep.holds(prev, n));
  }
  return { kind, property, initial, steps };
}
