// Output plumbing, in process (fast): trace files (stale traces removed,
// unwritable directories reported as I/O errors and never looping), the
// progress line within 80 columns, the exit code and message of each kind
// of failure, and the DOT writers.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFailure, EXIT, IoError, UsageError } from '../src/cli/errors.ts';
import { progressText } from '../src/cli/progress.ts';
import { makeDir, writeVariantTraces } from '../src/cli/trace-files.ts';
import { explore } from '../src/explicit/explore.ts';
import { SpecError } from '../src/spec/errors.ts';
import { ValueRangeError } from '../src/state/codec.ts';
import { SchemaError } from '../src/spec/schema.ts';
import { ItfError } from '../src/report/itf.ts';
import { StateGraph, traceDot } from '../src/report/dot.ts';
import { TRACE_WRITERS } from '../src/report/trace-writers.ts';
import { specJson } from '../src/report/json.ts';
import peterson from '../specs/classic/peterson.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mmcheck-out-'));

describe('trace files', () => {
  it('a run replaces the traces an earlier run of the same engine left, and nothing else', async () => {
    const built = peterson.build('turn-first');
    const run = await explore(built);
    const out = tmp();
    const dir = join(out, 'peterson', 'turn-first');
    makeDir(dir);
    // A trace of a property that no longer fails, another engine's trace, a user's file.
    for (const f of ['Fixed.txt', 'Fixed.json', 'Fixed.dot', 'MutualExclusion.bmc.txt', 'notes.md']) writeFileSync(join(dir, f), 'x');
    const traces = run.properties.filter((p) => p.trace && p.trace.kind !== 'witness').map((p) => p.trace!);
    const files = writeVariantTraces(traces, built, run, { outDir: out, writers: TRACE_WRITERS, source: 'specs/classic/peterson.ts' });
    expect([...files.keys()]).toEqual(['MutualExclusion']);
    expect(readdirSync(dir).sort()).toEqual(['MutualExclusion.bmc.txt', 'MutualExclusion.dot', 'MutualExclusion.json', 'MutualExclusion.txt', 'notes.md']);
  });

  it('an unwritable directory is an IoError, and /proc does not make it loop', () => {
    expect(() => makeDir('/proc/cex/a/b')).toThrow(IoError);
    const file = join(tmp(), 'plain-file');
    writeFileSync(file, 'x');
    expect(() => makeDir(join(file, 'sub'))).toThrow(/cannot create directory .*plain-file\/sub: ENOTDIR/);
    expect(() => makeDir(file)).toThrow(/is not a directory/);
  });
});

describe('failures: exit code and message', () => {
  it('user errors share one base class: exit 2, the message alone', () => {
    for (const e of [new SpecError('bad spec'), new UsageError('bad flag'), new SchemaError('bad schema'), new ItfError('bad trace'), new ValueRangeError('x', 4, 'int(0..3)')]) {
      const d = describeFailure(e, false);
      expect(d.code, e.name).toBe(EXIT.usage);
      expect(d.text, e.name).toBe(`mmcheck: ${e.message}\n`);
    }
  });

  it('an I/O error exits 5', () => {
    expect(describeFailure(new IoError('cannot write x: EACCES'), false)).toEqual({ code: 5, text: 'mmcheck: I/O error: cannot write x: EACCES\n' });
  });

  it('anything else is a bug in mmcheck: exit 4, one line, the stack only with --debug', () => {
    const e = new TypeError("Cannot read properties of undefined (reading 'x')");
    const d = describeFailure(e, false);
    expect(d.code).toBe(EXIT.internal);
    expect(d.code).toBe(4);
    expect(d.text.trimEnd().split('\n')).toHaveLength(1);
    expect(d.text).toContain('this is a bug in mmcheck');
    expect(d.text).toContain('--debug');
    const withStack = describeFailure(e, true);
    expect(withStack.text).toContain(e.stack!.split('\n')[1]!);
  });
});

describe('progress line', () => {
  it('stays within 80 columns', () => {
    const p = { distinct: 12_345_678, generated: 99_999_999, depth: 123, queue: 1_234_567, seconds: 10, statesPerSecond: 1_234_567, rssBytes: 3.5 * 2 ** 30 };
    // The full wording is 108 columns here: the compact one is used.
    expect(progressText('peterson', 'turn-first', p)).toBe('peterson/turn-first: 12,345,678 st, d 123, q 1,234,567, 1,234,567/s, 3,584 MB');
    expect(progressText('lost-update', 'racy', { ...p, distinct: 5, queue: 1, statesPerSecond: 5, rssBytes: 2 ** 26 })).toBe(
      'checking lost-update / racy: 5 states, depth 123, queue 1, 5 states/s, 64 MB',
    );
    for (const [spec, variant] of [['fork-pin-cow-all', 'v5.19-no-wpseq'], ['a'.repeat(60), 'b'.repeat(30)]]) {
      expect(progressText(spec!, variant!, p).length).toBeLessThanOrEqual(78);
      expect(progressText(spec!, variant!, undefined).length).toBeLessThanOrEqual(78);
    }
  });
});

describe('Graphviz DOT', () => {
  it('a counterexample is a path of its states; --dump-graph draws the whole state space', async () => {
    const built = peterson.build('flag-only');
    const graph = new StateGraph(built);
    const run = await explore(built, { onTransition: (s, t, n) => graph.transition(s, t, n) });
    const trace = run.properties.find((p) => p.property === 'deadlockFree')!.trace!;
    const dot = traceDot(trace, built);
    expect(dot).toMatch(/^\/\/ mmcheck: spec peterson, variant flag-only, deadlockFree \(deadlock\)\ndigraph /);
    expect(dot.match(/ -> s\d+ /g)).toHaveLength(trace.steps.length);
    expect(dot).toMatch(/^[\x20-\x7e\n]*$/);
    // The explicit engine found 12 states; the graph has each once, and every transition.
    expect(run.stats.distinct).toBe(12);
    expect(graph.size).toBe(12);
    const g = graph.toDot();
    expect(g.match(/^ {2}n\d+ \[label=/gm)).toHaveLength(12);
    // Each state is expanded once, so every generated successor is one edge.
    expect(g.match(/^ {2}n\d+ -> n\d+ /gm)).toHaveLength(run.stats.generated - built.model.inits.length);
  });
});

describe('--json per engine', () => {
  it('a solver run reports its queries and no state counters of its own', async () => {
    const built = peterson.build('peterson');
    const search = await explore(built);
    const solverRun = {
      ...search,
      engine: 'bmc',
      method: 'bounded model checking',
      stats: { kind: 'solver' as const, depth: 7, seconds: 1.5, solverSeconds: [0.5, 1], peakRssBytes: 1 },
    };
    const outcome = (run: typeof search | typeof solverRun) => ({
      found: { spec: peterson, file: 'specs/classic/peterson.ts' },
      variants: [{ built, run, rows: run.properties.map((result) => ({ spec: 'peterson', variant: 'peterson', result, expected: built.expected.get(result.property), run })), files: new Map() }],
    });
    const s = specJson(outcome(solverRun)).stats.runs[0]!;
    expect(s).toMatchObject({ engine: 'bmc', distinctStates: 0, depth: 7, solverQueries: 2, solverSeconds: 1.5, traceError: null });
    const e = specJson(outcome(search)).stats.runs[0]!;
    expect(e).toMatchObject({ engine: 'explicit', distinctStates: 26, solverQueries: null, solverSeconds: null });
  });
});
