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

export function renderRaceDiagram(trace: Trace, built: BuiltModel, run: Pick<RunResult, 'engine'>): string {
  const codec = codecFor(built.model.schema);
  const prop = built.properties.find((p) => p.name === trace.property);
  const expected = built.expected.get(trace.property);
  const lines: string[] = [];
  const say = (text: string, indent = 0, hang = 2): void => {
    lines.push(...indentWrap(text, indent, LINE_WIDTH, hang));
  };

  // Header: what was checked, under which bounds, and what the trace shows.
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
  const n = trace.steps.length;
  say(`trace: ${trace.loop !== undefined ? lassoSummary(trace.loop, n) : traceSummary(trace.kind, n, run.engine)}`);
  lines.push('');

  // The starting state, one top-level field per line.
  say(
    trace.kind === 'cti'
      ? `State 0 (satisfies ${trace.property}; not necessarily reachable):`
      : 'Initial state:',
  );
  for (const [field, type] of Object.entries(built.model.schema.fields as Record<string, Type>))
    lines.push(...wrapValue(`${field}: ${formatValue(type, trace.initial[field])}`, LINE_WIDTH - 2, 4).map((l) => `  ${l}`));
  lines.push('');

  // Columns, in order of first appearance.
  const actors: string[] = [];
  for (const st of trace.steps) if (!actors.includes(st.transition.actor)) actors.push(st.transition.actor);
  const columns = actors.length >= 1 && actors.length <= MAX_COLUMNS ? actors.length : 1;
  const folded = columns === 1 && actors.length > 1;
  const colWidth = Math.floor((LINE_WIDTH - GUTTER) / columns);

  if (n > 0) {
    if (!folded) {
      lines.push(' '.repeat(GUTTER) + actors.map((a) => pad(ascii(a), colWidth - 1)).join(' ').trimEnd());
      lines.push(' '.repeat(GUTTER) + actors.map((a) => '-'.repeat(Math.min(Math.max(a.length, 4), colWidth - 1))).map((d) => pad(d, colWidth - 1)).join(' ').trimEnd());
    }
    const changes = trace.steps.map((st, i) => codec.diff(i === 0 ? trace.initial : trace.steps[i - 1]!.state, st.state));
    const columnOf = (t: Transition): number => (folded ? 0 : actors.indexOf(t.actor));
    // Changed fields are listed under the step, in its column. One indent per
    // column for the whole trace, so the lists line up; a column whose widest
    // change does not fit moves its lists left rather than breaking lines.
    const fieldLeft = Array.from({ length: columns }, (_, col) => GUTTER + col * colWidth + 2);
    trace.steps.forEach((st, i) => {
      const col = columnOf(st.transition);
      for (const c of changes[i]!) {
        const fit = LINE_WIDTH - `${c.field}: ${c.from} -> ${c.to}`.length;
        fieldLeft[col] = Math.max(GUTTER + 2, Math.min(fieldLeft[col]!, fit));
      }
    });
    trace.steps.forEach((st, i) => {
      const t = st.transition;
      const col = columnOf(t);
      const left = GUTTER + col * colWidth;
      // A row holds one actor's step only, so its text may run past its column.
      const width = LINE_WIDTH - left;
      const cell: string[] = [];
      cell.push(...wrap(folded ? `${t.actor}: ${stepName(t)}` : stepName(t), width, 2));
      if (t.kernel) cell.push(...wrap(`(${t.kernel})`, width, 1));
      const indent = fieldLeft[col]!;
      const fields = changes[i]!.length
        ? changes[i]!.flatMap((c) => changeLines(c, LINE_WIDTH - indent))
        : ['(changes nothing)'];
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
        ? `  ** then the last state stutters for ever **`
        : `  ** back to ${trace.loop === 0 ? 'the initial state' : `the state after step ${trace.loop}`} **`,
      '',
    );
  say(trace.loop !== undefined ? lassoConclusion(trace, prop?.doc) : conclusion(trace, n, prop?.doc, prop?.kind === 'transition'));
  return lines.map(ascii).join('\n') + '\n';
}

/**
 * One changed field, `field: old -> new`; when that does not fit, broken
 * before the arrow (or after the field name), never inside a value.
 */
function changeLines(c: FieldChange, width: number): string[] {
  const line = `${c.field}: ${c.from} -> ${c.to}`;
  if (line.length <= width) return [line];
  const more = (text: string): string[] => wrap(text, width - 4, 2).map((l) => `    ${l}`);
  const head = `${c.field}: ${c.from}`;
  if (head.length <= width) return [head, ...more(`-> ${c.to}`)];
  return [...wrap(`${c.field}:`, width, 4), ...more(`${c.from} -> ${c.to}`)];
}

/** The step as its column shows it: the label without the actor's prefix. */
function stepName(t: Transition): string {
  return t.label.startsWith(`${t.actor}.`) ? t.label.slice(t.actor.length + 1) : t.label;
}

function traceSummary(kind: Trace['kind'], n: number, engine: RunResult['engine']): string {
  const steps = `${n} step${n === 1 ? '' : 's'}`;
  const how =
    engine === 'explicit' ? 'breadth-first search' : engine === 'bmc' ? 'bounded model checking' : 'k-induction';
  switch (kind) {
    case 'violation':
    case 'deadlock':
      return `${steps}, a shortest counterexample (${how})`;
    case 'witness':
      return `${steps}, a shortest witness (${how})`;
    case 'cti':
      return `${steps}, a counterexample to induction (${how}): the first state satisfies the invariant but need not be reachable`;
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
      return `Step ${n} leads from a state satisfying ${trace.property} to one violating it${what}: ${trace.property} is not inductive.`;
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
