// Partial-order reduction for the breadth-first search (--por): in a state
// where one thread's next steps commute with everything every other thread
// can do, and change nothing a property reads, only that thread's enabled
// steps (the ample set) are taken. The conditions, with the footprints of
// src/symbolic/footprint.ts (read and write sets valid in ALL states):
//
// C0  The ample set is empty only when nothing is enabled: it is a
//     non-empty set of enabled transitions, or the state is expanded fully.
// C1  Independence. A group is a thread instance (or one transition of an
//     action). Group G at pc p is a candidate when every transition of G
//     at p, enabled or not, writes no leaf any transition outside G reads
//     or writes, and reads or writes no leaf one of those writes. Guards
//     are reads, so no transition outside G enables or disables one of
//     G's steps at p, nor moves G's pc. Then along any path from s, a
//     step of G happens before anything dependent on G's ample steps: the
//     first step of G on the path is at pc p (nobody else moves G's pc),
//     enabled in s already (nobody else changed what its guard reads),
//     hence ample; every step before it is outside G and independent.
// C2  Invisibility. No ample transition changes what the properties
//     observe, from any in-range state where it is enabled (asked of Z3):
//     the value (or error) of an always or sometimes predicate, or of a
//     conjunct of a transition property that reads s' only. A transition
//     on which another conjunct of a transition property may fail is
//     never ample either: that failure is an event, as errors are. An error of the spec
//     (a throw, a value out of range, a guard that is not a boolean) is a
//     visible event: a transition that may err in some in-range state is
//     never ample, and the leaves its error condition reads are its reads.
// C3  The BFS cycle proviso: s is expanded fully when an ample successor
//     is already stored at an index <= s's (expanded already, or s
//     itself). So a state expanded with an ample set has every successor
//     at a higher index: along a cycle indices cannot only grow, so every
//     cycle of the reduced graph has a fully expanded state. C0-C2 with
//     that cycle condition give a reduced graph in which every path of the
//     full graph has a stuttering-equivalent path (Clarke, Grumberg and
//     Peled, Model Checking, ch. 10; Peled 1994): invariants, reachability
//     (sometimes), transition properties and errors keep their verdicts.
//
// Deadlocks: a state with nothing enabled is reached in the reduced graph
// whenever it is in the full one (C0 and C1: persistent sets; Godefroid's
// thesis, thm 4.3): the first ample step on the path to it can be moved to
// the front. Temporal properties (eventually, leadsTo, infinitelyOften)
// would need fairness preserved too: with any of them the search is not
// reduced (the result says so). Traces are executions of the spec, found
// breadth-first in the reduced graph: valid (--replay confirms them) but
// not always the shortest of the full graph.

import type { BuiltModel } from '../spec/spec.ts';
import { isTemporal } from '../spec/model.ts';
import type { FootprintResult, Footprints, TransitionFootprint } from '../symbolic/footprint.ts';

export interface PorStats {
  /** States expanded with an ample set only. */
  reduced: number;
  /** States expanded fully: no candidate group had an enabled step. */
  full: number;
  /** States expanded fully because an ample successor was stored already (C3). */
  proviso: number;
}

/** What the search calls (the one hook in search.ts). */
export interface PartialOrder {
  /** The ample set at the decoded state s (mask by transition id, 1 =
   *  ample), or undefined: expand s fully. Runs the guards of candidate
   *  steps; a guard that throws or is not a boolean gives undefined (the
   *  full expansion reports it). The mask is reused by the next call. */
  ample(s: unknown): Uint8Array | undefined;
  readonly stats: PorStats;
  /** Candidate (group, pc) pairs, for the summary. */
  readonly candidates: number;
}

/** A reduction to run, or why the run is not reduced. */
export type PorPlan = { readonly order: PartialOrder } | { readonly off: string };

/** Leaf sets as bit sets: the relation is computed once, over all pairs. */
class Bits {
  readonly w: Uint32Array;
  constructor(n: number) {
    this.w = new Uint32Array((n + 31) >>> 5);
  }
  static of(n: number, xs: Iterable<number>): Bits {
    const b = new Bits(n);
    for (const x of xs) b.w[x >>> 5]! |= 1 << (x & 31);
    return b;
  }
  or(o: Bits): void {
    for (let i = 0; i < this.w.length; i++) this.w[i]! |= o.w[i]!;
  }
  meets(o: Bits): boolean {
    for (let i = 0; i < this.w.length; i++) if ((this.w[i]! & o.w[i]!) !== 0) return true;
    return false;
  }
}

