// Human-readable output of a check, plain ASCII within 80 columns. By
// default: per variant the verdict of every property and where the traces
// went, and the race diagram of each verdict that was not as expected;
// --traces adds every counterexample's diagram, --stats the statistics and
// TLC's closing lines.

import { relative } from 'node:path';
import { stripVTControlCharacters as stripAnsi } from 'node:util';
import type pc from 'picocolors';
import { statesOf, type RunResult } from '../spec/results.ts';
import { limitText, verdictCoverage } from './coverage.ts';
import type { SpecOutcome, VariantOutcome } from './outcome.ts';
import { renderRaceDiagram } from './race-diagram.ts';
import { asExpected, tlcClosingLines, verdictCell, type VerdictRow } from './tables.ts';
import { count, indentWrap, LINE_WIDTH, pad } from './text.ts';

export type Colors = ReturnType<typeof pc.createColors>;

export interface HumanOptions {
  /** No statistics, no diagrams: the verdicts only. */
  readonly quiet: boolean;
  /** Every counterexample's race diagram, not only the unexpected ones. */
  readonly traces: boolean;
  /** Full statistics and TLC's closing lines per run. */
  readonly stats: boolean;
}

export const seconds = (run: RunResult): string => `${run.stats.seconds.toFixed(2)} s`;

/** A path as the user should see it: relative to the working directory when inside it. */
export function shownPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

/** One line: "125 distinct states, depth 13, 0.01 s" or the solver's equivalent. */
export function statsSummary(run: RunResult): string {
  const s = run.stats;
  if (s.kind === 'solver') return `${run.engine}: depth ${s.depth}, ${s.solverSeconds.length} solver queries, ${seconds(run)}`;
  return `${count(s.distinct)} distinct states, depth ${s.depth}, ${seconds(run)}`;
}

/** Fewer distinct states than this: no states/s or bytes/state (issue 11). */
export const MIN_STATES_FOR_RATES = 1000;

/** Statistics and the closing lines of one run. */
export function statsLines(run: RunResult): string[] {
  const s = run.stats;
  const out: string[] = [];
  if (s.kind === 'solver') {
    // A solver counts no states; TLC's lines would be meaningless.
    out.push(statsSummary(run));
  } else {
    out.push(`${count(s.distinct)} distinct states, ${count(s.generated)} generated, depth ${s.depth}, ${seconds(run)}`);
    // Rates of a tiny run measure start-up and the store's first allocation
    // (53,248 bytes/state for 2 states): printed only where they mean something.
    if (s.distinct >= MIN_STATES_FOR_RATES) out.push(`${count(s.statesPerSecond)} states/s, ${count(s.bytesPerState)} bytes/state`);
  }
  if (run.status === 'interrupted') out.push('Interrupted: the statistics are partial.');
  else if (run.status === 'incomplete') out.push(`Incomplete: stopped at the limit ${run.limit ? limitText(run.limit) : '(unknown)'}; the statistics are partial.`);
  if (s.kind === 'search')
    out.push(...tlcClosingLines(s).trimEnd().split('\n').filter((l) => run.status === 'complete' || !l.startsWith('The depth of the complete')));
  return out;
}

/** Where a variant's traces went, or why they could not be written. */
function traceLines(o: VariantOutcome): string[] {
  if (o.writeError) return indentWrap(`traces NOT written: ${o.writeError}`, 2);
  if (!o.traceDir || o.files.size === 0) return [];
  const n = o.files.size;
  const exts = [...new Set([...o.files.values()].flat().map((f) => f.slice(f.lastIndexOf('.'))))].join(' ');
  return indentWrap(`${n} trace${n === 1 ? '' : 's'} (${exts}) in ${shownPath(o.traceDir)}/`, 2, LINE_WIDTH, 4);
}

function diagram(r: VerdictRow, o: VariantOutcome): string {
  return renderRaceDiagram(r.result.trace!, o.built, o.run).trimEnd();
}

/** Which counterexamples get a race diagram on screen: the unexpected ones, or all with --traces. */
function diagramsOf(o: VariantOutcome, all: boolean): VerdictRow[] {
  return o.rows.filter((r) => {
    const t = r.result.trace;
    return t && (all ? t.kind !== 'witness' : !asExpected(r));
  });
}

