// The parallel explicit engine: level-synchronous breadth-first search by
// worker threads over one shared store (shared-store.ts).
//
// Why traces stay shortest: level L's frontier is the index range
// [from, to) fixed before the level starts; every state inserted while it
// is expanded gets an index >= to and a parent in [from, to), so it is at
// level L + 1 and its parent chain has L steps, whichever thread inserted it
// and in whatever order (threads reserve indices in blocks during level L,
// and the unused ends of their blocks are holes that no level expands). The
// next level starts only when every thread has finished this one (the
// coordinator's barrier). A property first found at level L is found by
// some thread before the barrier ends level L, so the run reports a trace of
// the same length as the one-thread engine. Which of several equally short
// traces is reported may differ between runs (the lowest arena index among
// the hits of that level; indices depend on timing), as with TLC's workers.
// Counts do not depend on timing: every reachable state is inserted exactly
// once (lock-free insert), and every frontier state is expanded exactly once
// (chunks claimed by Atomics.add).
//
// Threads: the coordinator is one of them. `workers: N` starts N - 1 worker
// threads; each rebuilds the model from the spec file (start-up ~0.5 CPU s),
// so the coordinator explores alone until a worker reports ready, and a
// worker that gets ready joins the level under way (its chunks come from the
// same shared cursor). A run that ends first (any small spec) never waits
// for a worker.

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
import { threadCpuMs } from './thread-cpu.ts';
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
  /** Arena indices a thread reserves at a time (tests: force holes on small specs); default by level size. */
  block?: number;
  /** Filled in when given (bench/parallel.ts): where the threads' time went. */
  timing?: ParallelTiming;
}

/** Time at the level barrier, summed over levels. */
export interface ParallelTiming {
  levels: number;
  /** Most threads that took part in a level. */
  threads: number;
  /** Wall time of the levels (from the first thread's start to the last report). */
  levelMs: number;
  /** Thread-milliseconds spent expanding states. */
  busyMs: number;
  /** Thread-milliseconds of the threads present at a level spent waiting for its end. */
  waitMs: number;
  /** Wall time spent growing the store (between levels; ready threads rehash). */
  growMs: number;
  /** CPU time of each thread (coordinator first), start-up included; [] where unknown. */
  threadCpuMs: number[];
}

/** Most arena indices a thread reserves at a time (shared-store.ts). */
const MAX_BLOCK = 256;


interface Peer {
  worker: Worker;
  ready: boolean;
  /** Resolves the pending 'run'. */
  pending?: { resolve: (r: LevelReport) => void; reject: (e: Error) => void };
  /** Buffers this worker maps (resent after growth). */
  buffers: unknown;
  /** The worker's thread CPU time at its last report (with opts.timing). */
  cpuMs: number;
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
  // The arena's address space is reserved up to half the memory limit,
  // 1 GB at most, and mapped as it fills; past that it grows by copying.
  // Why the cap: a reservation is committed memory to the kernel's
  // overcommit check, so a process holding several of 9 GB (one per run:
  // a test process runs many) could no longer fork: spawn failed with
  // ENOMEM in a CI run.
  const store = opts.capacity
    ? SharedStore.create(W, opts.capacity, T)
    : SharedStore.reserve(W, T, Math.min(maxMemoryMB * 2 ** 19, 2 ** 30));
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

