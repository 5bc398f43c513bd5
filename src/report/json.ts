// The --json document: a public contract (docs/cli.md, test/cli.test.ts).

import type { Verdict } from '../spec/spec.ts';
import type { Coverage } from '../spec/results.ts';
import { limitText, verdictCoverage } from './coverage.ts';
import { asExpected } from './tables.ts';
import { shownPath } from './human.ts';
import type { SpecOutcome } from './outcome.ts';

export interface JsonResult {
  variant: string;
  property: string;
  kind: string;
  expected: Verdict | null;
  verdict: 'holds' | 'violated' | 'unknown';
  engine: string;
  distinctStates: number;
  generatedStates: number;
  depth: number;
  traceLength: number | null;
  traceFiles: string[];
  seconds: number;
  asExpected: boolean;
  /** What the verdict covers, in words (src/report/coverage.ts). */
  bound: string;
  /** The same as data: { kind: 'exhaustive' | 'bounded' | 'inductive' | 'limit' | 'trace' | 'not-inductive', ... }. */
  coverage: Coverage;
}

export interface JsonRun {
  variant: string;
  engine: string;
  status: 'complete' | 'incomplete' | 'interrupted';
  limit: string | null;
  bounds: string;
  distinctStates: number;
  generatedStates: number;
  depth: number;
  queue: number;
  seconds: number;
  statesPerSecond: number;
  bytesPerState: number;
  /** Why the run's traces could not be written (exit 5), or null. */
  traceError: string | null;
  /** Solver-based engines: the number of solver queries and their total seconds; null for a search. */
  solverQueries: number | null;
  solverSeconds: number | null;
  /** Per action and thread step (explicit search): how often its guard held and the distinct states it reached first; null for other engines. */
  actionCoverage: { action: string; step: string | null; enabled: number; distinct: number }[] | null;
}

export interface JsonSpec {
  spec: string;
  results: JsonResult[];
  stats: {
    distinctStates: number;
    generatedStates: number;
    seconds: number;
    unexpected: number;
    unknown: number;
    runs: JsonRun[];
  };
}

export function specJson(o: SpecOutcome): JsonSpec {
  const results: JsonResult[] = [];
  const runs: JsonRun[] = [];
  for (const v of o.variants) {
    const { run } = v;
    const s = run.stats;
    // A solver counts no states: 0 keeps the documented shape.
    const search = s.kind === 'search' ? s : undefined;
    for (const r of v.rows) {
      results.push({
        variant: r.variant,
        property: r.result.property,
        kind: r.result.kind,
        expected: r.expected ?? null,
        verdict: r.result.verdict,
        engine: run.engine,
        distinctStates: search?.distinct ?? 0,
        generatedStates: search?.generated ?? 0,
        depth: s.depth,
        traceLength: r.result.trace ? r.result.trace.steps.length : null,
        traceFiles: (v.files.get(r.result.property) ?? []).map(shownPath),
        seconds: s.seconds,
        asExpected: asExpected(r),
        bound: verdictCoverage(r.result, run),
        coverage: r.result.coverage,
      });
    }
    runs.push({
      variant: v.built.variant,
      engine: run.engine,
      status: run.status,
      limit: run.limit ? limitText(run.limit) : null,
      bounds: run.bounds,
      distinctStates: search?.distinct ?? 0,
      generatedStates: search?.generated ?? 0,
      depth: s.depth,
      queue: search?.queue ?? 0,
      seconds: s.seconds,
      statesPerSecond: search?.statesPerSecond ?? 0,
      bytesPerState: search?.bytesPerState ?? 0,
      traceError: v.writeError ?? null,
      solverQueries: s.kind === 'solver' ? s.solverSeconds.length : null,
      solverSeconds: s.kind === 'solver' ? s.solverSeconds.reduce((a, b) => a + b, 0) : null,
      actionCoverage:
        run.actionCoverage?.map((a) => ({ action: a.action, step: a.step ?? null, enabled: a.enabled, distinct: a.distinct })) ?? null,
    });
  }
  return {
    spec: o.found.spec.name,
    results,
    stats: {
      distinctStates: runs.reduce((a, r) => a + r.distinctStates, 0),
      generatedStates: runs.reduce((a, r) => a + r.generatedStates, 0),
      seconds: runs.reduce((a, r) => a + r.seconds, 0),
      unexpected: results.filter((r) => r.verdict !== 'unknown' && !r.asExpected).length,
      unknown: results.filter((r) => r.verdict === 'unknown').length,
      runs,
    },
  };
}
