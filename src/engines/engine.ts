// What an engine is to the rest of mmcheck: a name, the options it takes,
// and a run that returns structured results. The CLI's options, help and
// validation are built from these declarations (./registry.ts), so a new
// engine is one file plus one line in the registry.

import type { ExploreProgress } from '../explicit/explore.ts';
import type { RunResult } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';

/** How an option's text becomes a value; the CLI reports a bad value as a usage error. */
export type OptionValue =
  | { readonly kind: 'positive-int' }
  | { readonly kind: 'string' }
  | { readonly kind: 'choice'; readonly choices: readonly string[] }
  /** A `--no-x` switch: the value is false when given. */
  | { readonly kind: 'negated' }
  /** A `--x` switch: the value is true when given. */
  | { readonly kind: 'switch' };

export interface EngineOption {
  /** The option's key in the parsed options: 'maxStates' for --max-states. */
  readonly key: string;
  /** As commander spells it: '--max-states <n>', '--no-deadlock'. */
  readonly flag: string;
  readonly description: string;
  readonly value: OptionValue;
}

export interface EngineContext {
  /** Aborted on Ctrl-C: an interruptible engine stops and returns partial results. */
  readonly signal?: AbortSignal;
  /** Called now and then by engines that search a state space. */
  readonly onProgress?: (p: ExploreProgress) => void;
}

/** Option values as parsed; only the keys the engine declared are present. */
export type EngineOptions = Readonly<Record<string, unknown>>;

export interface Engine {
  /** The name after --engine. */
  readonly name: string;
  /** One line for --help. */
  readonly summary: string;
  readonly options: readonly EngineOption[];
  /** Whether Ctrl-C stops it at its next check with partial results (else the CLI exits at once). */
  readonly interruptible: boolean;
  /** Whether its counterexamples are the committed golden traces (shortest, deterministic). */
  readonly golden: boolean;
  /** Whether it visits states one transition at a time and calls `onTransition` from its options (--dump-graph). */
  readonly visitsTransitions: boolean;
  run(built: BuiltModel, options: EngineOptions, ctx: EngineContext): Promise<RunResult>;
}
