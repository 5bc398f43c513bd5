// A spec error found during the search (a value out of range, a throw, a
// non-deterministic step) with the shortest trace to the state where it
// happened, as TLC prints it: the CLI renders the trace under the message.

import { SpecError } from '../spec/errors.ts';
import type { Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';

export class TracedSpecError extends SpecError {
  constructor(
    message: string,
    /** Shortest trace to the state where the error happened (kind
     *  'violation', property 'spec-error'; the last state is that state). */
    readonly trace: Trace,
    /** The model the trace is of: renderRaceDiagram(trace, built, ...) and
     *  toItf(trace, built, ...) draw and write it. */
    readonly built: BuiltModel,
  ) {
    super(message);
  }
}
