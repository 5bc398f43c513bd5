// The report layer: race diagrams (ASCII, < 80 columns, columns per actor,
// the changed fields), ITF traces (encoding, round trip), verdict tables.

import { describe, expect, it } from 'vitest';
import { array, bool, domain, int, model, optional, record, ref, spec, thread, enumOf } from '../src/index.ts';
import { explore } from '../src/explicit/explore.ts';
import type { RunResult, Trace } from '../src/spec/results.ts';
import { renderRaceDiagram } from '../src/report/race-diagram.ts';
import { decodeItf, ItfError, toItf } from '../src/report/itf.ts';
import { tlcClosingLines, verdictMatrix, type VerdictRow } from '../src/report/tables.ts';
import { wrap, wrapValue } from '../src/report/text.ts';
import peterson from '../specs/classic/peterson.ts';

const mailable = (text: string): void => {
  for (const line of text.split('\n')) {
    expect(line.length, line).toBeLessThan(80);
    expect(line, 'ASCII only').toMatch(/^[\x20-\x7e]*$/);
  }
};

async function traceOf(s: typeof peterson, variant: string, property: string) {
  const built = s.build(variant);
  const run = await explore(built);
  const r = run.properties.find((p) => p.property === property)!;
  return { built, run, trace: r.trace! };
}

