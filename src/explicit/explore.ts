// The explicit-state engine: a breadth-first search over packed states
// (search.ts), the property bookkeeping (property-tracker.ts), then, for
// temporal properties, a fair-cycle search over the explored graph
// (liveness.ts). This file wires them together and assembles the result.

import type { BuiltModel } from '../spec/spec.ts';
import type { PropertyEntry } from '../spec/model.ts';
import type { Coverage, PropertyResult, RunResult, SearchStats } from '../spec/results.ts';
import type { Transition } from '../spec/transitions.ts';
import { codecFor, type Codec } from '../state/codec.ts';
import { StateStore } from './state-store.ts';
import { totalmem } from 'node:os';
import { buildTrace } from './trace.ts';
import { PropertyTracker } from './property-tracker.ts';
import { CoverageCounter, type ActionCoverage } from './coverage.ts';
import { breadthFirstSearch, type ExploreProgress } from './search.ts';
import { checkTemporal } from './liveness.ts';
import { symmetryReduction, temporalNotChecked } from './symmetry-search.ts';
import { planPartialOrder, porMethod, type PorPlan, type PorStats } from './por.ts';
import type { FootprintResult } from '../symbolic/footprint.ts';
import { SpecError } from '../spec/errors.ts';

export type { ExploreProgress } from './search.ts';
export type { ActionCoverage } from './coverage.ts';

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
  /** Store one state per orbit of the domains declared symmetric (symmetry-search.ts). */
  symmetry?: boolean;
  /** Partial-order reduction (por.ts) with these footprints (the symbolic
   *  front end's, src/symbolic/footprint.ts, loaded by the caller). */
  por?: (built: BuiltModel) => Promise<FootprintResult>;
}

/** The explicit engine's result: the run plus per-action coverage (how often
 *  each action or thread step was enabled, and the states it found first). */
export type ExplicitRunResult = RunResult<SearchStats> & {
  readonly actionCoverage: readonly ActionCoverage[];
  /** Under --por: how many states were expanded with an ample set only. */
  readonly partialOrder?: PorStats;
};

function describeState(codec: Codec, s: unknown): string {
  try {
    return codec.format(s);
  } catch {
    return '(unprintable state)';
  }
}

export async function explore(built: BuiltModel, opts: ExploreOptions = {}): Promise<ExplicitRunResult> {
  const { model, transitions } = built;
  const where = `spec ${built.spec.name}, variant ${built.variant}`;
  const codec = codecFor(model.schema);
  const W = codec.words;
  const checkDeadlock = opts.deadlock ?? built.spec.deadlock;
  // Without a stated budget, stop at 3/4 of the machine rather than be killed by it.
  const maxMemoryMB = opts.maxMemoryMB ?? Math.floor((totalmem() * 0.75) / 2 ** 20);

  const store = new StateStore(W, transitions.length);
  const tracker = new PropertyTracker(model.properties, where, (s) => describeState(codec, s));
  const actions = new CoverageCounter(transitions);
  const reduction = opts.symmetry ? symmetryReduction(built, codec, store) : undefined;
  if (opts.por && opts.symmetry) throw new SpecError('--por and --symmetry cannot be combined (use one reduction at a time)');
  const plan: PorPlan | undefined = opts.por ? await planPartialOrder(built, opts.por) : undefined;
  const partialOrder = plan && 'order' in plan ? plan.order : undefined;
  const out = await breadthFirstSearch(built, codec, store, tracker, actions, {
    maxStates: opts.maxStates ?? Infinity,
    maxDepth: opts.maxDepth ?? Infinity,
    maxMemoryMB,
    maxRssBytes: maxMemoryMB * 2 ** 20,
    checkDeadlock,
    progressEveryMs: opts.progressEveryMs ?? 250,
    onProgress: opts.onProgress,
    signal: opts.signal,
    onTransition: opts.onTransition,
    reduction,
    partialOrder,
  });

  const complete = out.status === 'complete';
  const coverage: Coverage = complete ? { kind: 'exhaustive', states: store.count, depth: out.depth } : { kind: 'limit', limit: out.limit! };
  const temporal = model.properties.filter((p) => p.kind === 'eventually' || p.kind === 'leadsTo' || p.kind === 'infinitelyOften');
  let liveness = new Map<string, PropertyResult>();
  let livenessBytes = 0;
  if (temporal.length && !reduction) {
    const r = await checkTemporal(built, codec, store, temporal, { complete, coverage, signal: opts.signal, where });
    liveness = r.results;
    livenessBytes = r.peakBytes;
  }
  const properties = tracker.results({
    initialsComplete: out.initialsComplete,
    coverage,
    deadlock: checkDeadlock,
    traceOf: (name, kind, at) =>
      reduction ? reduction.traceTo(at.idx, kind, name, at.step) : buildTrace(store, codec, transitions, at.idx, kind, name, at.step),
    temporal: (p: PropertyEntry) => (reduction ? temporalNotChecked(p) : liveness.get(p.name)!),
  });
  const seconds = (performance.now() - out.t0) / 1000;
  return {
    spec: built.spec.name,
    variant: built.variant,
    engine: 'explicit',
    method: porMethod(plan),
    status: out.status,
    limit: out.limit,
    bounds: built.bounds,
    properties,
    stats: {
      kind: 'search',
      distinct: store.count,
      generated: out.generated,
      depth: out.depth,
      queue: out.queue,
      seconds,
      statesPerSecond: store.count / Math.max(seconds, 1e-9),
      buildSeconds: built.buildSeconds,
      bytesPerState: (store.bytes + livenessBytes) / Math.max(store.count, 1),
      storeBytes: store.bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stateWords: W,
    },
    actionCoverage: actions.summary(),
    ...(partialOrder ? { partialOrder: partialOrder.stats } : {}),
  };
}