  const inits = built.model.inits.length;
  if (!store.hasRoom(inits)) {
    const old = store.grow(inits);
    if (old) store.rehash(old, true);
  }
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
    // The coordinator is one of the threads: N workers are N - 1 worker
    // threads besides it (each costs a start-up and a JIT warm-up of its own).
    for (let i = 1; i < opts.workers; i++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), { workerData: init });
      const peer: Peer = { worker, ready: false, buffers: store.shared, cpuMs: NaN };
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') peer.ready = true;
        else if (m.type === 'done') {
          const p = peer.pending;
          peer.pending = undefined;
          if (m.report.cpuMs !== undefined) peer.cpuMs = m.report.cpuMs;
          p?.resolve(m.report);
        } else {
          const e = m.specError ? new SpecError(m.message) : new Error(`worker: ${m.message}`);
          failure ??= e;
          Atomics.store(store.ctl, CTL.stop, 1);
          peer.pending?.reject(e);
          peer.pending = undefined;
        }
      });
      worker.on('error', (e) => {
        failure ??= e;
        Atomics.store(store.ctl, CTL.stop, 1);
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
      distinct: store.distinct,
      generated,
      depth: maxLevel,
      queue: Math.max(0, store.count - Atomics.load(store.ctl, CTL.cursor)),
      seconds,
      statesPerSecond: store.distinct / Math.max(seconds, 1e-9),
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
  const send = (peer: Peer, msg: ToWorker): Promise<LevelReport> => {
    const p = new Promise<LevelReport>((resolve, reject) => {
      peer.pending = { resolve, reject };
      if (peer.buffers !== store.shared) {
        msg.buffers = store.shared;
        peer.buffers = store.shared;
      }
      peer.worker.postMessage(msg);
    });
    p.catch(() => {}); // awaited by the caller; not an unhandled rejection meanwhile
    return p;
  };
  const runOn = (peer: Peer, task: LevelTask): Promise<LevelReport> => send(peer, { type: 'run', task });
  /** Grows the store; a larger table is filled by every ready thread at once. */
  const growStore = async (extra: number): Promise<void> => {
    const old = store.grow(extra);
    if (!old) return;
    const helping = peers.filter((p) => p.ready).map((p) => send(p, { type: 'rehash', old: old.buffer as SharedArrayBuffer }));
    store.rehash(old, helping.length === 0);
    await Promise.all(helping);
  };

  if (opts.awaitWorkers)
    while (peers.length && !allReady()) {
      if (failure) throw failure;
      await new Promise((r) => setTimeout(r, 5));
    }

  let level = 1;
  let from = 0;
  let to = store.count;
  let maxLevel = 1;
  const timing = opts.timing;
  try {
    while (status === 'complete' && from < to) {
      if (failure) throw failure;
      // Every thread that may join this level (workers that get ready during
      // it join at once: the chunks come from the shared cursor).
      const threads = 1 + peers.length;
      // Blocks of 1/16 of this level (the next is about as large), so the
      // holes stay a small share of a small level.
      const block = maxStates !== Infinity ? 1 : (opts.block ?? Math.max(1, Math.min(MAX_BLOCK, (to - from) >> 4)));
      const margin = (CHUNK * T + block) * threads;
      const task: LevelTask = { from, to, level, noInsert: level >= maxDepth, maxStates, margin, block, measureCpu: !!timing };
      Atomics.store(store.ctl, CTL.cursor, from);
      const distinctBefore = store.distinct;
      const reports: LevelReport[] = [];
      const levelStart = performance.now();
      let growMs = 0;
      for (;;) {
        // The coordinator takes its share of the level in budgets of chunks,
        // between which it reports progress and lets ready workers join.
        const running: Promise<LevelReport>[] = [];
        const joined = new Set<Peer>();
        const join = (): void => {
          for (const p of peers)
            if (p.ready && !joined.has(p)) {
              joined.add(p);
              running.push(runOn(p, task));
            }
        };
        join();
        const r: LevelReport = { generated: 0, hits: [], needRoom: false, busyMs: 0 };
        while (!local.run(task, r, 16)) {
          await tick();
          if (failure) throw failure;
          join();
        }
        const rs = [r, ...(await Promise.all(running))];
        reports.push(...rs);
        if (!rs.some((x) => x.needRoom) || Atomics.load(store.ctl, CTL.stop) !== 0) break;
        // Claimed chunks were expanded in full: the run goes on from the cursor.
        const g0 = performance.now();
        await growStore(margin * 2 + Math.ceil(store.count / 2));
        growMs += performance.now() - g0;
      }
      // (Growth is the coordinator's alone, between two runs: counted apart.)
      const levelMs = performance.now() - levelStart - growMs;
      if (timing) {
        timing.levels++;
        timing.threads = Math.max(timing.threads, 1 + peers.filter((p) => p.ready).length);
        timing.levelMs += levelMs;
        // Each thread present for the whole level waited for what it was not busy.
        const present = 1 + peers.filter((p) => p.ready).length;
        const busy = reports.reduce((n, x) => n + x.busyMs, 0);
        timing.waitMs += Math.max(0, present * levelMs - busy);
        timing.busyMs += busy;
        timing.growMs += growMs;
      }
      for (const r of reports) {
        generated += r.generated;
        take(r.hits);
        if (r.limited) stopFor(r.limited === 'max-depth' ? { which: 'max-depth', value: maxDepth } : { which: 'max-states', value: maxStates });
      }
      if (failure) throw failure;
      // (Holes are not states: a level that only left holes added none.)
      if (store.distinct > distinctBefore) maxLevel = level + 1;
      else if (store.count > to) break;
      from = to;
      to = store.count;
      level++;
      await tick();
    }
    if (timing) {
      timing.threadCpuMs = [threadCpuMs(), ...peers.map((p) => p.cpuMs)];
    }
  } finally {
    await Promise.all(peers.map((p) => p.worker.terminate()));
  }
  if (failure) throw failure;

  const { rssBytes: _, ...counts } = progress(performance.now());
  const complete = status === 'complete';
  const coverage: Coverage = complete ? { kind: 'exhaustive', states: store.distinct, depth: maxLevel } : { kind: 'limit', limit: limit! };
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
      bytesPerState: store.bytes / Math.max(store.distinct, 1),
      storeBytes: store.bytes,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      stateWords: W,
    },
  };
}
