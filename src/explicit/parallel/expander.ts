// One thread's share of a BFS level in the parallel engine: claim chunks of
// the frontier from a shared cursor, run every transition of each state,
// insert the successors into the shared store, check the properties. The
// same code runs in the coordinator (before the workers are up) and in each
// worker, on a model each built from the same spec file and variant.
//
// The checks are the single-threaded engine's: guards must return booleans,
// the spec hygiene checks (determinism on sampled states, no writes into s)
// are the same code (../hygiene.ts), every error names the spec, variant,
// action and state.

import type { BuiltModel } from '../../spec/spec.ts';
import type { PropertyEntry } from '../../spec/model.ts';
import type { Transition } from '../../spec/transitions.ts';
import { SpecError } from '../../spec/errors.ts';
import { throwSiteLine } from '../../spec/throw-site.ts';
import { codecFor, ValueRangeError, type Codec, type SuccessorEncoder } from '../../state/codec.ts';
import { symmetryFor, type Symmetry } from '../../state/symmetry.ts';
import { CTL, HOLE, hashWords, type SharedStore } from './shared-store.ts';
import { SpecHygiene } from '../hygiene.ts';
import { errText } from '../property-tracker.ts';

/** Frontier states claimed at a time. */
export const CHUNK = 64;

/** A property found by this thread: state idx (and for action properties, the step out of it). */
export interface Hit {
  readonly prop: number;
  readonly idx: number;
  /** BFS level of the trace's end (ties between threads go to the lowest idx). */
  readonly steps: number;
  readonly transition?: number;
  readonly next?: number[];
}

export interface LevelTask {
  readonly from: number;
  readonly to: number;
  /** Level of the states in [from, to); initial states are level 1. */
  readonly level: number;
  /** Generate and check successors but store none (the max-depth level). */
  readonly noInsert: boolean;
  readonly maxStates: number;
  /** Indices that may be handed out while every thread finishes its current chunk. */
  readonly margin: number;
  /** Arena indices each thread reserves at a time (shared-store.ts). */
  readonly block: number;
  /** Workers report their thread's CPU time (bench/parallel.ts). */
  readonly measureCpu: boolean;
}

export interface LevelReport {
  generated: number;
  hits: Hit[];
  /** Stopped for lack of room: the coordinator must grow the store and run again. */
  needRoom: boolean;
  /** A successor was left out because of a limit. */
  limited?: 'max-depth' | 'max-states';
  /** Milliseconds this thread spent in run() (the rest of the level it waited at the barrier). */
  busyMs: number;
  /** The worker thread's CPU milliseconds so far, when the task asks. */
  cpuMs?: number;
}

export class Expander {
  readonly codec: Codec;
  private readonly W: number;
  private readonly S: any;
  private readonly N: any;
  private readonly decodeS: (w: Uint32Array, off: number) => void;
  private readonly decodeN: (w: Uint32Array, off: number) => void;
  /** N's successor encoder: per transition only the fields an action wrote are packed and undone. */
  private readonly succ: SuccessorEncoder;
  private readonly next: Uint32Array;
  /** Under symmetry: the canonical form of next, the store's key. */
  private readonly key: Uint32Array;
  private readonly hygiene: SpecHygiene;
  /** The batched expansion: one state's successors, their hashes and transitions. */
  private readonly batchWords: Uint32Array;
  private readonly batchHash: Uint32Array;
  private readonly batchVia: Uint32Array;
  /** A new state handed to the properties, loaded incrementally from the batch. */
  private readonly M: any;
  private readonly succM: SuccessorEncoder;
  private readonly transitions: readonly Transition[];
  /** always, sometimes, transition properties, in model order; deadlock is props.length. */
  readonly props: readonly PropertyEntry[];
  private readonly stateProps: number[];
  private readonly actionProps: number[];
  private readonly where: string;
  /** With symmetry reduction: stored states are canonical representatives. */
  readonly symmetry: Symmetry | undefined;

