// The symbolic engine's entry point: BMC and induction over the spec's own
// source, translated to Z3 (see docs/symbolic.md for the modelling subset).

import type { BuiltModel } from '../spec/spec.ts';
import type { RunResult, SolverStats, PropertyResult } from '../spec/results.ts';
import { SpecError } from '../spec/errors.ts';
import { undecided } from '../spec/property-result.ts';
import type { Type } from '../spec/schema.ts';
import { anyType } from '../spec/schema-fold.ts';
import { ENGINES, engineNamed } from '../engines/registry.ts';
import { symbolicSystem } from './system.ts';
import { VALIDATE_STATES, validateTranslation } from './validate.ts';
import { isSymbolicEngine, type SymbolicOptions } from './method.ts';

export type { SymbolicOptions } from './method.ts';

export { disposeZ3 } from './z3.ts';

function hasIntLeaf(built: BuiltModel): boolean {
  return anyType(built.model.schema, (t) => t.kind === 'int');
}

/** A query taking longer than this is not going to finish on a laptop either. */
export const DEFAULT_TIMEOUT_S = 300;

/** Property kinds the symbolic engines translate; the others (temporal,
 *  initially) are answered 'unknown', never 'holds'. */
const SYMBOLIC_KINDS = new Set(['always', 'sometimes', 'transition']);

function usesSet(t: Type): boolean {
  return anyType(t, (u) => u.kind === 'set');
}

/** Runs the symbolic engine `opts.engine` of the registry on a built model. */
export async function checkSymbolic(full: BuiltModel, opts: SymbolicOptions): Promise<RunResult<SolverStats>> {
  const engine = engineNamed(opts.engine);
  if (!engine || !isSymbolicEngine(engine))
    throw new SpecError(`unknown symbolic engine '${String(opts.engine)}' (${ENGINES.filter(isSymbolicEngine).map((e) => e.name).join(' | ')})`);
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
  const timeout = opts.timeout ?? DEFAULT_TIMEOUT_S;
  if (!(timeout > 0)) throw new SpecError(`--timeout must be a positive number of seconds, got ${timeout}`);
  const timeoutMs = timeout * 1000;
  const { results, depth, limit } = await engine.symbolic.search(built, opts, { solverSeconds, timeoutMs });
  const properties: PropertyResult[] = results;
  // No proof is reported from a translation that disagrees with JavaScript on the states it can be compared on.
  // (Violations and witnesses need no such check: their traces were replayed in JavaScript.)
  if (properties.some((p) => !p.trace && p.verdict !== 'unknown')) {
    const states = opts.validateStates ?? VALIDATE_STATES;
    validateTranslation(await symbolicSystem(built), states);
    if (engine.symbolic.provesUnboundedInts(opts) && hasIntLeaf(built))
      validateTranslation(await symbolicSystem(built, { unboundedInts: true }), states);
  }
  for (const p of skipped)
    properties.push(undecided(p, { kind: 'not-checked', reason: `${p.kind} properties are not checked by the symbolic engines` }));
  const seconds = (performance.now() - t0) / 1000;
  const stats: SolverStats = { kind: 'solver', depth, seconds, solverSeconds, peakRssBytes: process.memoryUsage().rss };
  return {
    spec: built.spec.name,
    variant: built.variant,
    engine: opts.engine,
    method: engine.symbolic.method,
    // A query that ran out of time ends the run as incomplete, like a limit of the explicit engine.
    status: limit ? 'incomplete' : 'complete',
    ...(limit ? { limit } : {}),
    bounds: built.bounds,
    properties,
    stats,
  };
}
