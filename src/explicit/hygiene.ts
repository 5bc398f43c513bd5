// Spec hygiene: the rules a spec must keep that the type system cannot
// enforce. Steps must be deterministic (the same state gives the same
// successor), and guards and applies must not write into the current state
// `s`. Both are checked on a sample of states only: all of the first 2,000
// (where a spec's mistakes usually show), then every 61st. On a sampled
// state every transition runs twice and s is re-encoded after each one and
// after the last. These are checks of the spec's code, not part of a
// verdict: a spec that breaks a rule only in unsampled states is not
// caught, and its results are those of the code as written. (Successors are
// packed from the stored words, not from s, so a write into s changes at
// most the guards and applies run after it in the same state.)

import { SpecError } from '../spec/errors.ts';
import type { Transition } from '../spec/transitions.ts';
import { ValueRangeError, type Codec } from '../state/codec.ts';

/** States whose transitions are all run twice to catch non-determinism. */
const fullyCheckedStates = 2000;
const sampleEvery = 61;

export class SpecHygiene {
  private readonly again: Uint32Array;

  constructor(
    private readonly codec: Codec,
    private readonly transitions: readonly Transition[],
    private readonly where: string,
    /** The explorer's reusable current and next state, and their decoders. */
    private readonly S: any,
    private readonly decodeS: (w: Uint32Array, off: number) => void,
    private readonly N: any,
    private readonly decodeN: (w: Uint32Array, off: number) => void,
  ) {
    this.again = new Uint32Array(codec.words);
  }

  /** Whether state idx is in the sample. */
  sampled(idx: number): boolean {
    return idx < fullyCheckedStates || idx % sampleEvery === 0;
  }

  /**
   * Runs t again from the stored state words[base..] and compares with the
   * successor already encoded in `next`; leaves N decoded from next.
   */
  sameTwice(t: Transition, words: Uint32Array, base: number, next: Uint32Array): void {
    const { codec, S, N, again } = this;
    if (!t.enabled(S))
      throw new SpecError(`${this.where}: ${t.label} is not deterministic: its guard gave true, then false, in the same state`);
    this.decodeN(words, base);
    t.fire(S, N);
    codec.encode(N, again, 0);
    for (let k = 0; k < codec.words; k++)
      if (again[k] !== next[k])
        throw new SpecError(
          `${this.where}: ${t.label} is not deterministic: two runs from the same state gave different successors` +
            `\n  state: ${codec.format(codec.snapshot(words, base))}` +
            `\n  first:  ${codec.format(codec.snapshot(next, 0))}\n  second: ${codec.format(codec.snapshot(again, 0))}`,
        );
    this.decodeN(next, 0);
  }

  /** Property predicates must not write the successor N, still packed in next. */
  propertiesReadOnly(next: Uint32Array): void {
    const { codec, again } = this;
    let same = true;
    try {
      codec.encode(this.N, again, 0);
      for (let k = 0; k < codec.words; k++) if (again[k] !== next[k]) same = false;
    } catch {
      same = false;
    }
    if (!same)
      throw new SpecError(
        `${this.where}: a property modified the state it was given; properties must only read their arguments` +
          `\n  state: ${codec.format(codec.snapshot(next, 0))}`,
      );
  }

  /** The current state S must still be the stored words[base..]. */
  unchanged(words: Uint32Array, base: number): void {
    const { codec, again } = this;
    try {
      codec.encode(this.S, again, 0);
    } catch {
      this.blameWriter(words, base);
    }
    for (let k = 0; k < codec.words; k++) if (again[k] !== words[base + k]) this.blameWriter(words, base);
  }

  /** Some guard or apply wrote into the current state: find which, by re-running each. */
  private blameWriter(words: Uint32Array, base: number): never {
    const { codec, S, N, again } = this;
    const state = codec.format(codec.snapshot(words, base));
    for (const t of this.transitions) {
      this.decodeS(words, base);
      let changed: string | undefined;
      try {
        if (t.enabled(S)) {
          this.decodeN(words, base);
          t.fire(S, N);
        }
        codec.encode(S, again, 0);
        for (let k = 0; k < codec.words; k++) if (again[k] !== words[base + k]) changed = '';
      } catch (e) {
        if (!(e instanceof ValueRangeError)) throw e;
        changed = ` (${e.message})`;
      }
      if (changed !== undefined)
        throw new SpecError(
          `${this.where}: ${t.label} modified the current state s${changed}; write the next state n instead` +
            `\n  state: ${state}`,
        );
    }
    throw new SpecError(`${this.where}: the current state was modified during exploration (write only n)`);
  }
}
