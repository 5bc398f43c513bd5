// Graphviz DOT: a counterexample as a path of states (each labelled with
// the fields its step changed), and small state spaces as a whole graph
// (--dump-graph). Deterministic text, ASCII, so it can be kept and diffed;
// render with `dot -Tsvg file.dot`.

import type { Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import type { Type } from '../spec/schema.ts';
import { codecFor, formatValue } from '../state/codec.ts';
import { kernelNote } from './race-diagram.ts';
import { ascii } from './text.ts';

/** A DOT string literal: quotes and backslashes escaped, line breaks as \l (left-aligned lines). */
export function dotString(text: string): string {
  return `"${ascii(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\l')}"`;
}

/** The whole state, one top-level field per line (for the first node and for --dump-graph). */
export function stateLabel(built: BuiltModel, state: any): string {
  return Object.entries(built.model.schema.fields as Record<string, Type>)
    .map(([f, t]) => `${f}: ${formatValue(t, state[f])}`)
    .join('\n');
}

export function traceDot(trace: Trace, built: BuiltModel): string {
  const codec = codecFor(built.model.schema);
  const lines = [
    `// mmcheck: spec ${built.spec.name}, variant ${built.variant}, ${trace.property} (${trace.kind})`,
    `digraph ${dotString(`${built.spec.name}/${built.variant}/${trace.property}`)} {`,
    '  node [shape=box, fontname="monospace", fontsize=10];',
    '  edge [fontname="monospace", fontsize=10];',
    `  s0 [label=${dotString(`state 0${trace.kind === 'cti' ? ' (need not be reachable)' : ' (initial)'}\n${stateLabel(built, trace.initial)}\n`)}];`,
  ];
  trace.steps.forEach((st, i) => {
    const prev = i === 0 ? trace.initial : trace.steps[i - 1]!.state;
    const changes = codec.diff(prev, st.state).map((c) => `${c.field}: ${c.from} -> ${c.to}`);
    const last = i === trace.steps.length - 1;
    const mark = last ? (trace.kind === 'witness' ? `\n${trace.property} holds` : `\n${trace.property} fails`) : '';
    lines.push(
      `  s${i + 1} [label=${dotString(`state ${i + 1}\n${changes.join('\n') || '(changes nothing)'}${mark}\n`)}${last ? ', penwidth=2' : ''}];`,
      `  s${i} -> s${i + 1} [label=${dotString(`${i + 1}. ${st.transition.label}${st.transition.kernel ? `\n${kernelNote(st.transition.kernel)}` : ''}\n`)}];`,
    );
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** --dump-graph refuses state spaces larger than this: a picture of more states helps nobody. */
export const DUMP_GRAPH_MAX_STATES = 2000;

/**
 * Collects a state space transition by transition (from the explicit
 * engine's onTransition hook) and prints it as DOT. States are told apart by
 * their printed value; beyond DUMP_GRAPH_MAX_STATES it stops collecting and
 * says so.
 */
export class StateGraph {
  private readonly ids = new Map<string, number>();
  private readonly labels: string[] = [];
  private readonly edges = new Set<string>();
  private readonly initials: number;
  overflow = false;

  constructor(private readonly built: BuiltModel) {
    for (const s of built.model.inits) this.id(s);
    this.initials = this.labels.length;
  }

  private id(state: unknown): number {
    const label = stateLabel(this.built, state);
    let id = this.ids.get(label);
    if (id === undefined) {
      if (this.labels.length >= DUMP_GRAPH_MAX_STATES) {
        this.overflow = true;
        return -1;
      }
      id = this.labels.length;
      this.ids.set(label, id);
      this.labels.push(label);
    }
    return id;
  }

  transition(s: unknown, t: { readonly label: string }, n: unknown): void {
    if (this.overflow) return;
    const a = this.id(s);
    const b = this.id(n);
    if (a >= 0 && b >= 0) this.edges.add(`  n${a} -> n${b} [label=${dotString(t.label)}];`);
  }

  get size(): number {
    return this.labels.length;
  }

  toDot(): string {
    const b = this.built;
    const lines = [
      `// mmcheck: spec ${b.spec.name}, variant ${b.variant}: ${this.labels.length} states, ${this.edges.size} transitions`,
      `digraph ${dotString(`${b.spec.name}/${b.variant}`)} {`,
      '  node [shape=box, fontname="monospace", fontsize=10];',
      '  edge [fontname="monospace", fontsize=10];',
      ...this.labels.map((l, i) => `  n${i} [label=${dotString(l + '\n')}${i < this.initials ? ', penwidth=2' : ''}];`),
      ...this.edges,
      '}',
    ];
    return lines.join('\n') + '\n';
  }
}
