// A property's result from what an engine found: the one place where a
// verdict, its trace and its coverage are put together, for every engine
// (the explicit search's PropertyTracker, the liveness pass, BMC,
// induction). The rule is the same everywhere:
//  - a trace settles a property: a witness makes a sometimes property hold,
//    any other trace (counterexample, deadlock, lasso) violates it;
//  - no trace, and the engine covered every reachable state (a complete
//    search, a proof by induction): an invariant holds, a witness is
//    unreachable (the sometimes property is violated: the spec is vacuous);
//  - anything else is unknown, with what was covered (a bound, a limit, a
//    counterexample to induction that may be unreachable).

import type { PropertyKind } from './model.ts';
import { DEADLOCK_PROPERTY } from './model.ts';
import type { Coverage, PropertyResult, Trace } from './results.ts';

/** The property a result is about: a spec's property entry, or deadlock freedom. */
export interface ResultSubject {
  readonly name: string;
  readonly kind: PropertyKind | 'deadlock';
}

export const DEADLOCK_SUBJECT: ResultSubject = { name: DEADLOCK_PROPERTY, kind: 'deadlock' };

/** Coverage that spans every reachable state, so that finding nothing decides. */
export type CompleteCoverage = Extract<Coverage, { kind: 'exhaustive' | 'inductive' }>;
/** Coverage that leaves a property open. */
export type OpenCoverage = Exclude<Coverage, { kind: 'exhaustive' | 'inductive' | 'trace' }>;
/** The kind of trace that settles a property of this kind. */
export function decidingTraceKind(kind: ResultSubject['kind']): Exclude<Trace['kind'], 'cti'> {
  return kind === 'sometimes' ? 'witness' : kind === 'deadlock' ? 'deadlock' : 'violation';
}

/** A trace the engine found settles the property (a counterexample to induction does not: see undecided). */
export function settledBy(p: ResultSubject, trace: Trace): PropertyResult {
  if (trace.kind === 'cti') throw new Error(`internal: a counterexample to induction cannot settle property ${p.name}`);
  return {
    property: p.name,
    kind: p.kind,
    verdict: p.kind === 'sometimes' ? 'holds' : 'violated',
    trace,
    coverage: { kind: 'trace', steps: trace.steps.length },
  };
}

/** No trace, and `coverage` spans every reachable state. */
export function nothingFound(p: ResultSubject, coverage: CompleteCoverage): PropertyResult {
  return { property: p.name, kind: p.kind, verdict: p.kind === 'sometimes' ? 'violated' : 'holds', coverage };
}

/** Not decided: `coverage` says how far the engine got; `cti` is a counterexample to induction. */
export function undecided(p: ResultSubject, coverage: OpenCoverage, cti?: Trace): PropertyResult {
  return { property: p.name, kind: p.kind, verdict: 'unknown', ...(cti ? { trace: cti } : {}), coverage };
}

/**
 * The result of a search: settled by its trace if one was found, else
 * decided by `coverage` when that is complete, else open.
 */
export function searchResult(p: ResultSubject, trace: Trace | undefined, coverage: Coverage): PropertyResult {
  if (trace) return settledBy(p, trace);
  if (coverage.kind === 'exhaustive' || coverage.kind === 'inductive') return nothingFound(p, coverage);
  if (coverage.kind === 'trace') throw new Error(`internal: property ${p.name} has trace coverage but no trace`);
  return undecided(p, coverage);
}
