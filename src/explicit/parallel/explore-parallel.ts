// The parallel explicit engine: level-synchronous breadth-first search by
// worker threads over one shared store (shared-store.ts).
//
// Why traces stay shortest: level L's frontier is the index range
// [from, to) fixed before the level starts; every state inserted while it
// is expanded gets an index >= to and a parent in [from, to), so it is at
// level L + 1 and its parent chain has L steps, whichever thread inserted it
// and in whatever order. The next level starts only when every thread has
// finished this one (the coordinator's barrier). A property first found at
// level L is found by some thread before the barrier ends level L, so the
// run reports a trace of the same length as the one-thread engine. Which of
// several equally short traces is reported may differ between runs (the
// lowest arena index among the hits of that level; indices depend on
// timing), as with TLC's workers. Counts do not depend on timing: every
// reachable state is inserted exactly once (lock-free insert), and every
// frontier state is expanded exactly once (chunks claimed by Atomics.add).
//
// Start-up: a worker rebuilds the model from the spec file (~1 s with tsx),
// so the coordinator explores alone, in its own thread, until the workers
// report ready, and hands them whole levels from then on. A run that ends
// first (any small spec) never waits for a worker.

import { Worker } from 'node:worker_threads';
import { totalmem } from 'node:os';
import type { BuiltModel } from '../../spec/spec.ts';
import { DEADLOCK_PROPERTY } from '../../spec/model.ts';
import type { Coverage, Limit, PropertyResult, RunResult, RunStatus, SearchStats, Trace } from '../../spec/results.ts';
import { SpecError } from '../../spec/errors.ts';
import { DEADLOCK_SUBJECT, decidingTraceKind, searchResult, undecided } from '../../spec/property-result.ts';
import type { ExploreOptions, ExploreProgress } from '../explore.ts';
import type { StateStore } from '../state-store.ts';
import { buildTrace } from '../trace.ts';
import { layoutOf } from '../../state/layout.ts';
import { concreteTrace } from '../concrete-trace.ts';
import { CTL, SharedStore } from './shared-store.ts';
import { CHUNK, Expander, type Hit, type LevelReport, type LevelTask } from './expander.ts';
import type { FromWorker, ToWorker, WorkerInit } from './worker-main.ts';

export interface ParallelOptions extends ExploreOptions {
  /** Worker threads (>= 1). */
  workers: number;
  /** The spec's module, which each worker imports; default: where spec() was called. */
  specFile?: string;
  /** Wait for every worker before the first level (tests: exercise the workers on small specs). */
  awaitWorkers?: boolean;
  /** States the store holds before it first grows (tests: force growth between levels). */
  capacity?: number;
  /** Store one state per orbit of the symmetric domains (src/state/symmetry.ts). */
  symmetry?: boolean;
}

interface Peer {
  worker: Worker;
  ready: boolean;
  /** Resolves the pending 'run'. */
  pending?: { resolve: (r: LevelReport) => void; reject: (e: Error) => void };
  /** Buffers this worker maps (resent after growth). */
  buffers: unknown;
}

