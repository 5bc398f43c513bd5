// The symbolic engine's entry point: BMC and induction over the spec's own
// source, translated to Z3 (see docs/symbolic.md for the modelling subset).

import type { BuiltModel } from '../spec/spec.ts';
import type { RunResult, SolverStats, PropertyResult } from '../spec/results.ts';
import { SpecError } from '../spec/errors.ts';
import type { Type } from '../spec/schema.ts';
import { symbolicSystem } from './system.ts';
import { bmc } from './bmc.ts';
import { induction } from './induction.ts';

export { disposeZ3 } from './z3.ts';

export interface SymbolicOptions {
  readonly engine: 'bmc' | 'induction';
  /** BMC: the number of steps (default 10); induction: the depth of the witness search for sometimes properties. */
  readonly depth?: number;
  /** Induction: try k-induction up to this k (default 1: plain induction). */
  readonly k?: number;
  /** Induction: an always property used as the inductive strengthening of the others. */
  readonly invariant?: string;
  /** Induction: int fields as mathematical integers ('auto': try unbounded first, then the declared ranges). */
  readonly ints?: 'bounded' | 'unbounded' | 'auto';
}

/** Property kinds the symbolic engines translate; the others (temporal,
 *  initially) are answered 'unknown', never 'holds'. */
const SYMBOLIC_KINDS = new Set(['always', 'sometimes', 'transition']);

function usesSet(t: Type): boolean {
  if (t.kind === 'set') return true;
  if (t.kind === 'array') return usesSet(t.elem as Type);
  if (t.kind === 'record') return Object.values(t.fields as Record<string, Type>).some(usesSet);
  if (t.kind === 'optional') return usesSet(t.inner as Type);
  return false;
}

export async function checkSymbolic(full: BuiltModel, opts: SymbolicOptions): Promise<RunResult<SolverStats>> {
  if (usesSet(full.model.schema))
    throw new SpecError(`spec ${full.spec.name}: set(Domain) fields are not supported by the symbolic engines yet (use --engine explicit)`);
  const skipped = full.properties.filter((p) => !SYMBOLIC_KINDS.has(p.kind));
  const built: BuiltModel = skipped.length
    ? { ...full, properties: full.properties.filter((p) => SYMBOLIC_KINDS.has(p.kind)) }
    : full;
  const t0 = performance.now();
  const solverSeconds: number[] = [];
  let properties: PropertyResult[];
  let depth = 0;
  if (opts.engine === 'bmc') {
    const k = opts.depth ?? 10;
    if (!Number.isInteger(k) || k < 0) throw new SpecError(`--depth must be a non-negative integer, got ${k}`);
    const sys = await symbolicSystem(built);
    const out = await bmc(sys, k, solverSeconds);
    properties = out.results;
    depth = out.depthReached;
  } else if (opts.engine === 'induction') {
    const out = await induction(built, opts, solverSeconds);
    properties = out.results;
    depth = out.depth;
  } else throw new SpecError(`unknown symbolic engine '${String((opts as { engine: unknown }).engine)}' (bmc | induction)`);
  for (const p of skipped)
    properties.push({
      property: p.name,
      kind: p.kind,
      verdict: 'unknown',
      coverage: { kind: 'not-checked', reason: `${p.kind} properties are not checked by the symbolic engines` },
    });
  const seconds = (performance.now() - t0) / 1000;
  const stats: SolverStats = { kind: 'solver', depth, seconds, solverSeconds, peakRssBytes: process.memoryUsage().rss };
  return {
    spec: built.spec.name,
    variant: built.variant,
    engine: opts.engine,
    method: opts.engine === 'bmc' ? 'bounded model checking' : 'k-induction',
    status: 'complete',
    bounds: built.bounds,
    properties,
    stats,
  };
}
