// Human-readable output of a check: per variant the bounds, one line per
// property, statistics and TLC's closing lines; race diagrams of violations.

import type pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;
import type { RunResult } from '../spec/results.ts';
import { limitText, verdictCoverage } from '../report/coverage.ts';
import { renderRaceDiagram } from '../report/race-diagram.ts';
import { asExpected, tlcClosingLines, verdictCell, verdictTable, type VerdictRow } from '../report/tables.ts';
import { count, indentWrap, LINE_WIDTH, pad } from '../report/text.ts';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import { relative } from 'node:path';
import type { SpecOutcome, VariantOutcome } from './run.ts';

export const seconds = (run: RunResult): string => `${run.stats.seconds.toFixed(2)} s`;

/** A path as the user should see it: relative to the working directory when inside it. */
export function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/** Statistics and the closing lines of one run. */
export function statsLines(run: RunResult): string[] {
  const s = run.stats;
  if (s.kind === 'solver') {
    // A solver counts no states; TLC's lines would be meaningless.
    return [`${run.engine}: depth ${s.depth}, ${s.seconds.toFixed(2)} s, ${s.solverSeconds.length} solver queries`];
  }
  const out = [
    `${count(s.distinct)} distinct states, ${count(s.generated)} generated, depth ${s.depth}, ${s.seconds.toFixed(2)} s`,
    `${count(s.statesPerSecond)} states/s, ${count(s.bytesPerState)} bytes/state`,
  ];
  if (run.status === 'interrupted') out.push('Interrupted: the statistics are partial.');
  else if (run.status === 'incomplete') out.push(`Incomplete: stopped at the limit ${run.limit ? limitText(run.limit) : '(unknown)'}; the statistics are partial.`);
  out.push(...tlcClosingLines(s).trimEnd().split('\n').filter((l) => run.status === 'complete' || !l.startsWith('The depth of the complete')));
  return out;
}

export function variantReport(
  o: VariantOutcome,
  c: Colors,
  opts: { quiet: boolean; diagrams: 'all' | 'unexpected' },
): string {
  const { built, run, rows, files } = o;
  const lines: string[] = [];
  const vdoc = built.spec.variantDoc(built.variant);
  lines.push(c.bold(`${built.spec.name} / ${built.variant}`));
  if (vdoc) lines.push(...indentWrap(vdoc, 2));
  lines.push(...indentWrap(`bounds: ${built.bounds}; engine: ${run.engine}`, 2, LINE_WIDTH, 4));
  // Rows stay within 80 columns for mail: the expectation is named only when
  // it was not met, and what a verdict covers moves to its own line if long.
  const w = Math.max(8, ...rows.map((r) => r.result.property.length));
  lines.push(c.dim(`  ${pad('property', w)}  ${pad('kind', 10)}  got`));
  for (const r of rows) {
    const ok = asExpected(r);
    const mark = ok
      ? c.green('ok')
      : (r.result.verdict === 'unknown' ? c.yellow('??') : c.red('UNEXPECTED')) + ` (expected ${r.expected ?? 'nothing'})`;
    const row = `  ${pad(r.result.property, w)}  ${pad(r.result.kind, 10)}  ${pad(r.result.verdict, 8)}  ${mark}`;
    const cover = verdictCoverage(r.result, run);
    if (stripAnsi(row).length + 2 + cover.length <= 79) lines.push(`${row}  ${cover}`);
    else lines.push(row, ...indentWrap(cover, 6));
  }
  if (!opts.quiet) {
    lines.push(...statsLines(run));
    const written = rows.filter((r) => files.has(r.result.property));
    if (written.length) lines.push('traces written (.txt race diagram, .json ITF):');
    for (const r of written) lines.push(`  ${shownPath(files.get(r.result.property)![0]!)}`);
    for (const r of rows) {
      const t = r.result.trace;
      if (!t || t.kind === 'witness') continue;
      if (opts.diagrams === 'unexpected' && asExpected(r)) continue;
      lines.push('', renderRaceDiagram(t, built, run).trimEnd());
    }
  }
  return lines.join('\n') + '\n';
}

/** The all-specs summary: the verdict table, then the surprises. */
export function allSpecsReport(outcomes: readonly SpecOutcome[], c: Colors, quiet: boolean): string {
  const rows: VerdictRow[] = outcomes.flatMap((o) => o.variants.flatMap((v) => v.rows));
  const lines = [verdictTable(rows, seconds).trimEnd()];
  if (!quiet) {
    for (const o of outcomes)
      for (const v of o.variants)
        for (const r of v.rows) {
          const t = r.result.trace;
          if (t && t.kind !== 'witness' && !asExpected(r)) lines.push('', renderRaceDiagram(t, v.built, v.run).trimEnd());
        }
  }
  const total = outcomes.flatMap((o) => o.variants.map((v) => v.run.stats));
  lines.push(
    '',
    `${outcomes.length} specs, ${total.length} runs, ${rows.length} verdicts; ` +
      `${count(total.reduce((a, s) => a + (s.kind === 'search' ? s.distinct : 0), 0))} distinct states in ${total.reduce((a, s) => a + s.seconds, 0).toFixed(2)} s`,
  );
  return lines.join('\n') + '\n';
}

export function verdictSummary(rows: readonly VerdictRow[], c: Colors): string {
  const interrupted = rows.some((r) => r.run.status === 'interrupted');
  const surprises = rows.filter((r) => r.result.verdict !== 'unknown' && !asExpected(r));
  const unknown = rows.filter((r) => r.result.verdict === 'unknown');
  if (surprises.length)
    return c.red(
      `${surprises.length} verdict(s) not as expected: ` +
        surprises.map((r) => `${r.spec}/${r.variant}/${r.result.property} ${verdictCell(r.result)} (expected ${r.expected ?? 'nothing'})`).join('; '),
    );
  if (interrupted) return c.yellow(`interrupted: ${unknown.length} verdict(s) not decided`);
  if (unknown.length) {
    const limits = [...new Set(unknown.filter((r) => r.run.status !== 'complete').map((r) => (r.run.limit ? limitText(r.run.limit) : r.run.status)))];
    return c.yellow(
      `incomplete: ${unknown.length} verdict(s) not decided` + (limits.length ? ` within the limits (${limits.join(', ')})` : ''),
    );
  }
  return c.green(`all ${rows.length} verdicts as expected`);
}
