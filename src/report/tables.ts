// Verdict tables: the markdown property x variant matrix (--matrix), the
// verdict cells, and TLC's closing lines.

import { statesOf, type PropertyResult, type RunResult, type SearchStats } from '../spec/results.ts';
import type { Verdict } from '../spec/spec.ts';
import { count, LINE_WIDTH, pad, wrap } from './text.ts';

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

/** A matrix cell: holds, the steps of a counterexample, unreachable or undecided; bold when unexpected. */
function matrixCell(r: VerdictRow | undefined): string {
  if (!r) return '-';
  const v = r.result;
  const got =
    v.verdict === 'violated' ? (v.trace ? `${v.trace.steps.length} steps` : v.kind === 'sometimes' ? 'unreach.' : 'violated') : v.verdict === 'holds' ? 'holds' : '?';
  return asExpected(r) ? got : `**${got}**`;
}

/**
 * Markdown, for a design discussion: one row per property, one column per
 * variant; a cell is "holds", the length of the counterexample ("9 steps":
 * violated), "unreach." (a sometimes never witnessed) or "?" (undecided), in
 * bold when not as expected. Padded so that it reads as a table in plain
 * text too; variants are split over several tables so that every line fits
 * in 80 columns.
 */
export function verdictMatrix(spec: string, rows: readonly VerdictRow[]): string {
  const variants: string[] = [];
  const props: string[] = [];
  for (const r of rows) {
    if (!variants.includes(r.variant)) variants.push(r.variant);
    if (!props.includes(r.result.property)) props.push(r.result.property);
  }
  const cell = (v: string, p: string): string => matrixCell(rows.find((x) => x.variant === v && x.result.property === p));
  const states = (v: string): string => {
    const run = rows.find((x) => x.variant === v)?.run;
    if (!run) return '-';
    const n = run.stats.kind === 'search' ? count(statesOf(run)) : run.engine;
    return run.status === 'complete' ? n : `${n} (${run.status})`;
  };
  const firstCol = ['property', ...props, 'states'];
  const w0 = Math.max(...firstCol.map((x) => x.length));
  const column = (v: string): string[] => [v, ...props.map((p) => cell(v, p)), states(v)];
  // Greedy chunks of variants whose table lines fit in the line width.
  const chunks: string[][] = [];
  let cur: string[] = [];
  let width = 2 + w0 + 2;
  for (const v of variants) {
    const wv = Math.max(...column(v).map((x) => x.length)) + 3;
    if (cur.length && width + wv > LINE_WIDTH) {
      chunks.push(cur);
      cur = [];
      width = 2 + w0 + 2;
    }
    cur.push(v);
    width += wv;
  }
  if (cur.length) chunks.push(cur);
  const table = (vs: string[]): string[] => {
    const cols = [firstCol, ...vs.map(column)];
    const ws = cols.map((c) => Math.max(3, ...c.map((x) => x.length)));
    const line = (i: number): string => `| ${cols.map((c, j) => pad(c[i]!, ws[j]!)).join(' | ')} |`;
    return [line(0), `|${ws.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...firstCol.slice(1).map((_, i) => line(i + 1))];
  };
  const surprises = rows.filter((r) => !asExpected(r)).length;
  const bounds = [...new Set(variants.map((v) => rows.find((x) => x.variant === v)!.run.bounds))];
  const head = wrap(
    `${spec}: ${surprises === 0 ? 'every verdict as expected' : `${surprises} verdict(s) not as expected (bold)`}; bounds: ${bounds.join('; ')}`,
    LINE_WIDTH,
    2,
  );
  return [...head, '', ...chunks.flatMap((c, i) => (i ? ['', ...table(c)] : table(c)))].join('\n') + '\n';
}

/** TLC's closing lines, so that tools that parse TLC's output parse ours. */
export function tlcClosingLines(stats: Pick<SearchStats, 'generated' | 'distinct' | 'queue' | 'depth'>): string {
  return (
    `${stats.generated} states generated, ${stats.distinct} distinct states found, ${stats.queue} states left on queue.\n` +
    `The depth of the complete state graph search is ${stats.depth}.\n`
  );
}
