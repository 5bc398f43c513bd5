// Verdict tables: the markdown variant x property matrix (--matrix), the
// plain table of the all-specs run, and TLC's closing lines.

import { statesOf, type PropertyResult, type RunResult, type SearchStats } from '../spec/results.ts';
import { limitText } from './coverage.ts';
import type { Verdict } from '../spec/spec.ts';
import { count, pad } from './text.ts';

/** One property's outcome next to its expectation. */
export interface VerdictRow {
  readonly spec: string;
  readonly variant: string;
  readonly result: PropertyResult;
  readonly expected: Verdict | undefined;
  readonly run: RunResult;
}

export function asExpected(r: Pick<VerdictRow, 'result' | 'expected'>): boolean {
  return r.result.verdict === r.expected;
}

/** holds / violated (6 steps) / unknown: the verdict as a table cell shows it. */
export function verdictCell(r: PropertyResult): string {
  if (r.verdict === 'violated' && r.trace) return `violated (${r.trace.steps.length} steps)`;
  if (r.verdict === 'violated' && r.kind === 'sometimes') return 'violated (unreachable)';
  return r.verdict;
}

/**
 * Markdown: one row per variant, one column per property (in order of first
 * appearance), each cell the verdict; a surprise is bold with its expectation.
 */
export function verdictMatrix(spec: string, rows: readonly VerdictRow[]): string {
  const variants: string[] = [];
  const props: string[] = [];
  for (const r of rows) {
    if (!variants.includes(r.variant)) variants.push(r.variant);
    if (!props.includes(r.result.property)) props.push(r.result.property);
  }
  const cell = (v: string, p: string): string => {
    const r = rows.find((x) => x.variant === v && x.result.property === p);
    if (!r) return '-';
    const got = verdictCell(r.result);
    if (asExpected(r)) return got;
    return `**${got}** (expected ${r.expected ?? 'nothing'})`;
  };
  const states = (v: string): string => {
    const run = rows.find((x) => x.variant === v)?.run;
    if (!run) return '-';
    const n = run.stats.kind === 'search' ? count(run.stats.distinct) : '-';
    return run.status === 'complete' ? n : `${n} (${run.status}: ${run.limit ? limitText(run.limit) : ''})`;
  };
  const header = ['variant', ...props, 'states'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...variants.map((v) => `| ${[v, ...props.map((p) => cell(v, p)), states(v)].join(' | ')} |`),
  ];
  const surprises = rows.filter((r) => !asExpected(r)).length;
  const bounds = [...new Set(variants.map((v) => rows.find((x) => x.variant === v)!.run.bounds))];
  return [
    `${spec}: ${surprises === 0 ? 'every verdict as expected' : `${surprises} verdict(s) not as expected (bold)`}; bounds: ${bounds.join('; ')}`,
    '',
    ...lines,
  ].join('\n') + '\n';
}

/** The all-specs table: spec, variant, property, expected, got, states, time. */
export function verdictTable(rows: readonly VerdictRow[], seconds: (run: RunResult) => string): string {
  const header = ['spec', 'variant', 'property', 'expected', 'got', 'states', 'time'];
  const body = rows.map((r) => [
    r.spec,
    r.variant,
    r.result.property,
    r.expected ?? '-',
    asExpected(r) ? r.result.verdict : `${r.result.verdict} !!`,
    r.run.stats.kind === 'search' ? count(statesOf(r.run)) : '-',
    seconds(r.run),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = new Set([5, 6]);
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n') + '\n';
}

/** TLC's closing lines, so that tools that parse TLC's output parse ours. */
export function tlcClosingLines(stats: Pick<SearchStats, 'generated' | 'distinct' | 'queue' | 'depth'>): string {
  return (
    `${stats.generated} states generated, ${stats.distinct} distinct states found, ${stats.queue} states left on queue.\n` +
    `The depth of the complete state graph search is ${stats.depth}.\n`
  );
}
