// Invariant inference for induction (--engine induction --infer): the
// strengthening a property needs, found by Houdini (houdini.ts) instead of
// written by hand. Candidates: the top-level conjuncts of every always
// property of the run, and generated field relations (candidates.ts). The
// largest inductive subset is computed with the declared ranges first
// (bit-vectors, fast), then, from what survived, with int fields unbounded;
// a property is proven when all its conjuncts survive. The proof names the
// conjuncts its step used (unsat cores); a property that is not proven gets
// the counterexample to induction that dropped its first conjunct, named
// in the trace's property ("P12-refcounts-exact [3/5]").

import type { IntMode, Trace } from '../spec/results.ts';
import type { SymSystem } from './system.ts';
import type { ZBool, ZExpr } from './z3.ts';
import { Houdini, type HoudiniCandidate } from './houdini.ts';
import { generateCandidates } from './candidates.ts';
import { consecution, type Cti } from './consecution.ts';
import { replay } from './trace.ts';
import { newSolver } from './system.ts';
import { checkMaybe } from './z3.ts';

export interface InferOptions {
  /** Generated candidates at most (0: only the properties' conjuncts). */
  readonly maxCandidates?: number;
  /** Linear-relation candidates at most (infer-linear.ts; 0: none). */
  readonly maxLinear?: number;
  readonly timeoutMs?: number;
  readonly solverSeconds: number[];
}

export interface Inferred {
  /** Properties proven, with the conjuncts (of other properties or generated) their step used. */
  readonly proven: Map<string, { ints: IntMode; by: string[] }>;
  /** Properties not proven: the CTI that dropped one of their conjuncts (or blocked the whole run). */
  readonly failed: Map<string, Trace>;
  /** A query ran out of time before a fixpoint: nothing is proven. */
  readonly unknown: boolean;
  /** The inductive conjunction found (for transition properties and deadlock freedom), per system. */
  readonly invariant?: { readonly of: (sys: SymSystem) => ZBool; readonly ints: IntMode; readonly size: number };
  readonly candidates: number;
  readonly queries: number;
}

/** The top-level conjuncts of a term (nested Ands flattened). */
function conjuncts(sys: SymSystem, f: ZBool): ZBool[] {
  const z = sys.z;
  if (!z.isAnd(f)) return [f];
  return (f as unknown as { children(): ZExpr[] }).children().flatMap((c) => conjuncts(sys, c as ZBool));
}

interface Pool {
  readonly cands: HoudiniCandidate[];
  /** Per target property, the indices of its conjuncts. */
  readonly of: Map<string, number[]>;
  readonly mandatory: ZBool;
}

function pool(sys: SymSystem, targets: readonly string[], maxCandidates: number, maxLinear?: number): Pool {
  const z = sys.z;
  const cands: HoudiniCandidate[] = [];
  const of = new Map<string, number[]>();
  const errs: ZBool[] = [];
  for (const name of targets) {
    const p = sys.props.find((q) => q.entry.name === name)!;
    const parts = conjuncts(sys, p.holds);
    const idx: number[] = [];
    parts.forEach((c, k) => {
      idx.push(cands.length);
      cands.push({ name: parts.length === 1 ? name : `${name} [${k + 1}/${parts.length}]`, term: c });
    });
    of.set(name, idx);
    errs.push(p.error);
  }
  if (maxCandidates > 0) for (const c of generateCandidates(sys, { maxCandidates, ...(maxLinear === undefined ? {} : { maxLinear }) })) cands.push(c);
  return { cands, of, mandatory: z.Not(z.Or(...errs, z.Bool.val(false))) };
}

const MAX_NAMED = 8;

/** At most MAX_NAMED names, then a count. */
function named(xs: readonly string[]): string[] {
  return xs.length <= MAX_NAMED ? [...xs] : [...xs.slice(0, MAX_NAMED), `${xs.length - MAX_NAMED} more inferred conjuncts`];
}

