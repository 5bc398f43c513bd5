// Shortest traces from the state store: follow parent indices back to an
// initial state, then snapshot each state on the path.

import type { Trace, TraceStep } from '../spec/results.ts';
import type { Transition } from '../spec/transitions.ts';
import type { Codec } from '../state/codec.ts';
import { NO_PARENT, type VisitedStates } from './state-store.ts';



export function buildTrace(
  store: VisitedStates,
  codec: Codec,
  transitions: readonly Transition[],
  idx: number,
  kind: Trace['kind'],
  property: string,
  lastStep?: { transition: number; next: Uint32Array },
): Trace {
  const W = codec.words;
  const path: number[] = [];
  for (let i = idx; i !== NO_PARENT; i = store.parents[i]!) path.push(i);
  path.reverse();
  const steps: TraceStep[] = path.slice(1).map((i) => ({
    transition: transitions[store.actions[i]!]!,
    state: codec.snapshot(store.words, i * W),
  }));
  if (lastStep) steps.push({ transition: transitions[lastStep.transition]!, state: codec.snapshot(lastStep.next, 0) });
  return { kind, property, initial: codec.snapshot(store.words, path[0]! * W), steps };
}