/** The group a transition belongs to: its thread instance, or itself. */
export function groupOf(t: BuiltModel['transitions'][number]): string {
  return t.thread ? `${t.thread.name}[${t.thread.self}]` : `#${t.id}`;
}

/** Whether the search may be reduced, and how: temporal properties and
 *  missing footprints turn it off. `footprints` is only called when needed. */
export async function planPartialOrder(built: BuiltModel, footprints: (b: BuiltModel) => Promise<FootprintResult>): Promise<PorPlan> {
  const temporal = built.properties.filter((p) => isTemporal(p.kind)).map((p) => p.name);
  if (temporal.length)
    return { off: `temporal properties (${temporal.join(', ')}) are checked on the unreduced graph` };
  const fp = await footprints(built);
  if (!fp.ok) return { off: fp.reason };
  return partialOrder(built, fp.footprints);
}

/** The reduction for given footprints (exported for tests, which weaken them). */
export function partialOrder(built: BuiltModel, fp: Footprints): PorPlan {
  const { transitions } = built;
  if (fp.transitions.length !== transitions.length)
    return { off: `the translation has ${fp.transitions.length} transitions, the model ${transitions.length}` };
  const L = fp.leaves.length;
  const rw = fp.transitions.map((f) => f && Bits.of(L, [...f.reads, ...f.writes]));
  const w = fp.transitions.map((f) => f && Bits.of(L, f.writes));

  // Transitions by group and, within a thread instance, by pc (step label).
  const groups = new Map<string, Map<string, number[]>>();
  for (const t of transitions) {
    const g = groupOf(t);
    let byPc = groups.get(g);
    if (!byPc) groups.set(g, (byPc = new Map()));
    const pc = t.step ?? '';
    let ids = byPc.get(pc);
    if (!ids) byPc.set(pc, (ids = []));
    ids.push(t.id);
  }

  const candidates: Int32Array[] = [];
  for (const [g, byPc] of groups) {
    // What every transition outside the group reads or writes, and writes.
    const rwOut = new Bits(L);
    const wOut = new Bits(L);
    let unknownOutside = false;
    for (const u of transitions) {
      if (groupOf(u) === g) continue;
      if (!rw[u.id]) {
        unknownOutside = true;
        break;
      }
      rwOut.or(rw[u.id]!);
      wOut.or(w[u.id]!);
    }
    if (unknownOutside) continue;
    for (const ids of byPc.values()) {
      const ok = ids.every((id) => {
        const f: TransitionFootprint | undefined = fp.transitions[id];
        if (!f || f.mayErr || f.visible) return false; // C2
        return !w[id]!.meets(rwOut) && !rw[id]!.meets(wOut); // C1
      });
      if (ok) candidates.push(Int32Array.from(ids));
    }
  }
  if (candidates.length === 0) return { off: 'no thread step is independent of the others and invisible to the properties' };

  const mask = new Uint8Array(transitions.length);
  let set: Int32Array | undefined;
  const stats: PorStats = { reduced: 0, full: 0, proviso: 0 };
  const enabled = (id: number, s: unknown): boolean | undefined => {
    try {
      const r: unknown = transitions[id]!.enabled(s);
      return typeof r === 'boolean' ? r : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    order: {
      stats,
      candidates: candidates.length,
      ample(s) {
        if (set) for (const id of set) mask[id] = 0;
        set = undefined;
        for (const ids of candidates) {
          let any = false;
          for (const id of ids) {
            const en = enabled(id, s);
            if (en === undefined) {
              for (const j of ids) mask[j] = 0;
              stats.full++;
              return undefined;
            }
            if (en) {
              mask[id] = 1;
              any = true;
            }
          }
          if (any) {
            set = ids;
            return mask;
          }
        }
        stats.full++;
        return undefined;
      },
    },
  };
}

/** The run's method, in words, for traces and the report. */
export function porMethod(plan: PorPlan | undefined): string {
  if (!plan) return 'breadth-first search';
  if ('off' in plan) return `breadth-first search, not reduced (--por: ${plan.off})`;
  return 'breadth-first search with partial-order reduction: traces are executions, not always the shortest';
}
