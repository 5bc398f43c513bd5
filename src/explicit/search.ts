// The breadth-first search loop. The frontier is the index range
// [cur, count) of the state store, so BFS needs no queue; the first time a
// property fails, the parent chain of the state is a shortest trace. The
// spec's actions run on two reusable objects (the current and the next
// state) decoded from the store: no JS object is created per state. What
// to do with each state and step is the property tracker's, the hygiene
// checker's and the coverage counter's job; this file only walks.

import type { BuiltModel } from '../spec/spec.ts';
import type { Limit, RunStatus } from '../spec/results.ts';
import type { Transition } from '../spec/transitions.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';
import { ValueRangeError, type Codec } from '../state/codec.ts';
import { NO_PARENT, StateStore, StoreFullError, type VisitedStates } from './state-store.ts';
import type { PropertyTracker } from './property-tracker.ts';
import { errText } from './property-tracker.ts';
import { SpecHygiene } from './hygiene.ts';
import type { CoverageCounter } from './coverage.ts';
import { buildTrace } from './trace.ts';
import { TracedSpecError } from './errors.ts';
import type { Reduction } from './symmetry-search.ts';
import type { PartialOrder } from './por.ts';

export interface ExploreProgress {
  readonly distinct: number;
  readonly generated: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly rssBytes: number;
}

export interface SearchLimits {
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly maxRssBytes: number;
  readonly maxMemoryMB: number;
  readonly checkDeadlock: boolean;
  readonly progressEveryMs: number;
  readonly onProgress?: (p: ExploreProgress) => void;
  readonly signal?: AbortSignal;
  readonly onTransition?: (s: unknown, t: Transition, n: unknown) => void;
  /** Symmetry reduction (symmetry-search.ts): states are stored under their canonical form. */
  readonly reduction?: Reduction;
  /** Partial-order reduction (por.ts): ample sets with the BFS cycle proviso. */
  readonly partialOrder?: PartialOrder;
}

export interface SearchOutcome {
  readonly status: RunStatus;
  readonly limit?: Limit;
  readonly generated: number;
  /** BFS levels reached (initial states are level 1). */
  readonly depth: number;
  /** States found but not expanded. */
  readonly queue: number;
  readonly t0: number;
  /** Every initial state was stored and checked (false only if the store filled up first). */
  readonly initialsComplete: boolean;
}

function describe(codec: Codec, s: unknown): string {
  try {
    return codec.format(s);
  } catch {
    return '(unprintable state)';
  }
}