  constructor(
    private readonly built: BuiltModel,
    private readonly store: SharedStore,
    /** found[p] !== 0: property p (or deadlock at props.length) is found; skip it. */
    private readonly found: Int32Array,
    private readonly checkDeadlock: boolean,
    symmetry = false,
  ) {
    const { model } = built;
    this.symmetry = symmetry ? symmetryFor(model.schema) : undefined;
    this.codec = codecFor(model.schema);
    this.W = this.codec.words;
    this.S = this.codec.create();
    this.N = this.codec.create();
    this.decodeS = this.codec.bindDecoder(this.S);
    this.decodeN = this.codec.bindDecoder(this.N);
    this.succ = this.codec.bindSuccessor(this.N);
    this.next = new Uint32Array(this.W);
    this.key = new Uint32Array(this.W);
    this.transitions = built.transitions;
    const T = Math.max(1, built.transitions.length);
    this.batchWords = new Uint32Array(T * this.W);
    this.batchHash = new Uint32Array(T);
    this.batchVia = new Uint32Array(T);
    this.M = this.codec.create();
    this.succM = this.codec.bindSuccessor(this.M);
    this.props = model.properties;
    this.stateProps = [];
    this.actionProps = [];
    this.props.forEach((p, i) => {
      if (p.kind === 'transition') this.actionProps.push(i);
      else if (p.kind === 'always' || p.kind === 'sometimes') this.stateProps.push(i);
    });
    this.where = `spec ${built.spec.name}, variant ${built.variant}`;
    this.hygiene = new SpecHygiene(this.codec, this.transitions, this.where, this.S, this.decodeS, this.N, this.decodeN);
  }

  /** Checks the state properties of a new state (decoded in o); records hits. */
  private checkState(idx: number, o: any, steps: number, hits: Hit[]): void {
    for (const p of this.stateProps) {
      if (this.found[p] !== 0) continue;
      const prop = this.props[p]!;
      const r = this.evalProp(prop, o);
      if (prop.kind === 'always' ? !r : r) {
        Atomics.store(this.found, p, 1);
        hits.push({ prop: p, idx, steps });
      }
    }
  }

  private evalProp(p: PropertyEntry, s: any, n?: any): boolean {
    let r: unknown;
    try {
      r = (p.pred as (a: any, b?: any) => unknown)(s, n);
    } catch (e) {
      throw new SpecError(`${this.where}: property ${p.name} threw ${errText(e)}\n  in state ${this.show(s)}${throwSiteLine(e)}`);
    }
    if (typeof r !== 'boolean') throw new SpecError(`${this.where}: property ${p.name} returned ${String(r)}, not a boolean`);
    return r;
  }

  private show(s: unknown): string {
    try {
      return this.codec.format(s);
    } catch {
      return '(unprintable state)';
    }
  }

  /** Encodes and stores the initial states (coordinator only), in order. */
  addInitials(hits: Hit[]): number {
    let generated = 0;
    this.built.model.inits.forEach((init, k) => {
      try {
        this.codec.encode(init, this.next, 0);
      } catch (e) {
        throw new SpecError(`${this.where}: initial state ${k + 1}: ${errText(e)}`);
      }
      generated++;
      this.symmetry?.canonicalize(this.next);
      const idx = this.store.insert(this.next, hashWords(this.next, 0, this.W), 0xffffffff, 0);
      if (idx >= 0) {
        this.decodeN(this.next, 0);
        this.checkState(idx, this.N, 0, hits);
      }
    });
    return generated;
  }

  /**
   * Expands frontier states claimed from the shared cursor until the range
   * is done, the store has no room, a stop is flagged, or (when given)
   * `budget` chunks are done, so the coordinator can yield to its event loop.
   */
  run(task: LevelTask, report: LevelReport, budget = Infinity): boolean {
    const t0 = performance.now();
    const store = this.store;
    store.block = task.block;
    const done = this.claim(task, report, budget);
    // Unused reserved indices become holes before the level can end.
    if (done) store.closeBlock();
    report.busyMs += performance.now() - t0;
    return done;
  }

