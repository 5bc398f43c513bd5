// What a check produces, whichever engine ran it. The report layer renders
// these; the CLI compares verdicts with the spec's expectations.

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
}

export interface PropertyResult {
  readonly property: string;
  readonly kind: PropertyKind | 'deadlock';
  /** For sometimes: holds = witnessed, violated = unreachable (vacuous). */
  readonly verdict: PropertyVerdict;
  /** Counterexample for always/transition/deadlock, witness for sometimes. */
  readonly trace?: Trace;
  /** What the verdict covers: "all 1,000 reachable states", "depth <= 12", "all states (induction)". */
  readonly bound?: string;
}

export interface RunStats {
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
  /** Solver seconds per query (symbolic engine). */
  readonly solverSeconds?: readonly number[];
}

export type RunStatus = 'complete' | 'incomplete' | 'interrupted';

export interface RunResult {
  readonly spec: string;
  readonly variant: string;
  readonly engine: 'explicit' | 'bmc' | 'induction';
  readonly status: RunStatus;
  /** The limit that ended an incomplete run: 'max-states 1000', 'max-depth 5', 'max-memory 512 MB'. */
  readonly limit?: string;
  /** The spec's stated bounds (pages, processes, ...). */
  readonly bounds: string;
  readonly properties: readonly PropertyResult[];
  readonly stats: RunStats;
}