export async function infer(
  bounded: SymSystem,
  unbounded: SymSystem | undefined,
  targets: readonly string[],
  opts: InferOptions,
): Promise<Inferred> {
  const maxCandidates = opts.maxCandidates ?? 3000;
  const hopts = { timeoutMs: opts.timeoutMs, solverSeconds: opts.solverSeconds };
  let queries = 0;
  const failed = new Map<string, Trace>();
  const proven = new Map<string, { ints: IntMode; by: string[] }>();
  const pools = new Map<SymSystem, Pool>();
  const poolOf = (sys: SymSystem) => {
    let p = pools.get(sys);
    if (!p) pools.set(sys, (p = pool(sys, targets, maxCandidates, opts.maxLinear)));
    return p;
  };

  /** Houdini on sys from the candidates named (all when undefined). */
  const run = async (sys: SymSystem, from?: ReadonlySet<string>) => {
    const all = poolOf(sys);
    const cands = from ? all.cands.filter((c) => from.has(c.name)) : all.cands;
    const at = new Map(cands.map((c, k) => [c.name, k]));
    // The targets' conjuncts by index in this list (-1: not a candidate any more).
    const of = new Map([...all.of].map(([n, idx]) => [n, idx.map((k) => at.get(all.cands[k]!.name) ?? -1)]));
    const p: Pool = { cands, of, mandatory: all.mandatory };
    const h = new Houdini(sys, cands, { ...hopts, mandatory: p.mandatory });
    const r = await h.run();
    queries += r.queries;
    return { sys, p, h, r };
  };
  type Run = Awaited<ReturnType<typeof run>>;

  /** With int fields unbounded, a proof must also keep the declared upper bounds (a write above one is an error). */
  const keepsBounds = async (kept: ReadonlySet<string>): Promise<boolean> => {
    const z = bounded.z;
    const pb = poolOf(bounded);
    const terms = pb.cands.filter((c) => kept.has(c.name)).map((c) => c.term);
    const c = await consecution(bounded, { pre: z.And(pb.mandatory, ...terms), post: z.Bool.val(true) }, async (sys, f) => {
      const s = newSolver(sys, opts.timeoutMs);
      s.add(f);
      const t0 = performance.now();
      const m = await checkMaybe(s);
      opts.solverSeconds.push((performance.now() - t0) / 1000);
      queries++;
      return m;
    });
    return c === undefined;
  };

  /** Proves the targets whose conjuncts all survived, naming what their step used. */
  const settle = async (x: Run, ints: IntMode) => {
    const kept = new Set(x.r.kept);
    for (const name of targets) {
      const idx = x.p.of.get(name)!;
      if (proven.has(name) || !idx.every((k) => k >= 0 && kept.has(x.p.cands[k]!.name))) continue;
      const by = await x.h.support(idx);
      queries += x.sys.trans.length;
      if (by !== 'unknown') proven.set(name, { ints, by: named(by) });
    }
  };

  /** Why the targets not proven are not: the CTI that dropped their first conjunct, else the blocking one. */
  const explain = (x: Run) => {
    for (const name of targets) {
      if (failed.has(name) || proven.has(name)) continue;
      const mine = new Set(x.p.of.get(name)!.filter((k) => k >= 0).map((k) => x.p.cands[k]!.name));
      const d = x.r.dropped.find((y) => mine.has(y.name));
      if (d && d.why.kind === 'cti') failed.set(name, ctiTrace(x.sys, d.why.cti, d.name));
      else if (x.r.blocked) failed.set(name, ctiTrace(x.sys, x.r.blocked, `${name} (the kept candidates do not keep the declared ranges)`));
    }
  };

  const result = (x: Run | undefined, ints: IntMode, unknown = false): Inferred => ({
    proven,
    failed,
    unknown,
    ...(x && !x.r.blocked && !x.r.unknown
      ? {
          invariant: {
            of: (sys: SymSystem) => sys.z.And(...poolOf(sys).cands.filter((c) => x.r.kept.includes(c.name)).map((c) => c.term)),
            ints,
            size: x.r.kept.length,
          },
        }
      : {}),
    candidates: poolOf(bounded).cands.length,
    queries,
  });

  // Within the declared ranges first: bit-vectors, fast; it prunes most candidates.
  const b = await run(bounded);
  if (b.r.unknown) return result(undefined, 'bounded', true);
  if (!unbounded) {
    if (!b.r.blocked) await settle(b, 'bounded');
    explain(b);
    return result(b, 'bounded');
  }
  // Then with int fields unbounded, from what survived (or from every candidate when the bounded run was
  // blocked: a step beyond a declared bound that no candidate rules out does not exist without bounds).
  const u = await run(unbounded, b.r.blocked ? undefined : new Set(b.r.kept));
  if (u.r.unknown && b.r.blocked) return result(undefined, 'bounded', true);
  let chosen: Run | undefined;
  if (!u.r.unknown && !u.r.blocked && (await keepsBounds(new Set(u.r.kept)))) {
    await settle(u, 'unbounded');
    chosen = u;
  }
  // What the unbounded run did not prove may still be proven within the declared ranges.
  if (!b.r.blocked) {
    await settle(b, 'bounded');
    chosen ??= b;
  }
  explain(b.r.blocked ? u : b);
  return result(chosen, chosen === u ? 'unbounded' : 'bounded');
}

function ctiTrace(sys: SymSystem, c: Cti, name: string): Trace {
  return replay(sys, 'cti', name, [c.state, c.next], [c.act]);
}