describe('race diagram', () => {
  it('shows the Peterson turn-first violation as two columns with the changed fields', async () => {
    const { built, run, trace } = await traceOf(peterson, 'turn-first', 'MutualExclusion');
    const text = renderRaceDiagram(trace, built, run);
    mailable(text);
    expect(text).toContain('mmcheck: spec peterson, variant turn-first');
    expect(text).toContain('property: MutualExclusion (always)');
    expect(text).toContain('never both processes in the critical section');
    expect(text).toContain('verdict: violated, expected violated');
    expect(text).toContain('bounds: 2 processes');
    expect(text).toContain('trace: 6 steps, a shortest counterexample');
    expect(text).toContain('Initial state:\n  flag: {p0: false, p1: false}\n  turn: p0\n');
    // Column headers in order of first appearance, p1's steps indented to the second column.
    const header = text.split('\n').find((l) => l.includes('proc[p0]') && l.includes('proc[p1]'))!;
    const col2 = header.indexOf('proc[p1]');
    expect(header.indexOf('proc[p0]')).toBeLessThan(col2);
    const step2 = text.split('\n').find((l) => /^ {2}2 /.test(l))!;
    expect(step2.indexOf('turn')).toBe(col2);
    expect(text).toContain('turn: p0 -> p1');
    expect(text).toContain('flag[p1]: false -> true');
    expect(text).toContain('proc[p0].pc: wait -> cs');
    expect(text.trimEnd().endsWith('MutualExclusion fails (never both processes in the critical\n  section).')).toBe(true);
  });

  it('ends a deadlock trace with "no transition is enabled"', async () => {
    const { built, run, trace } = await traceOf(peterson, 'flag-only', 'deadlockFree');
    const text = renderRaceDiagram(trace, built, run);
    mailable(text);
    expect(text).toMatch(/After step 2, no transition is enabled/);
    expect(text).toContain('deadlock (deadlockFree fails)');
  });

  const Cpu = domain('Cpu', ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4']);
  const wide = spec({
    name: 'wide',
    variants: { five: {} },
    model: () => {
      const m = model(record({ n: int(0, 5), owner: optional(ref(Cpu)), t: array(thread(['go']), Cpu) }));
      m.init({ n: 0, owner: null, t: [0, 1, 2, 3, 4].map(() => ({ pc: 'go' as const })) });
      m.thread('worker', {
        instances: Cpu,
        at: (s, self) => s.t[self]!,
        steps: {
          go: {
            kernel: 'mm/some/very/long/path/in/the/kernel/tree/file-with-a-long-name.c: a_function_with_a_very_long_name_indeed',
            apply: (s, n, { self }) => {
              n.n = s.n + 1;
              n.owner = self;
            },
          },
        },
      });
      m.always('FewerThanFive', (s) => s.n < 5, { doc: 'at most four workers ever run' });
      return m;
    },
    expect: { '*': { FewerThanFive: 'violated' } },
    deadlock: false,
  });

  it('folds more than four actors into one column naming each actor, and wraps long names', async () => {
    const { built, run, trace } = await traceOf(wide as any, 'five', 'FewerThanFive');
    const text = renderRaceDiagram(trace, built, run);
    mailable(text);
    expect(trace.steps).toHaveLength(5);
    for (const cpu of Cpu.names) expect(text).toMatch(new RegExp(`^ +\\d+ +worker\\[${cpu}\\]: go$`, 'm'));
    expect(text).toContain('owner: - -> cpu0');
    expect(text).toContain('n: 4 -> 5');
    expect(text).toContain('a_function_with_a_very_long_name_indeed');
  });

  it('ends an action-property trace with the step that violates it', async () => {
    const monotone = spec({
      name: 'monotone',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 3) }));
        m.init({ x: 0 });
        m.action('up', { guard: (s) => s.x < 2, apply: (s, n) => { n.x = s.x + 1; }, actor: 'cpu0' });
        m.action('reset', { guard: (s) => s.x === 2, apply: (_s, n) => { n.x = 0; }, actor: 'cpu1', kernel: 'mm/x.c: reset_x' });
        m.transition('NeverDown', (s, n) => n.x >= s.x, { doc: 'x never decreases' });
        return m;
      },
      expect: { '*': { NeverDown: 'violated' } },
    });
    const { built, run, trace } = await traceOf(monotone as any, 'v', 'NeverDown');
    const text = renderRaceDiagram(trace, built, run);
    mailable(text);
    expect(trace.steps.map((s) => s.transition.label)).toEqual(['up', 'up', 'reset']);
    expect(text).toContain('(mm/x.c: reset_x)');
    expect(text).toContain('x: 2 -> 0');
    expect(text.trimEnd().endsWith('Step 3 violates NeverDown (x never decreases).')).toBe(true);
  });

  it('renders a counterexample to induction as state 0 and one step', async () => {
    const { built, run } = await traceOf(peterson, 'turn-first', 'MutualExclusion');
    const tr = built.transitions.find((t) => t.label === 'proc[p0].wait')!;
    const s0 = { flag: [true, true], turn: 0, proc: [{ pc: 'wait' }, { pc: 'cs' }] };
    const s1 = { flag: [true, true], turn: 0, proc: [{ pc: 'cs' }, { pc: 'cs' }] };
    const cti: Trace = { kind: 'cti', property: 'MutualExclusion', initial: s0, steps: [{ transition: tr, state: s1 }] };
    const text = renderRaceDiagram(cti, built, { ...run, engine: 'induction' } as RunResult);
    mailable(text);
    expect(text).toContain('State 0 (satisfies MutualExclusion; not necessarily reachable):');
    expect(text).toContain('counterexample to induction');
    expect(text.replace(/\s+/g, ' ')).toContain('MutualExclusion is not inductive.');
  });

  it('is deterministic and replaces non-ASCII text', async () => {
    const { built, run, trace } = await traceOf(peterson, 'turn-first', 'MutualExclusion');
    expect(renderRaceDiagram(trace, built, run)).toBe(renderRaceDiagram(trace, built, run));
    expect(wrap('a \u2014 b \u2192 c \u00e9', 78)).toEqual(['a -- b -> c ?']);
  });
});

