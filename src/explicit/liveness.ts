// Temporal properties under fairness, checked on the explored state graph
// after the breadth-first search (docs/liveness.md argues the design).
//
// A counterexample to <>p, p ~> q or []<>p is a fair behaviour that, from
// some point on, stays in a region H of states for ever: not-p (for <>p,
// from the start), not-q after a p state (p ~> q), not-p (for []<>p). As in
// TLA+, any state may be repeated (stuttering), so every state of H is a
// cycle on its own, and fairness decides which cycles count: a cycle is fair
// when, for every weakly fair constraint A, it contains an <<A>> step or a
// state where A is not enabled, and for every strongly fair A, an <<A>> step
// or no state where A is enabled. Steps, not labels, decide: an edge s -> s'
// is an A step if any transition of A leads from s to s', whichever
// transition the search recorded.
//
// The search is the SCC algorithm for Streett conditions (as TLC's
// liveness checker and Couvreur's): the strongly connected components of H
// (reachable through the right prefix) are tested whole; a weak constraint
// that fails on a component fails on every cycle in it; a strong one that is
// enabled but never taken removes the states where it is enabled, and the
// rest is split into components again. Sound and complete for the explored
// graph. A lasso is then built: the shortest prefix (BFS over the prefix
// graph) to the component's first-found state, and a cycle from there found
// by BFS through each fairness witness and back.

import type { BuiltModel } from '../spec/spec.ts';
import type { PropertyEntry } from '../spec/model.ts';
import type { Coverage, PropertyResult, Trace, TraceStep } from '../spec/results.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';
import { nothingFound, settledBy, undecided, type OpenCoverage } from '../spec/property-result.ts';
import type { Codec } from '../state/codec.ts';
import { NO_PARENT, type VisitedStates } from './state-store.ts';
import { SuccessorGraph } from './successors.ts';
import { DenseMarks, SparseMarks, stronglyConnected } from './scc.ts';
import { errText } from './property-tracker.ts';

export interface TemporalOutcome {
  readonly results: Map<string, PropertyResult>;
  /** Bytes of the typed arrays the pass allocated at most at once. */
  readonly peakBytes: number;
}

interface Ctx {
  readonly built: BuiltModel;
  readonly codec: Codec;
  readonly store: VisitedStates;
  readonly graph: SuccessorGraph;
  readonly where: string;
}

/** What a fair component requires of a cycle through it. */
type Requirement =
  /** Visit a state where weak constraint f is not enabled. */
  | { readonly f: number; readonly state: number }
  /** Take a step of constraint f. */
  | { readonly f: number; readonly from: number; readonly to: number; readonly via: number };

interface FairComponent {
  readonly members: readonly number[];
  readonly inside: (w: number) => boolean;
  readonly reqs: readonly Requirement[];
}


export async function checkTemporal(
  built: BuiltModel,
  codec: Codec,
  store: VisitedStates,
  props: readonly PropertyEntry[],
  opts: { complete: boolean; coverage: Coverage; where: string; signal?: AbortSignal },
): Promise<TemporalOutcome> {
  const results = new Map<string, PropertyResult>();
  if (!opts.complete) {
    // A cycle search on a truncated graph proves nothing: states at the cut
    // have successors we never saw.
    for (const p of props) results.set(p.name, undecided(p, opts.coverage as OpenCoverage));
    return { results, peakBytes: 0 };
  }
  const graph = new SuccessorGraph(built, codec, store);
  const ctx: Ctx = { built, codec, store, graph, where: opts.where };
  let peakBytes = 0;
  for (const p of props) {
    await new Promise((r) => setImmediate(r));
    if (opts.signal?.aborted) {
      results.set(p.name, undecided(p, { kind: 'limit', limit: { which: 'interrupted' } }));
      continue;
    }
    const r = checkOne(ctx, p);
    peakBytes = Math.max(peakBytes, r.bytes);
    results.set(
      p.name,
      r.trace
        ? settledBy(p, r.trace)
        : nothingFound(p, { ...(opts.coverage as Extract<Coverage, { kind: 'exhaustive' }>), fairness: fairnessNote(built) }),
    );
  }
  return { results, peakBytes };
}

