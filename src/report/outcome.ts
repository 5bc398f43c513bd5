// What a check of one spec produced, as the reporters see it: per variant
// the built model, the engine's result, each verdict next to its
// expectation, and the trace files written.

import type { RunResult } from '../spec/results.ts';
import type { BuiltModel, Spec } from '../spec/spec.ts';
import type { VerdictRow } from './tables.ts';

export interface VariantOutcome {
  readonly built: BuiltModel;
  readonly run: RunResult;
  readonly rows: readonly VerdictRow[];
  /** Trace files written per property, the race diagram first. */
  readonly files: ReadonlyMap<string, readonly string[]>;
  /** The directory the traces went to, when any were written. */
  readonly traceDir?: string;
  /** Why traces could not be written (an I/O error), if so. */
  readonly writeError?: string;
}

export interface SpecOutcome {
  readonly found: { readonly spec: Spec<any>; readonly file: string };
  readonly variants: readonly VariantOutcome[];
}