describe('text wrapping', () => {
  it('never exceeds the width, and prefers breaks after commas in values', () => {
    const v = 'phil: {Phil0: {pc: takeFirst}, Phil1: {pc: takeFirst}, Phil2: {pc: takeFirst}, Phil3: {pc: x}}';
    const lines = wrapValue(v, 40, 4);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toBe(v);
    for (const l of lines) expect(l).not.toMatch(/\{pc:$/);
    for (const l of wrap('x'.repeat(100), 30, 2)) expect(l.length).toBeLessThanOrEqual(30);
  });
});

describe('ITF', () => {
  const Page = domain('Page', 2);
  const Mode = enumOf('none', 'ro', 'rw');
  const schema = record({
    n: int(-2, 5),
    ok: bool(),
    mode: Mode,
    page: optional(ref(Page)),
    pins: array(int(0, 3), Page),
    pte: record({ state: Mode, page: optional(ref(Page)) }),
  });
  const sp = spec({
    name: 'itf-shapes',
    variants: { v: {} },
    model: () => {
      const m = model(schema);
      m.init({ n: -2, ok: false, mode: 'none', page: null, pins: [0, 0], pte: { state: 'none', page: null } });
      m.action('map', {
        params: { p: Page },
        guard: (s) => s.page === null,
        apply: (s, n, { p }) => {
          n.page = p;
          n.pins[p] = 3;
          n.n = s.n + 7;
          n.ok = true;
          n.mode = 'rw';
          n.pte.state = 'ro';
          n.pte.page = p;
        },
        kernel: 'mm/memory.c: do_anonymous_page',
        actor: 'fault',
      });
      m.always('Unmapped', (s) => s.page === null);
      return m;
    },
    expect: { '*': { Unmapped: 'violated' } },
    deadlock: false,
  });

  it('encodes ints as #bigint, refs by element name, optionals as Some/None, arrays as lists', async () => {
    const built = sp.build('v');
    const run = await explore(built);
    const trace = run.properties[0]!.trace!;
    const itf = toItf(trace, built, 'test/report.test.ts');
    const json = JSON.parse(JSON.stringify(itf));
    expect(json['#meta']).toMatchObject({
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'test/report.test.ts',
      spec: 'itf-shapes',
      variant: 'v',
      property: 'Unmapped',
      kind: 'violation',
    });
    expect(json.vars).toEqual(['n', 'ok', 'mode', 'page', 'pins', 'pte']);
    expect(json.states).toHaveLength(2);
    expect(json.states[0]).toEqual({
      '#meta': { index: 0 },
      n: { '#bigint': '-2' },
      ok: false,
      mode: 'none',
      page: { tag: 'None', value: { '#tup': [] } },
      pins: [{ '#bigint': '0' }, { '#bigint': '0' }],
      pte: { state: 'none', page: { tag: 'None', value: { '#tup': [] } } },
    });
    expect(json.states[1]).toEqual({
      '#meta': {
        index: 1,
        action: 'map(p=Page0)',
        actionName: 'map',
        actor: 'fault',
        kernel: 'mm/memory.c: do_anonymous_page',
        params: { p: 'Page0' },
      },
      n: { '#bigint': '5' },
      ok: true,
      mode: 'rw',
      page: { tag: 'Some', value: 'Page0' },
      pins: [{ '#bigint': '3' }, { '#bigint': '0' }],
      pte: { state: 'ro', page: { tag: 'Some', value: 'Page0' } },
    });
    // And back: the reader gives the engine's states.
    const back = decodeItf(json, built.model.schema);
    expect(back.header).toEqual({ source: 'test/report.test.ts', spec: 'itf-shapes', variant: 'v', property: 'Unmapped', kind: 'violation' });
    expect(back.states).toEqual([trace.initial, trace.steps[0]!.state]);
    expect(back.actions).toEqual([undefined, 'map(p=Page0)']);
  });

  it('rejects documents that are not mmcheck ITF traces, naming what is wrong', () => {
    const s = sp.build('v').model.schema;
    expect(() => decodeItf([], s)).toThrow(ItfError);
    expect(() => decodeItf({ states: [] }, s)).toThrow(/#meta/);
    const meta = { spec: 'x', variant: 'v', property: 'P', kind: 'violation' };
    expect(() => decodeItf({ '#meta': meta, states: [] }, s)).toThrow(/no "states"/);
    expect(() => decodeItf({ '#meta': { ...meta, kind: 'odd' }, states: [{}] }, s)).toThrow(/kind/);
    const good = { n: { '#bigint': '1' }, ok: true, mode: 'ro', page: { tag: 'Some', value: 'Page1' }, pins: [{ '#bigint': '0' }, { '#bigint': '0' }], pte: { state: 'none', page: { tag: 'None', value: { '#tup': [] } } } };
    expect(decodeItf({ '#meta': meta, states: [good] }, s).states[0]).toMatchObject({ n: 1, page: 1 });
    expect(() => decodeItf({ '#meta': meta, states: [{ ...good, page: { tag: 'Some', value: 'Page7' } }] }, s)).toThrow(/'Page7' is not an element of Page/);
    expect(() => decodeItf({ '#meta': meta, states: [{ ...good, n: 'one' }] }, s)).toThrow(/state 0.n/);
    const { pte: _, ...noPte } = good;
    expect(() => decodeItf({ '#meta': meta, states: [noPte] }, s)).toThrow(/pte is missing/);
    expect(() => decodeItf({ '#meta': meta, states: [good, good] }, s)).toThrow(/state 1 does not name the action/);
  });
});

describe('tables', () => {
  it('prints TLC closing lines', () => {
    expect(tlcClosingLines({ generated: 302, distinct: 125, queue: 0, depth: 13 })).toBe(
      '302 states generated, 125 distinct states found, 0 states left on queue.\n' +
        'The depth of the complete state graph search is 13.\n',
    );
  });

  it('prints the verdict matrix in markdown with surprises in bold, and the plain verdict table', async () => {
    const rows: VerdictRow[] = [];
    for (const v of peterson.variants) {
      const built = peterson.build(v);
      const run = await explore(built);
      for (const result of run.properties)
        rows.push({ spec: 'peterson', variant: v, result, expected: v === 'peterson' && result.property === 'CanEnter' ? 'violated' : built.expected.get(result.property), run });
    }
    const md = verdictMatrix('peterson', rows);
    mailable(md);
    expect(md).toContain(
      [
        '| property        | peterson  | turn-first | flag-only |',
        '|-----------------|-----------|------------|-----------|',
        '| MutualExclusion | holds     | 6 steps    | holds     |',
        '| CanEnter        | **holds** | holds      | holds     |',
        '| deadlockFree    | holds     | holds      | 2 steps   |',
        '| states          | 26        | 50         | 12        |',
      ].join('\n'),
    );
    expect(md).toContain('1 verdict(s) not as expected');
  });
});

describe('race diagrams of three or more columns stay paste-ready in 80 columns', () => {
  /** Every step's lines (label, kernel note, changed fields) start at or right of its label's column. */
  const columnsKept = (text: string): void => {
    let col = -1;
    for (const line of text.split('\n')) {
      const step = /^ {0,2}\d+ +(\S)/.exec(line);
      if (step) col = line.indexOf(step[1]!, 4);
      else if (col >= 0 && line.trim() && !/^\S/.test(line) && line.search(/\S/) < col)
        expect.fail(`a line left of its step's column ${col}: '${line}'`);
      if (line === '') col = -1;
    }
  };

  it('b4-gup-fast-fork v5.7 P3 and b5-ro-pin v5.11 P4: no list under another column, no doubled brackets, no mid-name wrap', async () => {
    const b4 = (await import('../specs/mm/b4-gup-fast-fork.ts')).default;
    const b5 = (await import('../specs/mm/b5-ro-pin.ts')).default;
    for (const [s, v, p] of [
      [b4, 'v5.7', 'P3-rw-pin-stable'],
      [b5, 'v5.11', 'P4-ro-pin-coherent'],
    ] as const) {
      const built = s.build(v);
      const run = await explore(built);
      const trace = run.properties.find((x) => x.property === p)!.trace!;
      expect(new Set(trace.steps.map((st) => st.transition.actor)).size, p).toBeGreaterThanOrEqual(3);
      const text = renderRaceDiagram(trace, built, run);
      mailable(text);
      columnsKept(text);
      expect(text).not.toContain('((');
      // A kernel note is never broken inside "(file: function)".
      expect(text).not.toMatch(/\([^()\n]*:\n/);
    }
  });
});
