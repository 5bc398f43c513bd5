// Footprints: which leaves of the state each transition may read and may
// write, and which leaves each checked property reads, for ALL states (an
// over-approximation), taken from the symbolic front end's translation.
// Partial-order reduction (src/explicit/por.ts) rests on them: a read or
// write set recorded by running the spec covers only the states seen so
// far, and an interleaving skipped on its evidence can hide a violation.
//
// Granularity: the leaves of the state encoding (StateEncoding.leaves, one
// per bool, int, enum or ref, plus a null flag per optional). A transition
// reads the leaves free in its guard, its successor's terms and its error
// condition; it writes the leaves whose successor term is not the leaf
// itself. An element of an array written at a symbolic index has a term
// ite(i = k, v, a[k]) in every element: all of them count as written, and
// i as read. Terms are Z3's; a term may mention a leaf it does not depend
// on (more dependence, never less).
//
// The translation is confirmed against JavaScript first (validate.ts) on a
// few states, as the symbolic engine does before it reports a proof. What
// is not translated gets no footprint: the whole spec when the translation
// fails, one transition when it comes from a step with `either`
// alternatives (system.ts translates only the step's own guard and apply).

import type { BuiltModel } from '../spec/spec.ts';
import type { PropertyEntry } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import { newSolver, symbolicSystem, type SymSystem } from './system.ts';
import { LeafReader } from './slicing.ts';
import { validateTranslation, VALIDATE_STATES } from './validate.ts';
import { checkMaybe, simplify, type ZBool, type ZExpr } from './z3.ts';

export interface TransitionFootprint {
  /** Leaves its guard reads (a thread step's guard reads its pc). */
  readonly guardReads: ReadonlySet<number>;
  /** Leaves its guard, its successor's terms or its error condition read. */
  readonly reads: ReadonlySet<number>;
  /** Leaves whose successor term is not the leaf itself. */
  readonly writes: ReadonlySet<number>;
  /** Some in-range state where it is enabled (or its guard is not a
   *  boolean) makes it throw or leave a declared range. */
  readonly mayErr: boolean;
  /** It may change what the properties observe: the value (or error) of
   *  an always or sometimes predicate, from some in-range state where it
   *  is enabled, or a leaf a transition property reads. Not computed
   *  (true) for a transition that may err. */
  readonly visible: boolean;
}

export interface PropertyFootprint {
  readonly name: string;
  readonly kind: PropertyEntry['kind'];
  /** Leaves its predicate (or its error condition) reads, in s and, for
   *  transition properties, in s'. */
  readonly reads: ReadonlySet<number>;
}

export interface Footprints {
  /** Leaf paths, by index (for messages and tests). */
  readonly leaves: readonly string[];
  /** By transition id; undefined: not known (dependent on everything, visible). */
  readonly transitions: readonly (TransitionFootprint | undefined)[];
  /** The always, sometimes and transition properties. */
  readonly properties: readonly PropertyFootprint[];
}

export type FootprintResult = { readonly ok: true; readonly footprints: Footprints } | { readonly ok: false; readonly reason: string };

/** The property kinds the translation covers (the others are not asked for). */
const TRANSLATED = new Set(['always', 'sometimes', 'transition']);

/** Per query: a transition whose error condition Z3 cannot decide in this time may err. */
const QUERY_MS = 10_000;

/** The footprints of a built model's transitions and properties, or why there are none. */
export async function footprintsOf(built: BuiltModel): Promise<FootprintResult> {
  const translated: BuiltModel = { ...built, properties: built.properties.filter((p) => TRANSLATED.has(p.kind)) };
  if (built.model.constraintPred) return { ok: false, reason: 'the state constraint (m.constraint) is not translated' };
  let sys: SymSystem;
  try {
    sys = await symbolicSystem(translated);
    validateTranslation(sys, VALIDATE_STATES);
  } catch (e) {
    // Outside the modelling subset (SpecError), or a translation that
    // disagrees with JavaScript (TranslationMismatch): no reduction.
    if (!(e instanceof Error)) throw e;
    const kind = e instanceof SpecError ? '' : `${e.name}: `;
    return { ok: false, reason: `the symbolic translation failed: ${kind}${e.message.split('\n')[0]}` };
  }
  return { ok: true, footprints: await footprintsOfSystem(sys) };
}