export async function breadthFirstSearch(
  built: BuiltModel,
  codec: Codec,
  store: VisitedStates,
  tracker: PropertyTracker,
  coverage: CoverageCounter,
  lim: SearchLimits,
): Promise<SearchOutcome> {
  const t0 = performance.now();
  const { model, transitions } = built;
  const where = `spec ${built.spec.name}, variant ${built.variant}`;
  const W = codec.words;
  const S = codec.create();
  const decodeS = codec.bindDecoder(S);
  const N = codec.create();
  const decodeN = codec.bindDecoder(N);
  // n's successor encoder: per transition it packs and undoes only the
  // fields the action wrote, instead of decoding and encoding every field.
  const succ = codec.bindSuccessor(N);
  const next = new Uint32Array(W);
  // The batched expansion (expandGenerated): one state's successors, packed
  // and hashed, then looked up together; M is the new state handed to the
  // properties, loaded incrementally from the batch.
  const batchable = store instanceof StateStore ? store : undefined;
  const batchWords = new Uint32Array(Math.max(1, transitions.length) * W);
  const batchHash = new Uint32Array(Math.max(1, transitions.length));
  const batchVia = new Uint32Array(Math.max(1, transitions.length));
  const M = codec.create();
  const succM = codec.bindSuccessor(M);
  const hygiene = new SpecHygiene(codec, transitions, where, S, decodeS, N, decodeN);
  const constraint = model.constraintPred;
  const { maxStates, maxDepth } = lim;
  const covEnabled = coverage.enabled;
  const covDistinct = coverage.distinct;
  const reduction = lim.reduction;
  const por = lim.partialOrder;
  const T = transitions.length;

  let status: RunStatus = 'complete';
  let limit: Limit | undefined;
  let generated = 0;
  let cur = 0;
  let level = 1;
  let levelEnd = 0;
  let maxLevel = 1;
  let phase = '';
  let tr: Transition | undefined;

  /** A spec error at state idx, with the shortest trace to it. */
  const traced = (e: unknown, idx: number): Error => {
    if (e instanceof TracedSpecError) return e;
    const err = translate(e, idx);
    if (!(err instanceof SpecError) || idx < 0 || idx >= store.count) return err;
    const trace = reduction
      ? reduction.traceTo(idx, 'violation', 'spec-error')
      : buildTrace(store, codec, transitions, idx, 'violation', 'spec-error');
    return new TracedSpecError(err.message, trace, built);
  };
  const translate = (e: unknown, idx: number): Error => {
    if (e instanceof SpecError) return e;
    const state = idx >= 0 && idx < store.count ? describe(codec, codec.snapshot(store.words, idx * W)) : '(initial state)';
    const who = tr
      ? `${tr.step ? 'step' : 'action'} ${tr.label}`
      : phase === 'terminal'
        ? 'the terminal predicate'
        : phase === 'constraint'
          ? 'the state constraint'
          : 'exploration';
    if (e instanceof ValueRangeError)
      return new SpecError(`${where}: ${who} set ${e.field} to ${e.message.slice(e.field.length + 3)}\n  from state: ${state}`);
    return new SpecError(`${where}: ${who} threw in its ${phase}: ${errText(e)}\n  in state: ${state}${throwSiteLine(e)}`);
  };

  // Initial states (level 1), taken one at a time from the model.
  let initialsComplete = true;
  let k = 0;
  for (const init of model.initialStates()) {
    try {
      codec.encode(init, next, 0);
    } catch (e) {
      throw new SpecError(`${where}: initial state ${k + 1}: ${errText(e)}`);
    }
    k++;
    generated++;
    let idx: number;
    try {
      idx = store.put(reduction ? reduction.canonical(next) : next, NO_PARENT, 0);
    } catch (e) {
      if (e instanceof StoreFullError) {
        status = 'incomplete';
        limit = { which: 'max-memory', detail: `${e.message} for the state store` };
        initialsComplete = false;
        break;
      }
      throw e;
    }
    if (idx >= 0) {
      decodeN(next, 0);
      try {
        tracker.onInitial(idx, N);
        tracker.onState(idx, N);
      } catch (e) {
        throw traced(e, idx);
      }
    }
  }
  levelEnd = store.count;

  const stopFor = (why: Limit): void => {
    status = 'incomplete';
    limit = why;
  };

  /**
   * Expands state cur (decoded in S, loaded in n) in two passes: first
   * every enabled transition's successor is packed into the batch and
   * hashed, then the successors are looked up and stored, in transition
   * order. Why: a lookup in a large visited table is a random memory read
   * (57% of Counters N=7's time, one read at a time while guards, applies
   * and packing ran in between); looked up together, after touch() has put
   * all their reads in flight at once, they overlap. The outcome is the
   * plain loop's: the same states get the same indices, counts, verdicts
   * and traces; the properties see each new state as packed (M, loaded
   * from the batch, equal to what n held); and a spec error in the first
   * pass is thrown after the successors generated before it were stored
   * and checked, as the plain loop would have. Returns the number of
   * enabled transitions.
   */
  const expandGenerated = (st: StateStore, words: Uint32Array, base: number): number => {
    let m = 0;
    let enabled = 0;
    let failed = false;
    let failure: unknown;
    let t = 0;
    try {
      for (; t < T; t++) {
        tr = transitions[t]!;
        phase = 'guard';
        const en: unknown = tr.enabled(S);
        if (en !== true) {
          if (en === false) continue;
          throw new SpecError(`${where}: the guard of ${tr.label} returned ${String(en)}, not a boolean`);
        }
        enabled++;
        covEnabled[t]!++;
        phase = 'apply';
        succ.reset(words, base);
        tr.fire(S, N);
        phase = 'encode';
        succ.pack(words, base, next);
        generated++;
        const off = m * W;
        for (let k = 0; k < W; k++) batchWords[off + k] = next[k]!;
        batchHash[m] = st.hashAt(next, 0);
        batchVia[m] = t;
        m++;
      }
    } catch (e) {
      failed = true;
      failure = e;
    }
    const failedTr = tr;
    const failedPhase = phase;
    st.touch(batchHash, m);
    phase = 'property';
    for (let j = 0; j < m; j++) {
      const t = batchVia[j]!;
      tr = transitions[t]!;
      const off = j * W;
      if (level >= maxDepth || st.count >= maxStates) {
        if (!st.hasAt(batchWords, off, batchHash[j]!))
          stopFor(level >= maxDepth ? { which: 'max-depth', value: maxDepth } : { which: 'max-states', value: maxStates });
        continue;
      }
      const idx = st.putAt(batchWords, off, batchHash[j]!, cur, t);
      if (idx < 0) continue;
      covDistinct[t]!++;
      maxLevel = level + 1;
      succM.load(batchWords, off);
      try {
        tracker.onState(idx, M);
      } catch (e) {
        // A property that throws in the new state: the trace goes to that state, not its parent.
        throw traced(e, idx);
      }
    }
    if (failed) {
      tr = failedTr;
      phase = failedPhase;
      throw failure;
    }
    return enabled;
  };

  /** Expands states from cur until `until` states are done (or a limit hits). Synchronous: the hot loop. */
  const expandBatch = (until: number): void => {
    for (; cur < until && cur < store.count && status === 'complete'; cur++) {
      if (cur === levelEnd) {
        level++;
        levelEnd = store.count;
      }
      const base = cur * W;
      const words = store.words;
      decodeS(words, base);
      const sample = hygiene.sampled(cur);
      // Incremental on most states; in full on sampled ones, where the checks
      // below also catch a property that wrote into n.
      if (sample) succ.loadAll(words, base);
      else succ.load(words, base);
      let enabled = 0;
      try {
        if (constraint) {
          tr = undefined;
          phase = 'constraint';
          const r: unknown = constraint(S);
          if (typeof r !== 'boolean') throw new SpecError(`${where}: the state constraint returned ${String(r)}, not a boolean`);
          if (!r) continue;
        }
        // The common case (no sample, reduction, step property or callback)
        // takes the batched path: the same steps in the same order.
        if (batchable && !sample && !por && !reduction && !lim.onTransition && !tracker.wantsSteps) {
          enabled = expandGenerated(batchable, words, base);
          tr = undefined;
          phase = 'state';
          if (enabled === 0 && lim.checkDeadlock && !tracker.deadlockFound) {
            phase = 'terminal';
            if (!built.isIntendedEnd(S)) tracker.onDeadlock(cur);
          }
          continue;
        }
        // Under --por, pass one (k < T) takes only the ample transitions;
        // pass two (k >= T) the others, if an ample successor was stored
        // at an index <= cur (the cycle proviso C3, por.ts).
        const ample = por?.ample(S);
        let expandAll = false;
        for (let k = 0; k < (ample ? 2 * T : T); k++) {
          const t = k < T ? k : k - T;
          if (k >= T && (!expandAll || ample![t])) {
            if (!expandAll) break;
            continue;
          }
          tr = transitions[t]!;
          phase = 'guard';
          const en: unknown = tr.enabled(S);
          if (en !== true) {
            if (en === false) continue;
            throw new SpecError(`${where}: the guard of ${tr.label} returned ${String(en)}, not a boolean`);
          }
          if (k < T) {
            enabled++;
            covEnabled[t]!++;
            if (ample && !ample[t]) continue;
          }
          phase = 'apply';
          succ.reset(words, base);
          tr.fire(S, N);
          phase = 'encode';
          succ.pack(words, base, next);
          generated++;
          lim.onTransition?.(S, tr, N);
          if (sample) {
            phase = 'apply';
            hygiene.unchanged(words, base);
            hygiene.sameTwice(tr, words, base, next);
          }
          phase = 'property';
          if (tracker.wantsSteps) {
            tracker.onStep(cur, t, S, N, next);
            if (sample) hygiene.propertiesReadOnly(next);
          }
          // Under reduction the key is the canonical form; N and next stay the concrete successor.
          const key = reduction ? reduction.canonical(next) : next;
          if (level >= maxDepth || store.count >= maxStates) {
            if (!store.has(key))
              stopFor(level >= maxDepth ? { which: 'max-depth', value: maxDepth } : { which: 'max-states', value: maxStates });
            continue;
          }
          const idx = store.put(key, cur, t);
          if (idx < 0) {
            if (ample && k < T && store.indexOf(key) <= cur) expandAll = true;
            continue;
          }
          covDistinct[t]!++;
          maxLevel = level + 1;
          try {
            tracker.onState(idx, N);
          } catch (e) {
            // A property that throws in the new state: the trace goes to that state, not its parent.
            throw traced(e, idx);
          }
          if (sample) hygiene.propertiesReadOnly(next);
        }
        if (ample) {
          if (expandAll) por!.stats.proviso++;
          else por!.stats.reduced++;
        }
        tr = undefined;
        phase = 'state';
        if (sample) hygiene.unchanged(words, base);
        if (enabled === 0 && lim.checkDeadlock && !tracker.deadlockFound) {
          phase = 'terminal';
          if (!built.isIntendedEnd(S)) tracker.onDeadlock(cur);
        }
      } catch (e) {
        if (e instanceof StoreFullError) {
          stopFor({ which: 'max-memory', detail: `${e.message} for the state store` });
          break;
        }
        throw traced(e, cur);
      }
    }
  };

  const progress = (now: number, rss: number): ExploreProgress => {
    const seconds = (now - t0) / 1000;
    return {
      distinct: store.count,
      generated,
      depth: maxLevel,
      queue: store.count - cur,
      seconds,
      statesPerSecond: store.count / Math.max(seconds, 1e-9),
      rssBytes: rss,
    };
  };

  let lastCheck = performance.now();
  while (status === 'complete' && cur < store.count) {
    expandBatch(cur + 2048);
    const now = performance.now();
    if (now - lastCheck >= lim.progressEveryMs) {
      lastCheck = now;
      const rss = process.memoryUsage.rss();
      lim.onProgress?.(progress(now, rss));
      if (rss > lim.maxRssBytes) stopFor({ which: 'max-memory', value: lim.maxMemoryMB });
      await new Promise((r) => setImmediate(r));
      if (lim.signal?.aborted && status === 'complete') {
        status = 'interrupted';
        limit = { which: 'interrupted' };
      }
    }
  }
  return { status, limit, generated, depth: maxLevel, queue: store.count - cur, t0, initialsComplete };
}
