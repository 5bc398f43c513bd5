// The explicit-state engine: breadth-first search over packed states. The
// frontier is the index range [cur, count) of the state store, so BFS needs
// no queue; the first time a property fails, the parent chain of the state
// is a shortest trace. The spec's actions run on two reusable objects (the
// current state and the next state), decoded from the store: no JS object
// is created per state.

import type { BuiltModel } from '../spec/spec.ts';
import type { PropertyEntry } from '../spec/model.ts';
import { DEADLOCK_PROPERTY } from '../spec/model.ts';
import type { Coverage, Limit, PropertyResult, RunResult, RunStatus, SearchStats, Trace } from '../spec/results.ts';
import type { Transition } from '../spec/transitions.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';
import { codecFor, ValueRangeError, type Codec } from '../state/codec.ts';
import { NO_PARENT, StateStore, StoreFullError } from './state-store.ts';
import { totalmem } from 'node:os';
import { buildTrace } from './trace.ts';

export interface ExploreProgress {
  readonly distinct: number;
  readonly generated: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly rssBytes: number;
}

export interface ExploreOptions {
  /** Stop (incomplete) once this many distinct states are stored. */
  maxStates?: number;
  /** Explore at most this many BFS levels (initial states are level 1). */
  maxDepth?: number;
  /** Stop (incomplete) once the process's resident memory exceeds this. */
  maxMemoryMB?: number;
  /** Check deadlock freedom; defaults to the spec's setting. */
  deadlock?: boolean;
  onProgress?: (p: ExploreProgress) => void;
  progressEveryMs?: number;
  /** Aborting ends the run as 'interrupted' with the statistics so far. */
  signal?: AbortSignal;
  /** Sees every transition taken (from, transition, to; the objects are reused: copy what you keep). For --dump-graph. */
  onTransition?: (s: unknown, t: Transition, n: unknown) => void;
}

/** States whose transitions are all run twice to catch non-determinism. */
const fullyCheckedStates = 2000;
const sampleEvery = 61;


interface Found {
  idx: number;
  /** For action properties: the offending step out of state idx. */
  step?: { transition: number; next: Uint32Array };
}

function describeState(codec: Codec, s: unknown): string {
  try {
    return codec.format(s);
  } catch {
    return '(unprintable state)';
  }
}