/** Footprints from a translated system (exported for tests). */
export async function footprintsOfSystem(sys: SymSystem): Promise<Footprints> {
  const { z, enc, built } = sys;
  const reader = new LeafReader(sys);
  const inRange = enc.range(sys.X);
  const solver = newSolver(sys, QUERY_MS);
  solver.add(inRange);
  /** Whether c can hold in some in-range state (unknown counts as yes). */
  const possible = async (c: ZBool): Promise<boolean> => {
    const s = await simplify(z, c);
    if (z.isFalse(s)) return false;
    solver.push();
    try {
      solver.add(s);
      const r = await checkMaybe(solver);
      return r !== undefined;
    } finally {
      solver.pop();
    }
  };
  const guardErrorOf = new Map<string, ZBool>();
  for (const e of sys.errors) {
    const m = /^the guard of (.*) returns a value that is not a boolean$/.exec(e.site);
    if (m) guardErrorOf.set(m[1]!, e.c);
  }
  const eitherStep = (label: string | undefined, thread: string | undefined): boolean => {
    if (!label || !thread) return false;
    const th = built.model.threads.find((x) => x.name === thread);
    return !!th?.def.steps[label]?.either;
  };

  const properties: PropertyFootprint[] = sys.props.map((p) => ({ name: p.entry.name, kind: p.entry.kind, reads: reader.leaves(p.holds, p.error) }));

  // What the properties observe, in two ways.
  // Labels, state predicates over X: always and sometimes predicates and
  // their error conditions, and the conjuncts of a transition property
  // that read s' only (P14's "a pin implies MMF_HAS_PINNED in s'"), over
  // X: such a conjunct fails on a step into a state where it is false.
  // A transition that may change a label is visible.
  // Events: the other conjuncts of a transition property (and its error)
  // fail on a particular step: a transition on which one may fail is
  // visible, and what the failure reads counts as its reads (the failure
  // is a transition of its own, in the proof's terms; see por.ts).
  const labels: ZBool[] = [];
  const events: ZBool[] = [];
  const x2Leaf = new Set(sys.X2.map((x) => x.id()));
  const toX = sys.X2.map((x2, i) => [x2, sys.X[i]!] as [ZExpr, ZExpr]);
  for (const p of sys.props) {
    if (p.entry.kind !== 'transition') {
      labels.push(p.holds, p.error);
      continue;
    }
    const holds = await simplify(z, p.holds);
    const conjuncts = z.isAnd(holds) ? (holds.children() as ZBool[]) : [holds];
    for (const c of [...conjuncts, z.Not(p.error)]) {
      if (onlyOver(c, x2Leaf, new Set(sys.X.map((x) => x.id())))) labels.push(z.substitute(c, ...toX) as ZBool);
      else events.push(c);
    }
  }
  const labelLeaves = reader.leaves(...labels);
  const changesLabel = async (st: SymSystem['trans'][number], writes: ReadonlySet<number>): Promise<boolean> => {
    if (![...writes].some((j) => labelLeaves.has(j))) return false;
    const after = sys.X.map((x, i) => [x, st.next[i]!] as [ZExpr, ZExpr]);
    return possible(z.And(st.guard, z.Or(...labels.map((c) => z.Xor(c, z.substitute(c, ...after) as ZBool)))));
  };
  /** Where a step of st fails some event conjunct (over X). */
  const failsOn = (st: SymSystem['trans'][number]): ZBool => {
    const toNext = sys.X2.map((x2, i) => [x2, st.next[i]!] as [ZExpr, ZExpr]);
    return z.And(st.guard, z.Or(...events.map((c) => z.Not(z.substitute(c, ...toNext) as ZBool))));
  };

  const coupled = optionalGroups(enc.leaves.map((l) => ({ path: l.path, isNullFlag: !!l.isNullFlag })));
  // The encoding re-canonicalises every optional it copies: the inner
  // leaf's term is ite(null flag, default, leaf), the leaf itself in every
  // in-range state. Such a term (one per optional leaf, shared by all
  // transitions) is asked of Z3 once.
  const canonicalCopy = new Map<number, boolean>();
  const unchanged = async (term: ZExpr, j: number): Promise<boolean> => {
    const x = sys.X[j]!;
    if (term.eqIdentity(x)) return true;
    const kids = (term as unknown as { children(): ZExpr[] }).children?.() ?? [];
    if (kids.length !== 3 || !kids[2]!.eqIdentity(x) || !coupled[j]!.some((f) => kids[0]!.eqIdentity(sys.X[f]!))) return false;
    let r = canonicalCopy.get(term.id());
    if (r === undefined) canonicalCopy.set(term.id(), (r = !(await possible(z.Not(term.eq(x))))));
    return r;
  };
  const transitions: (TransitionFootprint | undefined)[] = [];
  for (const st of sys.trans) {
    const t = st.t;
    if (eitherStep(t.step, t.thread?.name)) {
      transitions.push(undefined);
      continue;
    }
    const writes = new Set<number>();
    for (let j = 0; j < st.next.length; j++) if (!(await unchanged(st.next[j]!, j))) writes.add(j);
    const guardErr = guardErrorOf.get(t.label);
    const err = z.Or(st.throws, z.And(st.guard, z.Not(enc.range(st.next))), ...(guardErr ? [guardErr] : []));
    const mayErr = await possible(err);
    const guardReads = reader.leaves(st.guard);
    const written = [...writes].map((j) => st.next[j]!);
    const reads = reader.leaves(st.guard, ...written);
    // The error condition's reads: what the throw and guard errors read,
    // and the range check of the written leaves. (range(next) mentions
    // every leaf, but an unwritten one is in range in every stored state;
    // only an optional couples leaves: its null flag and its inner leaves.)
    if (mayErr) {
      for (const l of reader.leaves(st.throws, ...(guardErr ? [guardErr] : []))) reads.add(l);
      for (const j of writes) for (const l of coupled[j] ?? []) reads.add(l);
    }
    let visible = mayErr;
    if (!visible && events.length) {
      const fails = failsOn(st);
      if (await possible(fails)) {
        visible = true;
        for (const l of reader.leaves(fails)) reads.add(l);
      }
    }
    visible ||= await changesLabel(st, writes);
    transitions.push({ guardReads, reads, writes, mayErr, visible });
  }

  return { leaves: enc.leaves.map((l) => l.path), transitions, properties };
}

