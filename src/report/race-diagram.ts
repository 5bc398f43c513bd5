// A counterexample as a race diagram: one column per actor (thread or action
// family), one row per step naming the action and the kernel function it
// models, then the fields the step changed. Plain ASCII under 80 columns,
// deterministic (no timing, no paths), so it can be pasted into a mail and
// kept as a golden file.

import type { RunResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import type { Type } from '../spec/schema.ts';
import type { Transition } from '../spec/transitions.ts';
import { codecFor, formatValue, type FieldChange } from '../state/codec.ts';
import { ascii, indentWrap, LINE_WIDTH, pad, wrap, wrapValue } from './text.ts';

/** More actors than this and the diagram folds into a single column. */
export const MAX_COLUMNS = 4;
/** Step number gutter: "  12 ". */
const GUTTER = 5;
/** A column narrower than this (beyond its labels) is not worth having: fold into one. */
const MIN_TEXT = 24;

/** body: only the states and steps (for a trace that is not a property's, e.g. to a spec error). */
export function renderRaceDiagram(
  trace: Trace,
  built: BuiltModel,
  run: Pick<RunResult, 'method'>,
  opts: { body?: boolean } = {},
): string {
  const codec = codecFor(built.model.schema);
  const prop = built.properties.find((p) => p.name === trace.property);
  const expected = built.expected.get(trace.property);
  const lines: string[] = [];
  const say = (text: string, indent = 0, hang = 2): void => {
    lines.push(...indentWrap(text, indent, LINE_WIDTH, hang));
  };

  const n = trace.steps.length;
  // Header: what was checked, under which bounds, and what the trace shows.
  if (!opts.body) header();
  function header(): void {
  say(`mmcheck: spec ${built.spec.name}, variant ${built.variant}`);
  const vdoc = built.spec.variantDoc(built.variant);
  if (vdoc) say(vdoc, 2);
  const kind = prop?.kind ?? (trace.kind === 'deadlock' ? 'deadlock' : 'always');
  say(`property: ${trace.property} (${kind})`);
  const pdoc = trace.kind === 'deadlock' ? 'some state has a successor unless it is a declared end state' : prop?.doc;
  if (pdoc) say(pdoc, 2);
  const verdict = trace.kind === 'witness' ? 'holds (witnessed)' : trace.kind === 'cti' ? 'not inductive' : 'violated';
  say(`verdict: ${verdict}${expected ? `, expected ${expected}` : ''}`);
  say(`bounds: ${built.bounds}`);
  say(`trace: ${trace.loop !== undefined ? lassoSummary(trace.loop, n) : traceSummary(trace.kind, n, run.method)}`);
  lines.push('');
  }

  // The starting state, one top-level field per line.
  const onStep = prop?.kind === 'transition';
  // A step property judges steps, so its counterexample to induction starts
  // from a state satisfying the proven invariants, not the property.
  say(
    trace.kind !== 'cti'
      ? 'Initial state:'
      : onStep
        ? 'State 0 (satisfies the proven invariants; not necessarily reachable):'
        : `State 0 (satisfies ${trace.property}; not necessarily reachable):`,
  );
  for (const [field, type] of Object.entries(built.model.schema.fields as Record<string, Type>))
    lines.push(...wrapValue(`${field}: ${formatValue(type, trace.initial[field])}`, LINE_WIDTH - 2, 4).map((l) => `  ${l}`));
  lines.push('');

  // Columns, in order of first appearance.
  const actors: string[] = [];
  for (const st of trace.steps) if (!actors.includes(st.transition.actor)) actors.push(st.transition.actor);
  const changes = trace.steps.map((st, i) => codec.diff(i === 0 ? trace.initial : trace.steps[i - 1]!.state, st.state));
  // Per column: the width its labels need, and the width its widest line needs.
  const widths = (folded: boolean) => (col: number) => {
    const mine = trace.steps.map((st, i) => ({ t: st.transition, ch: changes[i]! })).filter((x) => folded || actors.indexOf(x.t.actor) === col);
    const labels = Math.max(folded ? 0 : (actors[col]?.length ?? 0), ...mine.map((x) => labelOf(x.t, folded).length));
    const widest = Math.max(
      labels,
      ...mine.map((x) => (x.t.kernel ? kernelNote(x.t.kernel).length : 0)),
      ...mine.flatMap((x) => x.ch.map((c) => 2 + changeText(c).length)),
    );
    return { labels, widest };
  };
  let columns = actors.length >= 1 && actors.length <= MAX_COLUMNS ? actors.length : 1;
  let colLeft = columnStarts(columns, widths(columns === 1 && actors.length > 1));
  // Each column needs room for its labels and some text; else one column, each step prefixed by its actor.
  if (columns > 1 && colLeft.some((l, col) => l + Math.max(MIN_TEXT, widths(false)(col).labels) > LINE_WIDTH)) {
    columns = 1;
    colLeft = [GUTTER];
  }
  const folded = columns === 1 && actors.length > 1;
  const columnOf = (t: Transition): number => (folded ? 0 : actors.indexOf(t.actor));
  const label = (t: Transition): string => labelOf(t, folded);

  if (n > 0) {
    if (!folded) {
      const at = (texts: string[]): string =>
        texts.reduce((line, text, col) => line + ' '.repeat(Math.max(colLeft[col]! - line.length, 1)) + text, '').trimEnd();
      lines.push(at(actors.map(ascii)));
      lines.push(at(actors.map((a) => '-'.repeat(Math.max(a.length, 4)))));
    }
    // Each step's text, and the fields it changed, stay in its actor's
    // column: a line that does not fit is broken at a space before an arrow
    // or after a field name, never moved under another actor's column.
    trace.steps.forEach((st, i) => {
      const t = st.transition;
      const left = colLeft[columnOf(t)]!;
      // A row holds one actor's step only, so its text may run past its column to the right.
      const width = LINE_WIDTH - left;
      const cell: string[] = [];
      cell.push(...wrap(label(t), width, 2));
      if (t.kernel) cell.push(...wrap(kernelNote(t.kernel), width, 1));
      const indent = left + 2;
      const fields = changes[i]!.length ? changes[i]!.flatMap((c) => changeLines(c, LINE_WIDTH - indent)) : ['(changes nothing)'];
      // A lasso: mark where the repeated part begins.
      if (trace.loop !== undefined && i === trace.loop) lines.push(`  ** cycle: steps ${i + 1}-${n} repeat for ever **`);
      const num = pad(`${String(i + 1).padStart(3)}`, GUTTER);
      cell.forEach((l, k) => lines.push(((k === 0 ? num : ' '.repeat(GUTTER)) + ' '.repeat(left - GUTTER) + l).trimEnd()));
      for (const f of fields) lines.push((' '.repeat(indent) + f).trimEnd());
    });
    lines.push('');
  }

  if (trace.loop !== undefined)
    lines.push(
      trace.loop === n
        ? `  ** then the ${n === 0 ? 'initial' : 'last'} state stutters for ever **`
        : `  ** back to ${trace.loop === 0 ? 'the initial state' : `the state after step ${trace.loop}`} **`,
      '',
    );
  if (!opts.body) say(trace.loop !== undefined ? lassoConclusion(trace, prop?.doc) : conclusion(trace, n, prop?.doc, onStep));
  return lines.map(ascii).join('\n') + '\n';
}

/**
 * Where each column starts. Columns share the width evenly; a column whose
 * widest line would cross the right margin starts further left, pulling the
 * columns before it left as far as their labels allow, so that its lines
 * stay in its own column.
 */
function columnStarts(columns: number, widths: (col: number) => { labels: number; widest: number }): number[] {
  const even = Math.floor((LINE_WIDTH - GUTTER) / columns);
  const w = Array.from({ length: columns }, (_, col) => widths(col));
  const left = w.map((x, col) => Math.min(GUTTER + col * even, LINE_WIDTH - x.widest));
  left[0] = GUTTER;
  for (let col = columns - 1; col > 0; col--) left[col - 1] = Math.min(left[col - 1]!, left[col]! - w[col - 1]!.labels - 2);
  left[0] = GUTTER;
  for (let col = 1; col < columns; col++) left[col] = Math.max(left[col]!, left[col - 1]! + w[col - 1]!.labels + 2);
  return left;
}

/** The kernel function a step models, in parentheses (once: some notes bring their own). */
export function kernelNote(kernel: string): string {
  return /^\(.*\)$/.test(kernel) ? kernel : `(${kernel})`;
}

const changeText = (c: FieldChange): string => `${c.field}: ${c.from} -> ${c.to}`;

/**
 * One changed field, `field: old -> new`; when that does not fit, broken
 * before the arrow (or after the field name), never inside a value.
 */
function changeLines(c: FieldChange, width: number): string[] {
  const line = changeText(c);
  if (line.length <= width) return [line];
  const more = (text: string): string[] => wrap(text, width - 4, 2).map((l) => `    ${l}`);
  const head = `${c.field}: ${c.from}`;
  if (head.length <= width) return [head, ...more(`-> ${c.to}`)];
  return [...wrap(`${c.field}:`, width, 4), ...more(`${c.from} -> ${c.to}`)];
}

/** A step's label in the diagram: in one folded column, prefixed by its actor. */
function labelOf(t: Transition, folded: boolean): string {
  return folded ? `${t.actor}: ${stepName(t)}` : stepName(t);
}

/** The step as its column shows it: the label without the actor's prefix. */
function stepName(t: Transition): string {
  return t.label.startsWith(`${t.actor}.`) ? t.label.slice(t.actor.length + 1) : t.label;
}

function traceSummary(kind: Trace['kind'], n: number, how: string): string {
  const steps = `${n} step${n === 1 ? '' : 's'}`;
  // Under --por (src/explicit/por.ts) a trace is an execution, not always a shortest one.
  if (how.includes('partial-order reduction:') && kind !== 'cti') return `${steps}, a ${kind === 'witness' ? 'witness' : 'counterexample'} (${how})`;
  switch (kind) {
    case 'violation':
    case 'deadlock':
      return `${steps}, a shortest counterexample (${how})`;
    case 'witness':
      return `${steps}, a shortest witness (${how})`;
    case 'cti':
      return `${steps}, a counterexample to induction (${how}): the first state need not be reachable`;
  }
}

function conclusion(trace: Trace, n: number, doc: string | undefined, onStep: boolean): string {
  const what = doc ? ` (${doc})` : '';
  const after = n === 0 ? 'In the initial state' : `After step ${n}`;
  switch (trace.kind) {
    case 'violation':
      return onStep && n > 0 ? `Step ${n} violates ${trace.property}${what}.` : `${after}, ${trace.property} fails${what}.`;
    case 'deadlock':
      return `${after}, no transition is enabled and this is not a declared end state: deadlock (${trace.property} fails).`;
    case 'witness':
      return `${after}, ${trace.property} holds${what}: witnessed.`;
    case 'cti':
      return onStep
        ? `Step ${n}, from a state satisfying the proven invariants, violates ${trace.property}${what}: the invariants do not imply it.`
        : `Step ${n} leads from a state satisfying ${trace.property} to one violating it${what}: ${trace.property} is not inductive.`;
  }
}

function lassoSummary(loop: number, n: number): string {
  const prefix = `${loop} step${loop === 1 ? '' : 's'}`;
  return loop === n
    ? `a lasso: ${prefix}, then stuttering for ever (shortest prefix, breadth-first search)`
    : `a lasso: ${prefix}, then a cycle of ${n - loop} steps repeated for ever (shortest prefix, breadth-first search)`;
}

function lassoConclusion(trace: Trace, doc: string | undefined): string {
  const what = doc ? ` (${doc})` : '';
  return `This behaviour is fair and goes on for ever without satisfying ${trace.property}${what}.`;
}