  private claim(task: LevelTask, report: LevelReport, budget: number): boolean {
    const store = this.store;
    const ctl = store.ctl;
    for (let b = 0; b < budget; b++) {
      if (Atomics.load(ctl, CTL.stop) !== 0) return true;
      // Room for every thread's chunk at once: other threads pass this check too.
      if (!task.noInsert && !store.hasRoom(task.margin)) {
        report.needRoom = true;
        return true;
      }
      const start = Atomics.add(ctl, CTL.cursor, CHUNK);
      if (start >= task.to) return true;
      const end = Math.min(start + CHUNK, task.to);
      const parents = store.parents;
      for (let cur = start; cur < end; cur++) {
        // A limit ends the run after the state being expanded, as in explore.ts.
        if (Atomics.load(ctl, CTL.stop) !== 0) return true;
        if (parents[cur] === HOLE) continue;
        this.expand(cur, task, report);
      }
    }
    return false;
  }

  private expand(cur: number, task: LevelTask, report: LevelReport): void {
    const { W, S, N, next, transitions, store, succ } = this;
    const words = store.words;
    const base = cur * W;
    this.decodeS(words, base);
    const hygiene = this.hygiene;
    const sample = hygiene.sampled(cur);
    // As in ../search.ts: incremental on most states; in full on sampled
    // ones, where the checks below also catch a property that wrote into N.
    if (sample) succ.loadAll(words, base);
    else succ.load(words, base);
    if (!sample && !this.symmetry && this.actionProps.length === 0) return this.expandBatched(cur, task, report);
    let enabled = 0;
    let tr: Transition | undefined;
    let phase = 'guard';
    try {
      for (let t = 0; t < transitions.length; t++) {
        tr = transitions[t]!;
        phase = 'guard';
        const en: unknown = tr.enabled(S);
        if (en !== true) {
          if (en === false) continue;
          throw new SpecError(`${this.where}: the guard of ${tr.label} returned ${String(en)}, not a boolean`);
        }
        enabled++;
        phase = 'apply';
        succ.reset(words, base);
        tr.fire(S, N);
        phase = 'encode';
        succ.pack(words, base, next);
        report.generated++;
        if (sample) {
          phase = 'apply';
          hygiene.unchanged(words, base);
          hygiene.sameTwice(tr, words, base, next);
        }
        phase = 'property';
        for (const p of this.actionProps) {
          if (this.found[p] !== 0) continue;
          if (!this.evalProp(this.props[p]!, S, N)) {
            Atomics.store(this.found, p, 1);
            report.hits.push({ prop: p, idx: cur, steps: task.level, transition: t, next: Array.from(next) });
          }
        }
        if (sample && this.actionProps.length) hygiene.propertiesReadOnly(next);
        // Properties were judged on the successor itself (N, next); the store keeps its orbit's representative.
        let key = next;
        if (this.symmetry) {
          key = this.key;
          key.set(next);
          this.symmetry.canonicalize(key);
        }
        const h = hashWords(key, 0, W);
        // (maxStates is tested only when set: reading the shared count on every
        // successor would pull its cache line from the core inserting.)
        if (task.noInsert || (task.maxStates !== Infinity && store.count >= task.maxStates)) {
          if (!store.has(key, h)) {
            report.limited = task.noInsert ? 'max-depth' : 'max-states';
            Atomics.store(store.ctl, CTL.stop, 1);
          }
          continue;
        }
        const idx = store.insert(key, h, cur, t);
        if (idx >= 0) {
          this.checkState(idx, N, task.level, report.hits);
          if (sample) hygiene.propertiesReadOnly(next);
        }
      }
      tr = undefined;
      phase = 'state';
      if (sample) hygiene.unchanged(words, base);
      const dl = this.props.length;
      if (enabled === 0 && this.checkDeadlock && this.found[dl] === 0) {
        phase = 'terminal';
        if (!this.built.isIntendedEnd(S)) {
          Atomics.store(this.found, dl, 1);
          report.hits.push({ prop: dl, idx: cur, steps: task.level - 1 });
        }
      }
    } catch (e) {
      throw this.runtimeError(e, cur, tr, phase);
    }
  }

