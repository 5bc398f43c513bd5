// Cone-of-influence slicing. A property reads a few leaves of the state;
// those leaves are written by some transitions, whose guards and written
// terms read more leaves, and so on: the closure of that relation is the
// property's cone of influence (COI). Leaves outside it never influence the
// property's value, nor whether a transition that changes a leaf inside it
// is enabled. So the system restricted to the cone (only the transitions
// that write a leaf in it, only those leaves) has the same projected runs:
// every run of the full system, with the steps that change nothing in the
// cone left out, is a run of the slice, and every run of the slice is a
// full run (the leaves outside take whatever values the same steps give
// them). A property over the cone holds in one iff in the other, and the
// shortest violation has the same length (a shortest full run has no step
// that leaves the cone unchanged).
//
// Errors of the spec (a throw, a write out of range, a property or guard
// that is not a boolean) are conditions on leaves too: a slice checks only
// the errors whose leaves lie in its cone; callers that need every error
// seed the cone with them (see errorSeeds).

import type { SymSystem } from './system.ts';
import type { ZExpr } from './z3.ts';

/**
 * Leaf indices read by some terms (memoised over the system's shared DAG):
 * terms over the current state X and the next state X2, where X2's leaf i
 * counts as leaf i (a transition property reads both). Used for the cones
 * here and for partial-order reduction's footprints (footprint.ts).
 */
export class LeafReader {
  private readonly leafOf = new Map<number, number>();
  private readonly memo = new Map<number, readonly number[]>();

  constructor(sys: SymSystem) {
    sys.X.forEach((x, i) => this.leafOf.set(x.id(), i));
    sys.X2.forEach((x, i) => this.leafOf.set(x.id(), i));
  }

  leaves(...terms: readonly ZExpr[]): Set<number> {
    const out = new Set<number>();
    for (const t of terms) for (const l of this.of(t)) out.add(l);
    return out;
  }

  private of(e: ZExpr): readonly number[] {
    const id = e.id();
    const leaf = this.leafOf.get(id);
    if (leaf !== undefined) return [leaf];
    const known = this.memo.get(id);
    if (known) return known;
    const acc = new Set<number>();
    const kids = (e as unknown as { children(): ZExpr[] }).children?.() ?? [];
    for (const k of kids) for (const l of this.of(k)) acc.add(l);
    const r = [...acc];
    this.memo.set(id, r);
    return r;
  }
}

export interface Slice {
  /** The leaves in the cone (indices into sys.X), ascending. */
  readonly leaves: readonly number[];
  /** The transitions (ids) that write a leaf in the cone. */
  readonly transitions: readonly number[];
}

/** Per transition: which leaves it writes (its term is not the leaf itself), and what each write and its guard read. */
interface TransitionReads {
  readonly writes: readonly number[];
  readonly guardReads: ReadonlySet<number>;
  readonly writeReads: ReadonlyMap<number, ReadonlySet<number>>;
}

const readsCache = new WeakMap<SymSystem, { reader: LeafReader; trans: TransitionReads[] }>();

function transitionReads(sys: SymSystem): { reader: LeafReader; trans: TransitionReads[] } {
  let r = readsCache.get(sys);
  if (!r) {
    const reader = new LeafReader(sys);
    const trans = sys.trans.map((t) => {
      const writes: number[] = [];
      const writeReads = new Map<number, ReadonlySet<number>>();
      t.next.forEach((term, j) => {
        if (term.eqIdentity(sys.X[j]!)) return;
        writes.push(j);
        writeReads.set(j, reader.leaves(term));
      });
      return { writes, guardReads: reader.leaves(t.guard), writeReads };
    });
    r = { reader, trans };
    readsCache.set(sys, r);
  }
  return r;
}

/** The cone of influence of some terms over X (a property, a strengthening, error conditions). */
export function coneOfInfluence(sys: SymSystem, seeds: readonly ZExpr[]): Slice {
  const { reader, trans } = transitionReads(sys);
  const cone = reader.leaves(...seeds);
  const taken = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    trans.forEach((t, i) => {
      for (const j of t.writes) {
        if (!cone.has(j)) continue;
        const before = cone.size;
        if (!taken.has(i)) {
          taken.add(i);
          for (const l of t.guardReads) cone.add(l);
        }
        for (const l of t.writeReads.get(j)!) cone.add(l);
        if (cone.size !== before) changed = true;
      }
    });
  }
  return { leaves: [...cone].sort((a, b) => a - b), transitions: [...taken].sort((a, b) => a - b) };
}