export function variantReport(o: VariantOutcome, c: Colors, opts: HumanOptions): string {
  const { built, run, rows } = o;
  const lines: string[] = [];
  const vdoc = built.spec.variantDoc(built.variant);
  lines.push(c.bold(`${built.spec.name} / ${built.variant}`));
  if (vdoc) lines.push(...indentWrap(vdoc, 2));
  // The explicit engine names its method only when it is not plain BFS (--por).
  const how = run.engine === 'explicit' && run.method !== 'breadth-first search' ? ` (${run.method})` : '';
  lines.push(...indentWrap(`bounds: ${built.bounds}; engine: ${run.engine}${how}`, 2, LINE_WIDTH, 4));
  // Rows stay within 80 columns for mail: the expectation is named only when
  // it was not met, and what a verdict covers moves to its own line if long.
  const w = Math.min(32, Math.max(8, ...rows.map((r) => r.result.property.length)));
  lines.push(c.dim(`  ${pad('property', w)}  ${pad('kind', 10)}  got`));
  for (const r of rows) {
    const ok = asExpected(r);
    const mark = ok
      ? c.green('ok')
      : (r.result.verdict === 'unknown' ? c.yellow('??') : c.red('UNEXPECTED')) + ` (expected ${r.expected ?? 'nothing'})`;
    const name = r.result.property;
    // A long name gets its own line rather than being cut.
    if (name.length > w) lines.push(`  ${name}`);
    const row = `  ${pad(name.length > w ? '' : name, w)}  ${pad(r.result.kind, 10)}  ${pad(r.result.verdict, 8)}  ${mark}`;
    const cover = verdictCoverage(r.result, run);
    if (stripAnsi(row).length + 2 + cover.length < 80) lines.push(`${row}  ${cover}`);
    else lines.push(row, ...indentWrap(cover, 6));
  }
  if (opts.quiet) return lines.join('\n') + '\n';
  if (opts.stats) lines.push(...statsLines(run).map((l) => `  ${l}`));
  else {
    lines.push(`  ${statsSummary(run)}`);
    if (run.status === 'interrupted') lines.push('  Interrupted: the statistics are partial.');
    else if (run.status === 'incomplete')
      lines.push(`  Incomplete: stopped at the limit ${run.limit ? limitText(run.limit) : '(unknown)'}; the statistics are partial.`);
  }
  lines.push(...neverEnabledLines(run, opts.stats));
  lines.push(...traceLines(o));
  for (const r of diagramsOf(o, opts.traces)) lines.push('', diagram(r, o));
  return lines.join('\n') + '\n';
}

/**
 * Actions and thread steps whose guard never held in a complete search (as
 * TLC's per-action coverage shows them): a vacuous step is the most common
 * silent spec bug, so it is named, not only counted. Nothing after an
 * incomplete run, where "never" is not known.
 */
export function neverEnabledLines(run: RunResult, all: boolean): string[] {
  if (run.status !== 'complete' || !run.actionCoverage) return [];
  const never = run.actionCoverage.filter((a) => a.enabled === 0).map((a) => (a.step ? `${a.action}.${a.step}` : a.action));
  if (never.length === 0) return [];
  const of = `${never.length} of ${run.actionCoverage.length}`;
  // A shared kernel model has steps a scenario or design never uses: beyond
  // a few, the list goes behind --stats so the default output stays short.
  const names = all || never.length <= 4 ? `: ${never.join(', ')}` : ' (--stats names them)';
  return indentWrap(`warning: ${of} actions/steps never enabled${names}`, 2, LINE_WIDTH, 4);
}

/**
 * The all-specs table: one row per spec and variant (the verdicts as
 * expected out of all, states, time), each verdict not as expected listed
 * under its row. Within 80 columns: a long name gets a line of its own.
 */
