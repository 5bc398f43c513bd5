// The explored state graph, regenerated on demand: the liveness pass needs
// each state's successors (as store indices) and which fairness constraints
// are enabled there, but storing every edge would cost more memory than the
// states themselves. Re-running the transitions of one state is cheap, so
// successors are recomputed whenever they are needed and never stored.

import type { BuiltModel } from '../spec/spec.ts';
import type { Codec, SuccessorEncoder } from '../state/codec.ts';
import type { VisitedStates } from './state-store.ts';
import type { FairnessConstraint, Transition } from '../spec/transitions.ts';
import { SpecError } from '../spec/errors.ts';
import { errText } from './property-tracker.ts';

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2 + 1);
  b.set(a);
  return b;
}

export class SuccessorGraph {
  /** Targets of the last expand(), as store indices, and the transition ids. */
  targets: Uint32Array = new Uint32Array(64);
  via: Uint32Array = new Uint32Array(64);
  count = 0;
  /** The fairness constraints edge i is a step of: fairIds[fairStart[i] .. fairStart[i+1]). */
  fairStart: Uint32Array = new Uint32Array(65);
  fairIds: Uint32Array = new Uint32Array(64);
  private fairCount = 0;
  /** Fairness constraint ids enabled (with a change of state) in the last expanded state. */
  enabledFair: Uint8Array;
  private readonly S: any;
  private readonly N: any;
  private readonly decodeS: (w: Uint32Array, off: number) => void;
  /** Packs and undoes only the fields a transition wrote into N. */
  private readonly succ: SuccessorEncoder;
  private readonly next: Uint32Array;
  /** States expanded so far (statistics). */
  expansions = 0;

  constructor(
    private readonly built: BuiltModel,
    private readonly codec: Codec,
    private readonly store: VisitedStates,
  ) {
    this.S = codec.create();
    this.N = codec.create();
    this.decodeS = codec.bindDecoder(this.S);
    this.succ = codec.bindSuccessor(this.N);
    this.next = new Uint32Array(codec.words);
    this.enabledFair = new Uint8Array(Math.max(1, built.fairness.length));
  }

  /** Whether tr is a step of constraint c in the current state; a throwing
   *  or non-boolean `where` is the spec's error. */
  private counts(c: FairnessConstraint, tr: Transition): boolean {
    let r: unknown;
    try {
      r = c.where ? c.where(this.S, tr.params) : true;
    } catch (e) {
      throw new SpecError(
        `spec ${this.built.spec.name}, variant ${this.built.variant}: the 'where' of fairness ${c.label} threw ${errText(e)} for ${tr.label}\n  in state ${this.codec.format(this.S)}`,
      );
    }
    if (typeof r !== 'boolean')
      throw new SpecError(`spec ${this.built.spec.name}, variant ${this.built.variant}: the 'where' of fairness ${c.label} returned ${String(r)}, not a boolean`);
    return r;
  }

  /** The decoded state idx (a reusable object: valid until the next call). */
  state(idx: number): any {
    this.decodeS(this.store.words, idx * this.codec.words);
    return this.S;
  }

  /**
   * Recomputes the successors of state idx. A step that leaves the state
   * unchanged is stuttering: no edge, and it does not make its fairness
   * constraint enabled (TLA+'s ENABLED <<A>>_vars). A state outside the
   * state constraint was not expanded by the search and has no edges here
   * either, but its enabled constraints are still computed from the guards.
   */
  expand(idx: number): void {
    const { codec, store, S, N, next } = this;
    const W = codec.words;
    const base = idx * W;
    const transitions = this.built.transitions;
    this.expansions++;
    this.count = 0;
    this.fairCount = 0;
    this.fairStart[0] = 0;
    this.enabledFair.fill(0);
    this.decodeS(store.words, base);
    this.succ.load(store.words, base);
    const constraint = this.built.model.constraintPred;
    const expanded = !constraint || constraint(S) === true;
    const words = store.words;
    for (let t = 0; t < transitions.length; t++) {
      const tr = transitions[t]!;
      if (tr.enabled(S) !== true) continue;
      this.succ.reset(words, base);
      tr.fire(S, N);
      this.succ.pack(words, base, next);
      let same = true;
      for (let k = 0; k < W; k++)
        if (next[k] !== words[base + k]) {
          same = false;
          break;
        }
      if (same) continue;
      const fairFrom = this.fairCount;
      for (const c of tr.fair)
        if (this.counts(c, tr)) {
          this.enabledFair[c.id] = 1;
          if (this.fairCount === this.fairIds.length) this.fairIds = grow(this.fairIds);
          this.fairIds[this.fairCount++] = c.id;
        }
      if (!expanded) {
        this.fairCount = fairFrom;
        continue;
      }
      const w = store.indexOf(next);
      if (w < 0) {
        this.fairCount = fairFrom;
        continue; // not stored: only when the search was cut short
      }
      if (this.count === this.targets.length) {
        this.targets = grow(this.targets);
        this.via = grow(this.via);
        this.fairStart = grow(this.fairStart);
      }
      this.targets[this.count] = w;
      this.via[this.count] = t;
      this.fairStart[this.count] = fairFrom;
      this.count++;
      this.fairStart[this.count] = this.fairCount;
    }
  }
}
