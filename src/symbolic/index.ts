// The symbolic engine's entry point: BMC and induction over the spec's own
// source, translated to Z3 (see docs/symbolic.md for the modelling subset).

import type { BuiltModel } from '../spec/spec.ts';
import type { Limit, RunResult, SolverStats, PropertyResult } from '../spec/results.ts';
import { SpecError } from '../spec/errors.ts';
import type { Type } from '../spec/schema.ts';
import { symbolicSystem } from './system.ts';
import { DEFAULT_DEPTH, bmc } from './bmc.ts';
import { induction } from './induction.ts';
import { VALIDATE_STATES, validateTranslation } from './validate.ts';

export { disposeZ3 } from './z3.ts';

export interface SymbolicOptions {
  readonly engine: 'bmc' | 'induction';
  /** BMC: the number of steps (default 10); induction: the depth of the witness search for sometimes properties. */
  readonly depth?: number;
  /** Induction: try k-induction up to this k (default 1: plain induction). */
  readonly k?: number;
  /** Induction: an always property used as the inductive strengthening of the others. */
  readonly invariant?: string;
  /** Induction: infer the strengthening (Houdini over the properties' conjuncts and generated relations; infer.ts). */
  readonly infer?: boolean;
  /** Induction: int fields as mathematical integers ('auto': try unbounded first, then the declared ranges). */
  readonly ints?: 'bounded' | 'unbounded' | 'auto';
  /** Check deadlock freedom; defaults to the spec's setting (--no-deadlock: false). */
  readonly deadlock?: boolean;
  /** Seconds any one solver query may take before the run ends as unknown (default DEFAULT_TIMEOUT_S). */
  readonly timeout?: number;
  /** Check only these properties (by name; deadlockFree included): for tests and the bench. */
  readonly properties?: readonly string[];
  /** Distinct states on which the translation is compared with JavaScript before a 'holds' (default VALIDATE_STATES). */
  readonly validateStates?: number;
}

function hasIntLeaf(built: BuiltModel): boolean {
  const visit = (t: Type): boolean => {
    switch (t.kind) {
      case 'int':
        return true;
      case 'record':
        return Object.values(t.fields).some((f) => visit(f as Type));
      case 'array':
        return visit(t.elem);
      case 'optional':
        return visit(t.inner);
      default:
        return false;
    }
  };
  return visit(built.model.schema);
}


/** A query taking longer than this is not going to finish on a laptop either. */
export const DEFAULT_TIMEOUT_S = 300;

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
  // Authoring features the translation does not know yet: refuse them rather
  // than translate a different model (an `either` step would become a no-op).
  const eitherStep = full.model.threads.flatMap((th) =>
    Object.entries(th.def.steps)
      .filter(([, st]) => st?.either)
      .map(([label]) => `${th.name}.${label}`),
  );
  if (eitherStep.length)
    throw new SpecError(
      `spec ${full.spec.name}: steps with 'either' alternatives (${eitherStep.join(', ')}) are not supported by the symbolic engines yet (use --engine explicit)`,
    );
  if (full.model.constraintPred)
    throw new SpecError(`spec ${full.spec.name}: a state constraint (m.constraint) is not supported by the symbolic engines yet (use --engine explicit)`);
  const skipped = full.properties.filter((p) => !SYMBOLIC_KINDS.has(p.kind));
  const built: BuiltModel = skipped.length
    ? { ...full, properties: full.properties.filter((p) => SYMBOLIC_KINDS.has(p.kind)) }
    : full;
  const t0 = performance.now();
  const solverSeconds: number[] = [];
  let properties: PropertyResult[];
  let depth = 0;
  let limit: Limit | undefined;
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT_S;
  if (!(timeout > 0)) throw new SpecError(`--timeout must be a positive number of seconds, got ${timeout}`);
  const timeoutMs = timeout * 1000;
  if (opts.engine === 'bmc') {
    const k = opts.depth ?? DEFAULT_DEPTH;
    if (!Number.isInteger(k) || k < 0) throw new SpecError(`--depth must be a non-negative integer, got ${k}`);
    const sys = await symbolicSystem(built);
    const out = await bmc(sys, k, solverSeconds, opts.properties ? new Set(opts.properties) : undefined, { deadlock: opts.deadlock, timeoutMs });
    properties = out.results;
    depth = out.depthReached;
    limit = out.limit;
  } else if (opts.engine === 'induction') {
    const out = await induction(built, opts, solverSeconds, timeoutMs);
    properties = out.results;
    depth = out.depth;
    limit = out.limit;
  } else throw new SpecError(`unknown symbolic engine '${String((opts as { engine: unknown }).engine)}' (bmc | induction)`);
  // No proof is reported from a translation that disagrees with JavaScript on the states it can be compared on.
  // (Violations and witnesses need no such check: their traces were replayed in JavaScript.)
  if (properties.some((p) => !p.trace && p.verdict !== 'unknown')) {
    const states = opts.validateStates ?? VALIDATE_STATES;
    validateTranslation(await symbolicSystem(built), states);
    if (opts.engine === 'induction' && opts.ints !== 'bounded' && built.model.schema && hasIntLeaf(built))
      validateTranslation(await symbolicSystem(built, { unboundedInts: true }), states);
  }
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
    // A query that ran out of time ends the run as incomplete, like a limit of the explicit engine.
    status: limit ? 'incomplete' : 'complete',
    ...(limit ? { limit } : {}),
    bounds: built.bounds,
    properties,
    stats,
  };
}