export function allSpecsTable(outcomes: readonly SpecOutcome[]): string {
  const body = outcomes.flatMap((o) =>
    o.variants.map((v) => {
      const ok = v.rows.filter(asExpected).length;
      const unexpected = v.rows.filter((r) => r.result.verdict !== 'unknown' && !asExpected(r)).length;
      const unknown = v.rows.filter((r) => r.result.verdict === 'unknown' && !asExpected(r)).length;
      const verdicts = [`${ok}/${v.rows.length} ok`, unexpected ? `${unexpected} UNEXPECTED` : '', unknown ? `${unknown} undecided` : '']
        .filter(Boolean)
        .join(', ');
      const states = v.run.stats.kind === 'search' ? count(statesOf(v.run)) : v.run.engine;
      return { v, cells: [`${o.found.spec.name} / ${v.built.variant}`, verdicts, states, seconds(v.run)] };
    }),
  );
  const header = ['spec / variant', 'verdicts', 'states', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b.cells[i]!.length)));
  const rest = widths.slice(1).reduce((a, b) => a + b + 2, 0);
  widths[0] = Math.min(widths[0]!, LINE_WIDTH - rest);
  const fmt = (cells: string[]): string[] => {
    const first = cells[0]!;
    const line = (name: string) =>
      [pad(name, widths[0]!), pad(cells[1]!, widths[1]!), cells[2]!.padStart(widths[2]!), cells[3]!.padStart(widths[3]!)].join('  ').trimEnd();
    return first.length > widths[0]! ? [first, line('')] : [line(first)];
  };
  const lines = [...fmt(header), ...fmt(widths.map((w) => '-'.repeat(w)))];
  for (const { v, cells } of body) {
    lines.push(...fmt(cells));
    for (const r of v.rows)
      if (!asExpected(r))
        lines.push(...indentWrap(`${r.result.property}: ${verdictCell(r.result)}, expected ${r.expected ?? 'nothing'}`, 4, LINE_WIDTH, 2));
  }
  return lines.join('\n') + '\n';
}

/** The all-specs report: the table, where the traces went, the surprises' diagrams. */
export function allSpecsReport(outcomes: readonly SpecOutcome[], opts: HumanOptions & { readonly outDir: string }): string {
  const rows: VerdictRow[] = outcomes.flatMap((o) => o.variants.flatMap((v) => v.rows));
  const lines = [allSpecsTable(outcomes).trimEnd()];
  const variants = outcomes.flatMap((o) => o.variants);
  const written = variants.reduce((a, v) => a + v.files.size, 0);
  if (written) lines.push('', ...indentWrap(`${written} trace${written === 1 ? '' : 's'} written under ${shownPath(opts.outDir)}/`, 0));
  for (const v of variants) if (v.writeError) lines.push(...indentWrap(`traces NOT written: ${v.writeError}`, 0, LINE_WIDTH, 2));
  if (!opts.quiet) for (const v of variants) for (const r of diagramsOf(v, opts.traces)) lines.push('', diagram(r, v));
  const total = variants.map((v) => v.run);
  lines.push(
    '',
    `${outcomes.length} specs, ${total.length} runs, ${rows.length} verdicts; ` +
      `${count(total.reduce((a, r) => a + statesOf(r), 0))} distinct states in ${total.reduce((a, r) => a + r.stats.seconds, 0).toFixed(2)} s`,
  );
  return lines.join('\n') + '\n';
}

export function verdictSummary(rows: readonly VerdictRow[], c: Colors): string {
  const interrupted = rows.some((r) => r.run.status === 'interrupted');
  const surprises = rows.filter((r) => r.result.verdict !== 'unknown' && !asExpected(r));
  const unknown = rows.filter((r) => r.result.verdict === 'unknown');
  if (surprises.length)
    return c.red(
      indentWrap(
        `${surprises.length} verdict(s) not as expected: ` +
          surprises.map((r) => `${r.spec}/${r.variant}/${r.result.property} ${verdictCell(r.result)} (expected ${r.expected ?? 'nothing'})`).join('; '),
        0,
      ).join('\n'),
    );
  if (interrupted) return c.yellow(`interrupted: ${unknown.length} verdict(s) not decided`);
  if (unknown.length) {
    const limits = [...new Set(unknown.filter((r) => r.run.status !== 'complete').map((r) => (r.run.limit ? limitText(r.run.limit) : r.run.status)))];
    return c.yellow(
      indentWrap(`incomplete: ${unknown.length} verdict(s) not decided` + (limits.length ? ` within the limits (${limits.join(', ')})` : ''), 0).join('\n'),
    );
  }
  return c.green(`all ${rows.length} verdicts as expected`);
}
