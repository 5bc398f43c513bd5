// A self-contained HTML report (--html out.html): the verdict matrix of
// every spec checked, and each counterexample (and written witness) as a race
// diagram, one column per actor, the fields each step changed highlighted,
// with a step slider that shows the whole state after any step. One file,
// inline CSS and script, no server, no network: it can be attached to a
// mail or a bug and opened anywhere.
//
// Two stages, so that the report can become one more writer behind the CLI's
// reporters: htmlReportData() turns run results into plain data (strings
// only), renderHtml() turns that data into the page.

import type { RunResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { codecFor, formatValue } from '../state/codec.ts';
import { asExpected, verdictCell, type VerdictRow } from './tables.ts';

/** What the report needs of one checked variant (a CLI VariantOutcome fits). */
export interface HtmlVariantInput {
  readonly built: BuiltModel;
  readonly run: RunResult;
  readonly rows: readonly VerdictRow[];
}

export interface HtmlSpecInput {
  readonly name: string;
  readonly variants: readonly HtmlVariantInput[];
}

export interface HtmlChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export interface HtmlStep {
  readonly actor: string;
  readonly label: string;
  readonly kernel?: string;
  readonly changes: readonly HtmlChange[];
  /** Every field's value after the step, in schema order. */
  readonly state: readonly string[];
}

export interface HtmlTrace {
  readonly id: string;
  readonly spec: string;
  readonly variant: string;
  readonly property: string;
  readonly kind: Trace['kind'];
  readonly expected?: string;
  readonly actors: readonly string[];
  /** Field names, in schema order; `initial` and each step's `state` follow it. */
  readonly fields: readonly string[];
  readonly initial: readonly string[];
  readonly steps: readonly HtmlStep[];
  readonly ending: string;
}

export interface HtmlCell {
  readonly text: string;
  readonly verdict: 'holds' | 'violated' | 'unknown';
  readonly asExpected: boolean;
  readonly expected?: string;
  readonly trace?: string;
}

export interface HtmlMatrix {
  readonly spec: string;
  readonly properties: readonly string[];
  readonly rows: readonly { readonly variant: string; readonly doc?: string; readonly cells: readonly (HtmlCell | null)[] }[];
}

export interface HtmlReport {
  readonly title: string;
  readonly matrices: readonly HtmlMatrix[];
  readonly traces: readonly HtmlTrace[];
}

function traceData(trace: Trace, built: BuiltModel, id: string): HtmlTrace {
  const codec = codecFor(built.model.schema);
  const leaves = codec.layout.leaves;
  const valuesOf = (s: unknown): string[] =>
    leaves.map((l) => formatValue(l.type, l.path.reduce((acc: any, p) => acc?.[p], s)));
  const actors: string[] = [];
  for (const st of trace.steps) if (!actors.includes(st.transition.actor)) actors.push(st.transition.actor);
  let prev: unknown = trace.initial;
  const steps = trace.steps.map((st) => {
    const changes = codec.diff(prev, st.state);
    prev = st.state;
    return {
      actor: st.transition.actor,
      label: st.transition.step ?? st.transition.label,
      ...(st.transition.kernel ? { kernel: st.transition.kernel } : {}),
      changes,
      state: valuesOf(st.state),
    };
  });
  const n = steps.length;
  const ending =
    trace.kind === 'witness'
      ? `After step ${n}, ${trace.property} holds (witness).`
      : trace.kind === 'deadlock'
        ? `After step ${n}, no transition is enabled: deadlock.`
        : trace.kind === 'cti'
          ? `After step ${n}, ${trace.property} fails: not inductive.`
          : `After step ${n}, ${trace.property} fails.`;
  const expected = built.expected.get(trace.property);
  return {
    id,
    spec: built.spec.name,
    variant: built.variant,
    property: trace.property,
    kind: trace.kind,
    ...(expected ? { expected } : {}),
    actors,
    fields: leaves.map((l) => l.name),
    initial: valuesOf(trace.initial),
    steps,
    ending,
  };
}

/** The report's data: matrices and traces, all as strings. */
export function htmlReportData(specs: readonly HtmlSpecInput[], title = 'mmcheck report'): HtmlReport {
  const matrices: HtmlMatrix[] = [];
  const traces: HtmlTrace[] = [];
  for (const s of specs) {
    const properties: string[] = [];
    for (const v of s.variants) for (const r of v.rows) if (!properties.includes(r.result.property)) properties.push(r.result.property);
    const rows = s.variants.map((v) => ({
      variant: v.built.variant,
      ...(v.built.spec.variantDoc(v.built.variant) ? { doc: v.built.spec.variantDoc(v.built.variant) } : {}),
      cells: properties.map((p): HtmlCell | null => {
        const r = v.rows.find((x) => x.result.property === p);
        if (!r) return null;
        let trace: string | undefined;
        if (r.result.trace) {
          trace = `t${traces.length}`;
          traces.push(traceData(r.result.trace, v.built, trace));
        }
        return {
          text: verdictCell(r.result),
          verdict: r.result.verdict,
          asExpected: asExpected(r),
          ...(r.expected ? { expected: r.expected } : {}),
          ...(trace ? { trace } : {}),
        };
      }),
    }));
    matrices.push({ spec: s.name, properties, rows });
  }
  return { title, matrices, traces };
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function matrixHtml(m: HtmlMatrix): string {
  const head = `<tr><th>variant</th>${m.properties.map((p) => `<th>${esc(p)}</th>`).join('')}</tr>`;
  const rows = m.rows.map((r) => {
    const cells = r.cells.map((c) => {
      if (!c) return '<td class="none">-</td>';
      const cls = `${c.verdict}${c.asExpected ? '' : ' surprise'}`;
      const text = c.trace ? `<a href="#${c.trace}">${esc(c.text)}</a>` : esc(c.text);
      const exp = c.asExpected ? '' : ` <span class="exp">(expected ${esc(c.expected ?? 'no verdict')})</span>`;
      return `<td class="${cls}">${text}${exp}</td>`;
    });
    return `<tr><th title="${esc(r.doc ?? '')}">${esc(r.variant)}</th>${cells.join('')}</tr>`;
  });
  return `<section class="spec"><h2>${esc(m.spec)}</h2><table class="matrix" data-spec="${esc(m.spec)}">${head}${rows.join('')}</table></section>`;
}

function traceHtml(t: HtmlTrace): string {
  const cols = t.actors.map((a) => `<th>${esc(a)}</th>`).join('');
  const steps = t.steps.map((st, i) => {
    const cells = t.actors.map((a) => {
      if (a !== st.actor) return '<td></td>';
      const changes = st.changes
        .map((c) => `<li><mark>${esc(c.field)}</mark>: ${esc(c.from)} -&gt; ${esc(c.to)}</li>`)
        .join('');
      return `<td class="act"><b>${esc(st.label)}</b>${st.kernel ? `<div class="kernel">(${esc(st.kernel)})</div>` : ''}<ul>${changes}</ul></td>`;
    });
    return `<tr class="step" data-step="${i + 1}"><th>${i + 1}</th>${cells.join('')}</tr>`;
  });
  const verdict = t.kind === 'witness' ? 'witness' : t.kind === 'cti' ? 'counterexample to induction' : 'counterexample';
  return `<section class="trace" id="${t.id}">
<h3>${esc(t.spec)} / ${esc(t.variant)} / ${esc(t.property)}: ${verdict}, ${t.steps.length} steps${t.expected ? ` (expected ${esc(t.expected)})` : ''}</h3>
<table class="race"><tr><th>#</th>${cols}</tr>${steps.join('')}</table>
<p class="ending">${esc(t.ending)}</p>
<div class="slider"><label>state after step <output>0</output> of ${t.steps.length}
<input type="range" min="0" max="${t.steps.length}" value="0" step="1"></label></div>
<table class="state"></table>
</section>`;
}

const CSS = `
body { font: 14px/1.4 monospace; margin: 1em 2em; color: #111; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; vertical-align: top; text-align: left; }
.matrix td.holds { background: #e6f4e6; } .matrix td.violated { background: #fbe3e3; }
.matrix td.unknown { background: #f4f0d8; } td.surprise { font-weight: bold; outline: 2px solid #c00; }
.race td.act ul { margin: 0; padding-left: 1.2em; } .kernel { color: #555; }
mark { background: #ffe066; } tr.step.later { opacity: .35; } tr.step.current { background: #eef4ff; }
.state tr.changed td { background: #ffe066; } .ending { font-weight: bold; }
`;

/** Shows the state after the slider's step; marks the fields that step changed. */
const SCRIPT = `
const data = JSON.parse(document.getElementById('mmcheck-data').textContent);
for (const t of data.traces) {
  const sec = document.getElementById(t.id);
  const range = sec.querySelector('input[type=range]');
  const shown = sec.querySelector('output');
  const table = sec.querySelector('table.state');
  const show = (k) => {
    const values = k === 0 ? t.initial : t.steps[k - 1].state;
    const changed = new Set(k === 0 ? [] : t.steps[k - 1].changes.map((c) => c.field));
    table.replaceChildren(...t.fields.map((f, i) => {
      const tr = document.createElement('tr');
      if (changed.has(f)) tr.className = 'changed';
      for (const text of [f, values[i]]) { const td = document.createElement('td'); td.textContent = text; tr.append(td); }
      return tr;
    }));
    shown.textContent = String(k);
    for (const row of sec.querySelectorAll('tr.step')) {
      const n = Number(row.dataset.step);
      row.classList.toggle('later', n > k);
      row.classList.toggle('current', n === k);
    }
  };
  range.addEventListener('input', () => show(Number(range.value)));
  show(Number(range.value));
}
`;

export function renderHtml(r: HtmlReport): string {
  // JSON inside <script>: no '<' at all, so no '</script>' can end it early.
  const json = JSON.stringify(r).replace(/</g, '\\u003c');
  const body = [
    `<h1>${esc(r.title)}</h1>`,
    ...r.matrices.map(matrixHtml),
    r.traces.length ? '<h2>Traces</h2>' : '',
    ...r.traces.map(traceHtml),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${esc(r.title)}</title><style>${CSS}</style></head>
<body>
${body}
<script type="application/json" id="mmcheck-data">${json}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

/** The page for these specs' results. */
export function htmlReport(specs: readonly HtmlSpecInput[], title?: string): string {
  return renderHtml(htmlReportData(specs, title));
}