/** Per leaf, the leaves its range check is coupled with: the null flag and
 *  inner leaves of every optional it lies in (the encoding fixes the inner
 *  leaves to defaults while the flag says null). */
export function optionalGroups(leaves: readonly { readonly path: string; readonly isNullFlag: boolean }[]): number[][] {
  const out: number[][] = leaves.map(() => []);
  leaves.forEach((l, f) => {
    if (!l.isNullFlag) return;
    const base = l.path.slice(0, -'?null'.length);
    let e = f + 1;
    const inside = (p: string) => p.startsWith(base) && (p.length === base.length || '.[?'.includes(p[base.length]!));
    while (e < leaves.length && inside(leaves[e]!.path)) e++;
    for (let j = f; j < e; j++) for (let k = f; k < e; k++) out[j]!.push(k);
  });
  return out;
}

/** Whether term e mentions constants in `only` and none in `not` (a walk of its DAG). */
function onlyOver(e: ZExpr, only: ReadonlySet<number>, not: ReadonlySet<number>): boolean {
  const seen = new Set<number>();
  let any = false;
  const walk = (x: ZExpr): boolean => {
    const id = x.id();
    if (seen.has(id)) return true;
    seen.add(id);
    if (not.has(id)) return false;
    if (only.has(id)) {
      any = true;
      return true;
    }
    const kids = (x as unknown as { children(): ZExpr[] }).children?.() ?? [];
    return kids.every(walk);
  };
  return walk(e) && any;
}
