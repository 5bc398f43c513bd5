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
import { Houdini, type HoudiniCandidate, type HoudiniResult } from './houdini.ts';
import { generateCandidates } from './candidates.ts';
import { consecution, type Cti } from './consecution.ts';
import { replay } from './trace.ts';
import { newSolver } from './system.ts';
import { checkMaybe } from './z3.ts';

export interface InferOptions {
  /** Generated candidates at most (0: only the properties' conjuncts). */
  readonly maxCandidates?: number;
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

function pool(sys: SymSystem, targets: readonly string[], maxCandidates: number): Pool {
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
  if (maxCandidates > 0) for (const c of generateCandidates(sys, { maxCandidates })) cands.push(c);
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
  const pb = pool(bounded, targets, maxCandidates);
  const hb = new Houdini(bounded, pb.cands, { ...hopts, mandatory: pb.mandatory });
  const rb = await hb.run();
  queries += rb.queries;
  const failed = new Map<string, Trace>();
  const proven = new Map<string, { ints: IntMode; by: string[] }>();
  const ctiOf = (sys: SymSystem, c: Cti, name: string) => replay(sys, 'cti', name, [c.state, c.next], [c.act]);
  const noteFailures = (sys: SymSystem, p: Pool, r: HoudiniResult) => {
    for (const name of targets) {
      if (failed.has(name) || proven.has(name)) continue;
      const mine = new Set(p.of.get(name)!.map((k) => p.cands[k]!.name));
      const d = r.dropped.find((x) => mine.has(x.name));
      if (d && d.why.kind === 'cti') failed.set(name, ctiOf(sys, d.why.cti, d.name));
      // Its conjuncts survived, but what survived lets a step leave a declared range or err.
      else if (r.blocked) failed.set(name, ctiOf(sys, r.blocked, `${name} (the kept candidates do not keep the declared ranges)`));
    }
  };
  if (rb.unknown) return { proven, failed, unknown: true, candidates: pb.cands.length, queries };
  if (rb.blocked) {
    noteFailures(bounded, pb, rb);
    return { proven, failed, unknown: false, candidates: pb.cands.length, queries };
  }

  /** Proves the targets whose conjuncts all survived in h. */
  const settle = async (sys: SymSystem, p: Pool, h: Houdini, kept: ReadonlySet<string>, ints: IntMode) => {
    for (const name of targets) {
      const idx = p.of.get(name)!;
      if (proven.has(name) || !idx.every((k) => k >= 0 && kept.has(p.cands[k]!.name))) continue;
      const by = await h.support(idx);
      queries += sys.trans.length;
      if (by === 'unknown') continue;
      proven.set(name, { ints, by: named(by) });
    }
  };

  let chosen: { sys: SymSystem; pool: Pool; h: Houdini; r: HoudiniResult; ints: IntMode } = {
    sys: bounded,
    pool: pb,
    h: hb,
    r: rb,
    ints: 'bounded',
  };
  if (unbounded) {
    const keptB = new Set(rb.kept);
    const pu0 = pool(unbounded, targets, maxCandidates);
    const pu: Pool = { ...pu0, cands: pu0.cands.filter((c) => keptB.has(c.name)) };
    // Indices of the targets' conjuncts in the filtered list.
    const at = new Map(pu.cands.map((c, k) => [c.name, k]));
    const ofU = new Map([...pu0.of].map(([n, idx]) => [n, idx.map((k) => at.get(pu0.cands[k]!.name) ?? -1)]));
    const poolU: Pool = { cands: pu.cands, of: ofU, mandatory: pu.mandatory };
    const hu = new Houdini(unbounded, poolU.cands, { ...hopts, mandatory: poolU.mandatory });
    const ru = await hu.run();
    queries += ru.queries;
    if (!ru.unknown && !ru.blocked) {
      // Unbounded ints: the surviving set must also keep the declared upper bounds (a write above one is an error).
      const keptU = new Set(ru.kept);
      const inB = pb.cands.filter((c) => keptU.has(c.name)).map((c) => c.term);
      const z = bounded.z;
      const keep = await consecution(
        bounded,
        { pre: z.And(pb.mandatory, ...inB), post: z.Bool.val(true) },
        async (sys, f) => {
          const s = newSolver(sys, opts.timeoutMs);
          s.add(f);
          const t0 = performance.now();
          const m = await checkMaybe(s);
          opts.solverSeconds.push((performance.now() - t0) / 1000);
          queries++;
          return m;
        },
      );
      if (keep === undefined) {
        chosen = { sys: unbounded, pool: poolU, h: hu, r: ru, ints: 'unbounded' };
        await settle(unbounded, poolU, hu, keptU, 'unbounded');
      }
    }
  }
  // What the unbounded run did not prove may still be proven within the declared ranges.
  await settle(bounded, pb, hb, new Set(rb.kept), 'bounded');
  noteFailures(bounded, pb, rb);
  const keptNames = chosen.r.kept;
  return {
    proven,
    failed,
    unknown: false,
    invariant: {
      of: (sys: SymSystem) => {
        const p = sys === bounded ? pb : pool(sys, targets, maxCandidates);
        return sys.z.And(...p.cands.filter((c) => keptNames.includes(c.name)).map((c) => c.term));
      },
      ints: chosen.ints,
      size: keptNames.length,
    },
    candidates: pb.cands.length,
    queries,
  };
}
