// What a verdict covers, in words. The engines return structured Coverage
// and Limit values (src/spec/results.ts); this is the one place that says
// them in English, so tests assert on data and the wording can change.

import type { Coverage, Limit, PropertyResult, RunResult } from '../spec/results.ts';
import { count } from './text.ts';

/** "max-states 1,000", "max-memory 512 MB", "interrupted". */
export function limitText(l: Limit): string {
  const value = l.value === undefined ? '' : ` ${l.which === 'max-memory' ? `${count(l.value)} MB` : count(l.value)}`;
  return `${l.which}${value}${l.detail ? ` (${l.detail})` : ''}`;
}

const steps = (n: number): string => `${n} step${n === 1 ? '' : 's'}`;

/** The coverage alone: "all 1,000 reachable states, depth 12", "runs of <= 8 steps". */
export function coverageText(c: Coverage): string {
  switch (c.kind) {
    case 'exhaustive':
      return (
        (c.states === undefined
          ? `all reachable states (no run is longer than ${steps(c.depth)})`
          : `all ${count(c.states)} reachable states, depth ${c.depth}`) + (c.fairness ? `, ${c.fairness}` : '')
      );
    case 'not-checked':
      return `not checked: ${c.reason}`;
    case 'bounded':
      return `runs of at most ${steps(c.depth)}`;
    case 'inductive': {
      const how = c.k === 1 ? 'induction' : `${c.k}-induction`;
      const by = c.strengthenedBy.length ? `, strengthened by ${c.strengthenedBy.join(', ')}` : '';
      return `${c.ints === 'unbounded' ? 'all states, int fields unbounded' : 'all states in the declared ranges'} (${how}${by})`;
    }
    case 'limit':
      return `stopped at ${limitText(c.limit)}`;
    case 'trace':
      return `trace of ${steps(c.steps)}`;
    case 'not-inductive':
      switch (c.of) {
        case 'property':
          return `not inductive${c.k > 1 ? ` (nor ${c.k}-inductive)` : ''}: counterexample to induction; strengthen it or declare --invariant`;
        case 'declared-invariant':
          return 'the declared invariant is not inductive: counterexample to induction';
        case 'step':
          return 'a step from a state satisfying the proven invariants violates it (that state may be unreachable)';
        case 'declared-bounds':
          return 'inductive with int fields unbounded, but a step from a state satisfying it leaves a declared range: counterexample to induction';
      }
  }
}

/** What a verdict covers, as its row in a report says it. */
export function verdictCoverage(r: PropertyResult, run: Pick<RunResult, 'status' | 'limit'>): string {
  const c = r.coverage;
  if (r.trace) {
    if (r.trace.loop !== undefined) return `lasso: ${r.trace.loop} + ${r.trace.steps.length - r.trace.loop} steps`;
    const what = r.trace.kind === 'witness' ? 'witness' : r.trace.kind === 'cti' ? 'counterexample to induction' : 'trace';
    return `${r.trace.steps.length}-step ${what}`;
  }
  if (r.verdict === 'unknown') {
    if (c.kind === 'limit') return `not decided (${limitText(c.limit)})`;
    if (run.status !== 'complete' && run.limit) return `not decided (${limitText(run.limit)})`;
    if (c.kind === 'bounded') return `not decided: no ${r.kind === 'sometimes' ? 'witness' : 'violation'} within ${steps(c.depth)}`;
    return `not decided: ${coverageText(c)}`;
  }
  if (c.kind === 'exhaustive' && r.kind === 'sometimes' && r.verdict === 'violated')
    return `unreachable in ${coverageText(c)}`;
  if (c.kind === 'exhaustive' && c.states !== undefined) return `all ${count(c.states)} states${c.fairness ? `, ${c.fairness}` : ''}`;
  return coverageText(c);
}