/** The fairness a verdict was reached under, short enough for a table row:
 *  "2 WF", "3 WF + 3 SF", "no fairness" (counts of constraints). */
function fairnessNote(built: BuiltModel): string {
  const f = built.fairness;
  if (f.length === 0) return 'no fairness';
  const weak = f.filter((c) => c.kind === 'weak').length;
  return [weak && `${weak} WF`, f.length - weak && `${f.length - weak} SF`].filter(Boolean).join(' + ');
}

function checkOne(ctx: Ctx, p: PropertyEntry): { trace?: Trace; bytes: number } {
  const { store, graph } = ctx;
  const n = store.count;
  const call = (name: string, f: (s: any) => unknown, s: unknown): boolean => {
    let r: unknown;
    try {
      r = f(s);
    } catch (e) {
      throw new SpecError(`${ctx.where}: property ${name} threw ${errText(e)}\n  in state ${ctx.codec.format(s)}${throwSiteLine(e)}`);
    }
    if (typeof r !== 'boolean') throw new SpecError(`${ctx.where}: property ${name} returned ${String(r)}, not a boolean`);
    return r;
  };

  // Region H (bit 1) and the trigger that enters it (bit 2), per state.
  const IN = 1;
  const TRIGGER = 2;
  const flags = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const s = graph.state(v);
    const pv = call(p.name, p.pred as (s: any) => unknown, s);
    if (p.kind === 'leadsTo') {
      const qv = call(p.name, p.to!, s);
      flags[v] = (qv ? 0 : IN) | (pv && !qv ? TRIGGER : 0);
    } else flags[v] = pv ? 0 : IN | TRIGGER;
  }
  // <>p: the whole behaviour stays in not-p, so the prefix does too.
  const fromStart = p.kind === 'eventually';

  // BFS over (state, phase): phase 0 before the trigger, phase 1 inside H.
  // The parent of (w, 1) is (w, 0) where the trigger switches phase. Steps
  // are not stored: the lasso finds them again by expanding the parent.
  const parent = new Int32Array(2 * n).fill(-1);
  const order1 = new Int32Array(n).fill(-1);
  const queue = new Uint32Array(2 * n);
  let head = 0;
  let tail = 0;
  const discover = (code: number, par: number): boolean => {
    if (parent[code] !== -1) return false;
    parent[code] = par;
    if (code & 1) order1[code >>> 1] = tail;
    queue[tail++] = code;
    return true;
  };
  const enter = (w: number, par: number): void => {
    if (fromStart) {
      if (flags[w]! & IN) discover(2 * w + 1, par);
    } else if (discover(2 * w, par) && flags[w]! & TRIGGER) discover(2 * w + 1, 2 * w);
  };
  for (let v = 0; v < n && store.parents[v] === NO_PARENT; v++) enter(v, -2);
  let firstOrder = -1;
  while (head < tail) {
    const code = queue[head++]!;
    const v = code >>> 1;
    if (code & 1 && firstOrder < 0) firstOrder = head - 1;
    graph.expand(v);
    for (let i = 0; i < graph.count; i++) {
      const w = graph.targets[i]!;
      if (code & 1) {
        if (flags[w]! & IN) discover(2 * w + 1, code);
      } else enter(w, code);
    }
  }
  // The queue is done with: Tarjan's index and low-link take its memory.
  const marks = new DenseMarks(n, queue.buffer as ArrayBuffer);
  const bytes = flags.byteLength + parent.byteLength + order1.byteLength + queue.byteLength + n;

  // Components of H1 (the states reached in phase 1). After a component is
  // reported, its members' low-links mark it (-id): `inside` is one read.
  let sccNo = 0;
  let fair = undefined as FairComponent | undefined;
  const inH1 = (w: number): boolean => order1[w]! >= 0;
  const roots = function* (): Generator<number> {
    for (let v = 0; v < n; v++) if (order1[v]! >= 0) yield v;
  };
  // Every fair component is a counterexample; keep the one whose entry has
  // the shortest prefix (stop early if none can be shorter).
  let bestOrder = Infinity;
  const entryOrder = (c: FairComponent): number => {
    let o = Infinity;
    for (const v of c.members) o = Math.min(o, order1[v]!);
    return o;
  };
  stronglyConnected(graph, roots(), inH1, marks, (buf, from, to) => {
    let min = Infinity;
    for (let i = from; i < to; i++) min = Math.min(min, order1[buf[i]!]!);
    if (min >= bestOrder) return false;
    const members = Array.from(buf.subarray(from, to));
    const id = -++sccNo;
    for (const v of members) marks.setLow(v, id);
    const c = fairComponent(ctx, members, (w) => marks.low(w) === id);
    if (c) {
      const o = entryOrder(c);
      if (o < bestOrder) {
        bestOrder = o;
        fair = c;
      }
    }
    return bestOrder === firstOrder;
  });
  if (!fair) return { bytes };
  // The component's membership mark may be overwritten by later components
  // only if the search went on; it stopped or this was the best: copy it.
  const members = new Set(fair.members);
  return { trace: lasso(ctx, p, { ...fair, inside: (w) => members.has(w) }, parent, order1), bytes };
}