export async function explore(built: BuiltModel, opts: ExploreOptions = {}): Promise<RunResult<SearchStats>> {
  const t0 = performance.now();
  const { model, transitions } = built;
  const where = `spec ${built.spec.name}, variant ${built.variant}`;
  const codec = codecFor(model.schema);
  const W = codec.words;
  const checkDeadlock = opts.deadlock ?? built.spec.deadlock;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  // Without a stated budget, stop at 3/4 of the machine rather than be killed by it.
  const maxMemoryMB = opts.maxMemoryMB ?? Math.floor((totalmem() * 0.75) / 2 ** 20);
  const maxRss = maxMemoryMB * 2 ** 20;
  const progressEvery = opts.progressEveryMs ?? 250;

  const always = model.properties.filter((p) => p.kind === 'always');
  const sometimes = model.properties.filter((p) => p.kind === 'sometimes');
  const actionProps = model.properties.filter((p) => p.kind === 'transition');
  const found = new Map<string, Found>();
  let pendingAlways = always.slice();
  let pendingSometimes = sometimes.slice();
  let pendingAction = actionProps.slice();

  const terminal = model.terminalPred;
  const threads = model.threads.map((th) => ({ at: th.def.at, selves: th.def.instances?.size ?? 1 }));
  const allThreadsDone = (s: any): boolean =>
    threads.length > 0 &&
    threads.every(({ at, selves }) => {
      for (let i = 0; i < selves; i++) if (at(s, i).pc !== 'done') return false;
      return true;
    });

  const store = new StateStore(W, transitions.length);
  const S = codec.create();
  const decodeS = codec.bindDecoder(S);
  const N = codec.create();
  const decodeN = codec.bindDecoder(N);
  const next = new Uint32Array(W);
  const again = new Uint32Array(W);

  const checkStateProps = (idx: number, s: any): void => {
    for (const p of pendingAlways) {
      if (!evalProp(p, s)) {
        found.set(p.name, { idx });
        pendingAlways = pendingAlways.filter((q) => q !== p);
      }
    }
    for (const p of pendingSometimes) {
      if (evalProp(p, s)) {
        found.set(p.name, { idx });
        pendingSometimes = pendingSometimes.filter((q) => q !== p);
      }
    }
  };
  const evalProp = (p: PropertyEntry, s: any, n?: any): boolean => {
    let r: unknown;
    try {
      r = (p.pred as (a: any, b?: any) => unknown)(s, n);
    } catch (e) {
      throw new SpecError(`${where}: property ${p.name} threw ${errText(e)}\n  in state ${describeState(codec, s)}${throwSiteLine(e)}`);
    }
    if (typeof r !== 'boolean')
      throw new SpecError(`${where}: property ${p.name} returned ${String(r)}, not a boolean`);
    return r;
  };

  // Initial states (level 1).
  let generated = 0;
  model.inits.forEach((init, k) => {
    try {
      codec.encode(init, next, 0);
    } catch (e) {
      throw new SpecError(`${where}: initial state ${k + 1}: ${errText(e)}`);
    }
    generated++;
    const idx = store.add(next, NO_PARENT, 0);
    if (idx >= 0) {
      decodeN(next, 0);
      checkStateProps(idx, N);
    }
  });

  let status: RunStatus = 'complete';
  let limit: Limit | undefined;
  let cur = 0;
  let level = 1;
  let levelEnd = store.count;
  let maxLevel = 1;
  let lastCheck = performance.now();
  let phase = '';
  let tr: Transition | undefined;

  const stopFor = (why: Limit): void => {
    status = 'incomplete';
    limit = why;
  };

  /** Expands states from cur until `until` states are done (or a limit hits). Synchronous: the hot loop. */
  const expandBatch = (until: number): void => {
    for (; cur < until && cur < store.count && status === 'complete'; cur++) {
      if (cur === levelEnd) {
        level++;
        levelEnd = store.count;
      }
      const base = cur * W;
      decodeS(store.words, base);
      const sample = cur < fullyCheckedStates || cur % sampleEvery === 0;
      let enabled = 0;
      try {
        for (let t = 0; t < transitions.length; t++) {
          tr = transitions[t]!;
          phase = 'guard';
          const en: unknown = tr.enabled(S);
          if (en !== true) {
            if (en === false) continue;
            throw new SpecError(`${where}: the guard of ${tr.label} returned ${String(en)}, not a boolean`);
          }
          enabled++;
          phase = 'apply';
          decodeN(store.words, base);
          tr.fire(S, N);
          phase = 'encode';
          codec.encode(N, next, 0);
          generated++;
          opts.onTransition?.(S, tr, N);
          if (sample) {
            unchanged(base);
            sameTwice(tr, base);
          }
          phase = 'property';
          for (const p of pendingAction) {
            if (!evalProp(p, S, N)) {
              found.set(p.name, { idx: cur, step: { transition: t, next: next.slice() } });
              pendingAction = pendingAction.filter((q) => q !== p);
            }
          }
          if (level >= maxDepth || store.count >= maxStates) {
            if (!store.has(next)) stopFor(level >= maxDepth ? { which: 'max-depth', value: maxDepth } : { which: 'max-states', value: maxStates });
            continue;
          }
          const idx = store.add(next, cur, t);
          if (idx < 0) continue;
          maxLevel = level + 1;
          checkStateProps(idx, N);
        }
        tr = undefined;
        phase = 'state';
        unchanged(base);
        if (enabled === 0 && checkDeadlock && !found.has(DEADLOCK_PROPERTY)) {
          phase = 'terminal';
          if (!(terminal ? terminal(S) : false) && !allThreadsDone(S)) found.set(DEADLOCK_PROPERTY, { idx: cur });
        }
      } catch (e) {
        if (e instanceof StoreFullError) {
          stopFor({ which: 'max-memory', detail: `${e.message} for the state store` });
          break;
        }
        throw runtimeError(e, cur);
      }
    }
  };

  while (status === 'complete' && cur < store.count) {
    expandBatch(cur + 2048);
    const now = performance.now();
    if (now - lastCheck >= progressEvery) {
      lastCheck = now;
      const rss = process.memoryUsage.rss();
      opts.onProgress?.(progress(now, rss));
      if (rss > maxRss) stopFor({ which: 'max-memory', value: maxMemoryMB });
      await new Promise((r) => setImmediate(r));
      if (opts.signal?.aborted && status === 'complete') {
        status = 'interrupted';
        limit = { which: 'interrupted' };
      }
    }
  }

  function progress(now: number, rss: number): ExploreProgress {
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
  }

  /** Non-determinism: the same transition from the same state must give the same successor. */
  function sameTwice(t: Transition, base: number): void {
    phase = 'guard';
    if (!t.enabled(S))
      throw new SpecError(`${where}: ${t.label} is not deterministic: its guard gave true, then false, in the same state`);
    phase = 'apply';
    decodeN(store.words, base);
    t.fire(S, N);
    phase = 'encode';
    codec.encode(N, again, 0);
    for (let k = 0; k < W; k++)
      if (again[k] !== next[k])
        throw new SpecError(
          `${where}: ${t.label} is not deterministic: two runs from the same state gave different successors` +
            `\n  state: ${codec.format(codec.snapshot(store.words, base))}` +
            `\n  first:  ${codec.format(codec.snapshot(next, 0))}\n  second: ${codec.format(codec.snapshot(again, 0))}`,
        );
    decodeN(next, 0);
  }

  /** Some guard or apply wrote into the current state: find which, by re-running each. */
  function blameWriter(base: number): never {
    const state = codec.format(codec.snapshot(store.words, base));
    for (const t of transitions) {
      decodeS(store.words, base);
      let changed: string | undefined;
      try {
        if (t.enabled(S)) {
          decodeN(store.words, base);
          t.fire(S, N);
        }
        codec.encode(S, again, 0);
        for (let k = 0; k < W; k++) if (again[k] !== store.words[base + k]) changed = '';
      } catch (e) {
        if (!(e instanceof ValueRangeError)) throw e;
        changed = ` (${e.message})`;
      }
      if (changed !== undefined)
        throw new SpecError(
          `${where}: ${t.label} modified the current state s${changed}; write the next state n instead` +
            `\n  state: ${state}`,
        );
    }
    throw new SpecError(`${where}: the current state was modified during exploration (write only n)`);
  }

  /** After a sampled transition: s must be as stored. */
  function unchanged(base: number): void {
    try {
      codec.encode(S, again, 0);
    } catch {
      blameWriter(base);
    }
    for (let k = 0; k < W; k++) if (again[k] !== store.words[base + k]) blameWriter(base);
  }

  function runtimeError(e: unknown, idx: number): Error {
    if (e instanceof SpecError) return e;
    const state = describeState(codec, codec.snapshot(store.words, idx * W));
    const who = tr ? `${tr.step ? 'step' : 'action'} ${tr.label}` : phase === 'terminal' ? 'the terminal predicate' : 'exploration';
    if (e instanceof ValueRangeError) {
      return new SpecError(`${where}: ${who} set ${e.field} to ${e.message.slice(e.field.length + 3)}\n  from state: ${state}`);
    }
    return new SpecError(`${where}: ${who} threw in its ${phase}: ${errText(e)}\n  in state: ${state}${throwSiteLine(e)}`);
  }

  const { rssBytes: _, ...counts } = progress(performance.now(), 0);
  const complete = status === 'complete';
  const coverage: Coverage = complete ? { kind: 'exhaustive', states: store.count, depth: maxLevel } : { kind: 'limit', limit: limit! };
  const traceOf = (name: string, kind: Trace['kind']): Trace | undefined => {
    const f = found.get(name);
    return f && buildTrace(store, codec, transitions, f.idx, kind, name, f.step);
  };
  const results: PropertyResult[] = [];
  for (const p of model.properties) {
    const hit = found.has(p.name);
    const trace = traceOf(p.name, p.kind === 'sometimes' ? 'witness' : 'violation');
    const verdict = p.kind === 'sometimes' ? (hit ? 'holds' : complete ? 'violated' : 'unknown') : hit ? 'violated' : complete ? 'holds' : 'unknown';
    results.push({ property: p.name, kind: p.kind, verdict, trace, coverage: trace ? { kind: 'trace', steps: trace.steps.length } : coverage });
  }
  if (checkDeadlock) {
    const trace = traceOf(DEADLOCK_PROPERTY, 'deadlock');
    results.push({
      property: DEADLOCK_PROPERTY,
      kind: 'deadlock',
      verdict: trace ? 'violated' : complete ? 'holds' : 'unknown',
      trace,
      coverage: trace ? { kind: 'trace', steps: trace.steps.length } : coverage,
    });
  }
  return {
    spec: built.spec.name,
    variant: built.variant,
    engine: 'explicit',
    method: 'breadth-first search',
    status,
    limit,
    bounds: built.bounds,
    properties: results,
    stats: {
      kind: 'search',
      ...counts,
      bytesPerState: store.bytes / Math.max(store.count, 1),
      storeBytes: store.bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stateWords: W,
    },
  };
}

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
