// What a check produces, whichever engine ran it. The report layer renders
// these; the CLI compares verdicts with the spec's expectations. Everything
// here is data: what a verdict covers, which limit ended a run and the
// statistics are structured, and only src/report/ turns them into words.

import type { PropertyKind } from './model.ts';
import type { Transition } from './transitions.ts';

export type PropertyVerdict = 'holds' | 'violated' | 'unknown';

export interface TraceStep {
  /** The transition taken to reach `state`. */
  readonly transition: Transition;
  /** The state after the transition, as a plain object snapshot. */
  readonly state: any;
}

export interface Trace {
  /** violation: an always/transition property fails at the last state (or last step);
   *  deadlock: the last state has no successor; witness: a sometimes property holds there;
   *  cti: a counterexample to induction (two states, the first satisfying the invariant). */
  readonly kind: 'violation' | 'deadlock' | 'witness' | 'cti';
  readonly property: string;
  readonly initial: any;
  readonly steps: readonly TraceStep[];
  /** A lasso (a temporal property's counterexample): the behaviour repeats
   *  for ever from state `loop` (0 = the initial state, i = after step i).
   *  The last state equals state `loop`: steps loop+1 .. n are the cycle. When
   *  loop is the last index the cycle is empty: the last state stutters for
   *  ever. */
  readonly loop?: number;
}

/** The limit that ended a run before it was complete. */
export interface Limit {
  readonly which: 'max-states' | 'max-depth' | 'max-memory' | 'interrupted' | 'timeout';
  /** The limit's value (states, levels, MB); absent for an interrupt. */
  readonly value?: number;
  /** Why, when the limit was not the user's (e.g. the state store could not grow). */
  readonly detail?: string;
}

/** How integers were read by a symbolic engine: mathematical, or within their declared ranges. */
export type IntMode = 'bounded' | 'unbounded';

/**
 * What a verdict covers. A "holds" is only as good as its coverage, so
 * every result carries one; the report layer says it in words.
 */
export type Coverage =
  /** Every reachable state was visited (`states` is absent when a solver, not a search, showed it). */
  | {
      readonly kind: 'exhaustive';
      readonly states?: number;
      readonly depth: number;
      /** Temporal properties: the fairness they were checked under ("2 weakly fair"). */
      readonly fairness?: string;
    }
  /** Every run of at most `depth` steps, and nothing beyond. */
  | { readonly kind: 'bounded'; readonly depth: number }
  /** For all states (in the declared ranges, or with unbounded ints) by k-induction,
   *  possibly with the help of other invariants proven inductive. */
  | { readonly kind: 'inductive'; readonly k: number; readonly ints: IntMode; readonly strengthenedBy: readonly string[] }
  /** A limit ended the run before this was decided. */
  | { readonly kind: 'limit'; readonly limit: Limit }
  /** A trace decides it: a counterexample or a witness of `steps` steps. */
  | { readonly kind: 'trace'; readonly steps: number }
  /** Not decided: a counterexample to induction (attached as the trace) that may
   *  be unreachable. `of` says what was not inductive: the property itself
   *  (up to k), a declared --invariant, or a step property from the proven invariants. */
  | { readonly kind: 'not-inductive'; readonly k: number; readonly of: 'property' | 'declared-invariant' | 'step' | 'declared-bounds' }
  /** Not decided: the engine does not check this kind of property (temporal properties symbolically). */
  | { readonly kind: 'not-checked'; readonly reason: string };

/** Per-action coverage, as TLC reports it (explicit engine): how often each
 *  action or thread step was enabled, and the distinct states it found
 *  first. An action never enabled is most often a spec bug. */
export interface ActionCoverage {
  /** The action or thread name. */
  readonly action: string;
  /** The step label, for thread steps. */
  readonly step?: string;
  /** (state, transition) pairs where its guard held, over all parameter values
   *  and instances. In an exhaustive search every enabled step is taken once
   *  from each state, so this is also how often it was taken. */
  readonly enabled: number;
  /** Distinct states it reached first (TLC's "distinct states" column). */
  readonly distinct: number;
}

export interface PropertyResult {
  readonly property: string;
  readonly kind: PropertyKind | 'deadlock';
  /** For sometimes: holds = witnessed, violated = unreachable (vacuous). */
  readonly verdict: PropertyVerdict;
  /** Counterexample for always/transition/deadlock, witness for sometimes. */
  readonly trace?: Trace;
  /** What the verdict covers. */
  readonly coverage: Coverage;
}

/** Statistics of a state-space search (TLC's counts). */
export interface SearchStats {
  readonly kind: 'search';
  /** Distinct states, initial states included (TLC's count). */
  readonly distinct: number;
  /** Initial states plus every successor produced, duplicates included (TLC's count). */
  readonly generated: number;
  /** BFS levels, initial states at level 1 (TLC's depth). */
  readonly depth: number;
  /** States found but not yet expanded when the run ended. */
  readonly queue: number;
  /** Exploration seconds, from before the initial states are built. */
  readonly seconds: number;
  /** Seconds building the model (spec.build) before exploration; add to
   *  `seconds` to compare with TLC, whose time includes parsing. */
  readonly buildSeconds?: number;
  readonly statesPerSecond: number;
  /** Bytes of the state store (arena + visited table) per distinct state. */
  readonly bytesPerState: number;
  readonly storeBytes: number;
  readonly peakRssBytes: number;
  /** Words of 32 bits per packed state. */
  readonly stateWords: number;
}

/** Statistics of a solver-based run: no states are counted. */
export interface SolverStats {
  readonly kind: 'solver';
  /** BMC: the depth reached; induction: the k used. */
  readonly depth: number;
  readonly seconds: number;
  /** Seconds per solver query, in order. */
  readonly solverSeconds: readonly number[];
  readonly peakRssBytes: number;
}

export type RunStats = SearchStats | SolverStats;

export type RunStatus = 'complete' | 'incomplete' | 'interrupted';

export interface RunResult<S extends RunStats = RunStats> {
  readonly spec: string;
  readonly variant: string;
  /** The engine's registry name (src/engines/). */
  readonly engine: string;
  /** How its traces were found, in words ("breadth-first search"): traces say it. */
  readonly method: string;
  readonly status: RunStatus;
  /** The limit that ended an incomplete or interrupted run. */
  readonly limit?: Limit;
  /** The spec's stated bounds (pages, processes, ...). */
  readonly bounds: string;
  readonly properties: readonly PropertyResult[];
  readonly stats: S;
  /** Per-action coverage (the explicit engine; absent for solvers). */
  readonly actionCoverage?: readonly ActionCoverage[];
}

/** The number of distinct states a run visited, 0 for a solver. */
export const statesOf = (run: Pick<RunResult, 'stats'>): number => (run.stats.kind === 'search' ? run.stats.distinct : 0);