/**
 * Whether some cycle within the component (members, inside) is fair; if so
 * the (sub)component and what a cycle through it must visit.
 */
function fairComponent(ctx: Ctx, members: readonly number[], inside: (w: number) => boolean): FairComponent | null {
  const { built, graph } = ctx;
  const F = built.fairness.length;
  if (F === 0) return { members, inside, reqs: [] };
  const taken: (Requirement | undefined)[] = new Array(F);
  const enabledAny = new Uint8Array(F);
  const disabledAt = new Int32Array(F).fill(-1);
  for (const v of members) {
    graph.expand(v);
    for (let i = 0; i < graph.count; i++) {
      const w = graph.targets[i]!;
      if (!inside(w)) continue;
      for (let k = graph.fairStart[i]!; k < graph.fairStart[i + 1]!; k++) {
        const f = graph.fairIds[k]!;
        taken[f] ??= { f, from: v, to: w, via: graph.via[i]! };
      }
    }
    for (let f = 0; f < F; f++) {
      if (graph.enabledFair[f]) enabledAny[f] = 1;
      else if (disabledAt[f]! < 0) disabledAt[f] = v;
    }
  }
  const badStrong: number[] = [];
  for (let f = 0; f < F; f++) {
    const c = built.fairness[f]!;
    if (taken[f]) continue;
    // No cycle inside can take A either, and none visits more disabled states.
    if (c.kind === 'weak' && disabledAt[f]! < 0) return null;
    if (c.kind === 'strong' && enabledAny[f]) badStrong.push(f);
  }
  if (badStrong.length === 0) {
    const reqs: Requirement[] = [];
    for (let f = 0; f < F; f++) {
      if (built.fairness[f]!.kind === 'weak' && disabledAt[f]! >= 0) reqs.push({ f, state: disabledAt[f]! });
      else if (taken[f]) reqs.push(taken[f]!);
    }
    return { members, inside, reqs };
  }
  // A strongly fair A is enabled here but never taken: a fair cycle must
  // avoid the states where A is enabled. Split what is left.
  const keep = new Set<number>();
  for (const v of members) {
    graph.expand(v);
    if (!badStrong.some((f) => graph.enabledFair[f])) keep.add(v);
  }
  if (keep.size === 0) return null;
  let found: FairComponent | null = null;
  stronglyConnected(graph, [...keep], (w) => keep.has(w), new SparseMarks(), (buf, from, to) => {
    const sub = new Set(buf.subarray(from, to));
    found = fairComponent(ctx, [...sub], (w) => sub.has(w));
    return found !== null;
  });
  return found;
}

