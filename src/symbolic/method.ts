// What a symbolic engine adds to the engine registry: its method. The shared
// part of every symbolic run (refusing what the translation cannot model,
// timeouts, translation validation before a proof, the result) is in
// ./index.ts; a symbolic engine is then one file under src/engines/ that
// declares an Engine with a `symbolic` method, and one line in the registry.
// This module holds types only, so that the engine files load no Z3.

import type { Engine } from '../engines/engine.ts';
import type { Limit, PropertyResult } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';

export interface SymbolicOptions {
  /** The registry name of a symbolic engine ('bmc', 'induction', ...). */
  readonly engine: string;
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

/** What a method found: per property, how deep it looked, and the limit that stopped it early. */
export interface SymbolicOutcome {
  readonly results: PropertyResult[];
  readonly depth: number;
  readonly limit?: Limit;
}

export interface SymbolicMethod {
  /** The run's `method`, in words: 'bounded model checking'. */
  readonly method: string;
  /**
   * Checks the model's symbolic properties (always, sometimes, transition;
   * the others are answered 'unknown' by the caller). Every solver query's
   * seconds go to `solverSeconds`; no query may take over `timeoutMs`.
   */
  search(built: BuiltModel, opts: SymbolicOptions, ctx: { readonly solverSeconds: number[]; readonly timeoutMs: number }): Promise<SymbolicOutcome>;
  /** Whether its proofs may take int fields as unbounded, so that the translation is validated that way too. */
  provesUnboundedInts(opts: SymbolicOptions): boolean;
}

export interface SymbolicEngine extends Engine {
  readonly symbolic: SymbolicMethod;
}

export function isSymbolicEngine(e: Engine): e is SymbolicEngine {
  return (e as Partial<SymbolicEngine>).symbolic !== undefined;
}