  /**
   * expand() for the common case (an unsampled state, no symmetry, no
   * transition property), as ../search.ts's expandGenerated: every enabled
   * transition's successor is packed into a batch and hashed, the home
   * slots of all are read together (independent loads, all in flight at
   * once: JavaScript's stand-in for a prefetch, since a probe's first read
   * is a cache miss in a large table), then the successors are inserted and
   * checked in transition order. Same counts and outcomes as the plain
   * loop; a spec error in the first pass is thrown after the successors
   * generated before it were inserted and checked, as the plain loop would.
   */
  private expandBatched(cur: number, task: LevelTask, report: LevelReport): void {
    const { W, S, N, next, transitions, store, succ, batchWords, batchHash, batchVia } = this;
    const words = store.words;
    const base = cur * W;
    const T = transitions.length;
    let m = 0;
    let enabled = 0;
    let tr: Transition | undefined;
    let phase = 'guard';
    let failure: unknown;
    let failed = false;
    try {
      for (let t = 0; t < T; t++) {
        tr = transitions[t]!;
        phase = 'guard';
        const en: unknown = tr.enabled(S);
        if (en !== true) {
          if (en === false) continue;
          throw new SpecError(`${this.where}: the guard of ${tr.label} returned ${String(en)}, not a boolean`);
        }
        enabled++;
        phase = 'apply';
        succ.reset(words, base);
        tr.fire(S, N);
        phase = 'encode';
        succ.pack(words, base, next);
        report.generated++;
        const off = m * W;
        for (let k = 0; k < W; k++) batchWords[off + k] = next[k]!;
        batchHash[m] = hashWords(next, 0, W);
        batchVia[m] = t;
        m++;
      }
    } catch (e) {
      failed = true;
      failure = e;
    }
    try {
      store.touch(batchHash, m);
      const limited = task.noInsert || task.maxStates !== Infinity;
      for (let j = 0; j < m; j++) {
        const off = j * W;
        tr = transitions[batchVia[j]!]!;
        phase = 'property';
        if (limited && (task.noInsert || store.count >= task.maxStates)) {
          if (!store.has(batchWords.subarray(off, off + W), batchHash[j]!)) {
            report.limited = task.noInsert ? 'max-depth' : 'max-states';
            Atomics.store(store.ctl, CTL.stop, 1);
          }
          continue;
        }
        const idx = store.insert(batchWords, batchHash[j]!, cur, batchVia[j]!, off);
        if (idx >= 0) {
          this.succM.load(batchWords, off);
          this.checkState(idx, this.M, task.level, report.hits);
        }
      }
      if (failed) throw failure;
      tr = undefined;
      phase = 'state';
      const dl = this.props.length;
      if (enabled === 0 && this.checkDeadlock && this.found[dl] === 0) {
        phase = 'terminal';
        if (!this.built.isIntendedEnd(S)) {
          Atomics.store(this.found, dl, 1);
          report.hits.push({ prop: dl, idx: cur, steps: task.level - 1 });
        }
      }
    } catch (e) {
      throw this.runtimeError(e, cur, tr, phase);
    }
  }

  private runtimeError(e: unknown, idx: number, tr: Transition | undefined, phase: string): Error {
    if (e instanceof SpecError) return e;
    const state = this.show(this.codec.snapshot(this.store.words, idx * this.W));
    const who = tr ? `${tr.step ? 'step' : 'action'} ${tr.label}` : phase === 'terminal' ? 'the terminal predicate' : 'exploration';
    if (e instanceof ValueRangeError)
      return new SpecError(`${this.where}: ${who} set ${e.field} to ${e.message.slice(e.field.length + 3)}\n  from state: ${state}`);
    return new SpecError(`${this.where}: ${who} threw in its ${phase}: ${errText(e)}\n  in state: ${state}${throwSiteLine(e)}`);
  }
}
