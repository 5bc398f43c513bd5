// The files a trace is written as: a list, so a new format is one entry.
// Each renders deterministically (golden copies are compared byte for byte).

import type { RunResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { traceDot } from './dot.ts';
import { itfText, toItf } from './itf.ts';
import { renderRaceDiagram } from './race-diagram.ts';

export interface TraceWriter {
  /** File extension, without the dot. */
  readonly ext: string;
  /** What the file is, for --help and the docs. */
  readonly what: string;
  /** Whether the committed golden counterexamples keep this format (test/report-golden.test.ts compares them). */
  readonly golden: boolean;
  /** `source`: the spec file relative to the repository root. */
  render(trace: Trace, built: BuiltModel, run: RunResult, source: string): string;
}

export const TRACE_WRITERS: readonly TraceWriter[] = [
  { ext: 'txt', what: 'race diagram', golden: true, render: (t, b, r) => renderRaceDiagram(t, b, r) },
  { ext: 'json', what: 'ITF (Apalache, Quint)', golden: true, render: (t, b, _r, source) => itfText(toItf(t, b, source)) },
  { ext: 'dot', what: 'Graphviz graph of the trace', golden: false, render: (t, b) => traceDot(t, b) },
];