/** The shortest prefix to the component, then a cycle through every requirement. */
function lasso(
  ctx: Ctx,
  p: PropertyEntry,
  c: FairComponent,
  parent: Int32Array,
  order1: Int32Array,
): Trace {
  const { built, codec, store, graph } = ctx;
  const W = codec.words;
  let entry = c.members[0]!;
  for (const v of c.members) if (order1[v]! < order1[entry]!) entry = v;
  // Prefix: follow BFS parents from (entry, phase 1), skipping phase switches.
  const back: number[] = [];
  for (let code = 2 * entry + 1; code >= 0; code = parent[code]!) {
    const par = parent[code]!;
    if (par >= 0 && par >>> 1 === code >>> 1) continue; // the phase switch
    back.push(code >>> 1);
  }
  back.reverse();
  const path = back.slice(1).map((state, i) => ({ transition: stepBetween(ctx, back[i]!, state), state }));
  const loop = path.length;
  // Cycle: BFS inside the component to each requirement not met yet by
  // the steps and states so far, then back to the entry.
  const F = built.fairness.length;
  const met = new Uint8Array(F);
  const visitState = (v: number): void => {
    graph.expand(v);
    for (let f = 0; f < F; f++) if (!graph.enabledFair[f] && built.fairness[f]!.kind === 'weak') met[f] = 1;
  };
  const takeStep = (u: number, w: number): void => {
    graph.expand(u);
    for (let i = 0; i < graph.count; i++)
      if (graph.targets[i] === w) for (let k = graph.fairStart[i]!; k < graph.fairStart[i + 1]!; k++) met[graph.fairIds[k]!] = 1;
    visitState(w);
  };
  const walk = (steps: { transition: number; state: number }[], from: number): void => {
    let u = from;
    for (const st of steps) {
      takeStep(u, st.state);
      u = st.state;
    }
  };
  visitState(entry);
  let cur = entry;
  const cycle: { transition: number; state: number }[] = [];
  for (const r of c.reqs) {
    if (met[r.f]) continue;
    if ('state' in r) {
      const leg = shortestPath(ctx, cur, r.state, c.inside);
      walk(leg, cur);
      cycle.push(...leg);
      cur = r.state;
    } else {
      const leg = [...shortestPath(ctx, cur, r.from, c.inside), { transition: r.via, state: r.to }];
      walk(leg, cur);
      cycle.push(...leg);
      cur = r.to;
    }
  }
  cycle.push(...shortestPath(ctx, cur, entry, c.inside));
  const all = [...path, ...cycle];
  const steps: TraceStep[] = all.map((x) => ({
    transition: built.transitions[x.transition]!,
    state: codec.snapshot(store.words, x.state * W),
  }));
  return { kind: 'violation', property: p.name, initial: codec.snapshot(store.words, back[0]! * W), steps, loop };
}

/** A transition leading from state u to state w (the first in declaration order). */
function stepBetween(ctx: Ctx, u: number, w: number): number {
  ctx.graph.expand(u);
  for (let i = 0; i < ctx.graph.count; i++) if (ctx.graph.targets[i] === w) return ctx.graph.via[i]!;
  throw new Error(`internal: no step from state ${u} to state ${w}`);
}

/** BFS from a to b inside the component: the steps (empty if a === b). */
function shortestPath(ctx: Ctx, a: number, b: number, inside: (w: number) => boolean): { transition: number; state: number }[] {
  if (a === b) return [];
  const { graph } = ctx;
  const prev = new Map<number, { from: number; via: number }>([[a, { from: -1, via: 0 }]]);
  const q = [a];
  for (let h = 0; h < q.length; h++) {
    const v = q[h]!;
    graph.expand(v);
    for (let i = 0; i < graph.count; i++) {
      const w = graph.targets[i]!;
      if (prev.has(w) || !inside(w)) continue;
      prev.set(w, { from: v, via: graph.via[i]! });
      if (w === b) {
        const out: { transition: number; state: number }[] = [];
        for (let x = b; x !== a; x = prev.get(x)!.from) out.push({ transition: prev.get(x)!.via, state: x });
        return out.reverse();
      }
      q.push(w);
    }
  }
  throw new Error(`internal: no path inside a strongly connected component (${a} -> ${b})`);
}