export async function exploreParallel(built: BuiltModel, opts: ParallelOptions): Promise<RunResult<SearchStats>> {
  const t0 = performance.now();
  const checkDeadlock = opts.deadlock ?? built.spec.deadlock;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxMemoryMB = opts.maxMemoryMB ?? Math.floor((totalmem() * 0.75) / 2 ** 20);
  const progressEvery = opts.progressEveryMs ?? 250;
  const props = built.model.properties;
  const T = built.transitions.length;

  const foundBuf = new SharedArrayBuffer((props.length + 1) * 4);
  const found = new Int32Array(foundBuf);
  const W = layoutOf(built.model.schema).words;
  const store = SharedStore.create(W, opts.capacity);
  // The coordinator expands levels itself until the workers are up.
  const local = new Expander(built, store, found, checkDeadlock, !!opts.symmetry);

  const best = new Map<number, Hit>();
  const take = (hits: readonly Hit[]): void => {
    for (const h of hits) {
      const b = best.get(h.prop);
      if (!b || h.steps < b.steps || (h.steps === b.steps && h.idx < b.idx)) best.set(h.prop, h);
    }
  };

  let status: RunStatus = 'complete';
  let limit: Limit | undefined;
  const stopFor = (why: Limit, st: RunStatus = 'incomplete'): void => {
    if (status === 'complete') {
      status = st;
      limit = why;
    }
    Atomics.store(store.ctl, CTL.stop, 1);
  };

  const initHits: Hit[] = [];
  let generated = local.addInitials(initHits);
  take(initHits);

  // Workers start now and join when ready.
  const file = opts.specFile ?? built.spec.file;
  const peers: Peer[] = [];
  let failure: Error | undefined;
  if (opts.workers > 1 && file) {
    const init: WorkerInit = {
      file,
      specName: built.spec.name,
      variant: built.variant,
      buffers: store.shared,
      stateWords: W,
      found: foundBuf,
      checkDeadlock,
      symmetry: !!opts.symmetry,
      labels: built.transitions.map((t) => t.label).join('\n'),
    };
    for (let i = 0; i < opts.workers; i++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: init });
      const peer: Peer = { worker, ready: false, buffers: store.shared };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') peer.ready = true;
        else if (m.type === 'done') {
          const p = peer.pending;
          peer.pending = undefined;
          p?.resolve(m.report);
        } else {
          const e = m.specError ? new SpecError(m.message) : new Error(`worker: ${m.message}`);
          failure ??= e;
          peer.pending?.reject(e);
          peer.pending = undefined;
        }
      });
      worker.on('error', (e) => {
        failure ??= e;
        peer.pending?.reject(e);
        peer.pending = undefined;
      });
      peers.push(peer);
    }
  }

  let lastProgress = performance.now();
  const progress = (now: number): ExploreProgress => {
    const seconds = (now - t0) / 1000;
    return {
      distinct: store.count,
      generated,
      depth: maxLevel,
      queue: Math.max(0, store.count - Atomics.load(store.ctl, CTL.cursor)),
      seconds,
      statesPerSecond: store.count / Math.max(seconds, 1e-9),
      rssBytes: process.memoryUsage.rss(),
    };
  };
  const tick = async (): Promise<void> => {
    const now = performance.now();
    if (now - lastProgress < progressEvery) return;
    lastProgress = now;
    const p = progress(now);
    opts.onProgress?.(p);
    if (p.rssBytes > maxMemoryMB * 2 ** 20) stopFor({ which: 'max-memory', value: maxMemoryMB });
    await new Promise((r) => setImmediate(r));
    if (opts.signal?.aborted) stopFor({ which: 'interrupted' }, 'interrupted');
  };

  const allReady = () => peers.length > 0 && peers.every((p) => p.ready);
  const runOn = (peer: Peer, task: LevelTask): Promise<LevelReport> =>
    new Promise((resolve, reject) => {
      peer.pending = { resolve, reject };
      const msg: ToWorker = { type: 'run', task };
      if (peer.buffers !== store.shared) {
        msg.buffers = store.shared;
        peer.buffers = store.shared;
      }
      peer.worker.postMessage(msg);
    });

  if (opts.awaitWorkers)
    while (peers.length && !allReady()) {
      if (failure) throw failure;
      await new Promise((r) => setTimeout(r, 5));
    }

  let level = 1;
  let from = 0;
  let to = store.count;
  let maxLevel = 1;
  try {
    while (status === 'complete' && from < to) {
      if (failure) throw failure;
      const threads = allReady() ? peers.length : 1;
      const margin = CHUNK * T * threads;
      const task: LevelTask = { from, to, level, noInsert: level >= maxDepth, maxStates, margin };
      Atomics.store(store.ctl, CTL.cursor, from);
      const reports: LevelReport[] = [];
      for (;;) {
        let needRoom = false;
        if (threads > 1) {
          // A keep-alive: the coordinator still reports progress while workers run.
          const timer = setInterval(() => void tick(), progressEvery);
          try {
            const rs = await Promise.all(peers.map((p) => runOn(p, task)));
            reports.push(...rs);
            needRoom = rs.some((r) => r.needRoom);
          } finally {
            clearInterval(timer);
          }
        } else {
          const r: LevelReport = { generated: 0, hits: [], needRoom: false };
          while (!local.run(task, r, 16)) {
            await tick();
            if (failure) throw failure;
          }
          reports.push(r);
          needRoom = r.needRoom;
        }
        if (!needRoom || Atomics.load(store.ctl, CTL.stop) !== 0) break;
        store.grow(margin * 2 + Math.ceil(store.count / 2));
      }
      for (const r of reports) {
        generated += r.generated;
        take(r.hits);
        if (r.limited) stopFor(r.limited === 'max-depth' ? { which: 'max-depth', value: maxDepth } : { which: 'max-states', value: maxStates });
      }
      if (failure) throw failure;
      if (store.count > to) maxLevel = level + 1;
      from = to;
      to = store.count;
      level++;
      await tick();
    }
  } finally {
    await Promise.all(peers.map((p) => p.worker.terminate()));
  }
  if (failure) throw failure;

  const { rssBytes: _, ...counts } = progress(performance.now());
  const complete = status === 'complete';
  const coverage: Coverage = complete ? { kind: 'exhaustive', states: store.count, depth: maxLevel } : { kind: 'limit', limit: limit! };
  const view = store as unknown as StateStore;
  const traceOf = (p: number, name: string, kind: Trace['kind']): Trace | undefined => {
    const h = best.get(p);
    if (!h) return undefined;
    const step = h.transition === undefined ? undefined : { transition: h.transition, next: Uint32Array.from(h.next!) };
    const sym = local.symmetry;
    if (sym) {
      const pred = props[p]?.pred as ((s: any, n: any) => boolean) | undefined;
      const last = step && pred ? { next: step.next, holds: pred } : undefined;
      return concreteTrace(built, local.codec, sym, store, h.idx, kind, name, last);
    }
    return buildTrace(view, local.codec, built.transitions, h.idx, kind, name, step);
  };
  // Verdicts through the one result assembler every engine uses.
  const results: PropertyResult[] = props.map((p, i): PropertyResult => {
    // Temporal properties need the liveness pass over the whole graph
    // (src/explicit/liveness.ts), which this engine does not run.
    if (p.kind !== 'always' && p.kind !== 'sometimes' && p.kind !== 'transition')
      return undecided(p, { kind: 'not-checked', reason: `${p.kind} properties are not checked by the parallel engine (use --engine explicit)` });
    return searchResult(p, traceOf(i, p.name, decidingTraceKind(p.kind)), coverage);
  });
  if (checkDeadlock) results.push(searchResult(DEADLOCK_SUBJECT, traceOf(props.length, DEADLOCK_PROPERTY, 'deadlock'), coverage));
  return {
    spec: built.spec.name,
    variant: built.variant,
    engine: 'parallel',
    method: 'breadth-first search',
    status,
    limit,
    bounds: built.bounds,
    properties: results,
    stats: {
      kind: 'search',
      ...counts,
      buildSeconds: built.buildSeconds,
      bytesPerState: store.bytes / Math.max(store.count, 1),
      storeBytes: store.bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stateWords: W,
    },
  };
}
