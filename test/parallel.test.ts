// The parallel engine against the one-thread engine (itself checked against
// closed forms and TLC's counts): on each spec, the same distinct and
// generated counts, depth, verdicts and trace lengths, with two workers that
// really run (awaitWorkers: the coordinator does not explore alone first)
// and a store so small that it grows between levels. Each run starts two
// worker threads (~1 s each with tsx), so only a few small specs are here.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { explore } from '../src/explicit/explore.ts';
import { exploreParallel } from '../src/explicit/parallel/explore-parallel.ts';
import type { RunResult, SearchStats } from '../src/spec/results.ts';
import type { BuiltModel, Spec } from '../src/spec/spec.ts';
import type { Trace } from '../src/spec/results.ts';

const specFile = (rel: string) => fileURLToPath(new URL(`../specs/${rel}`, import.meta.url));

/** Re-executes a trace: from an initial state, each step enabled and leading to the state shown. */
function replayTrace(built: BuiltModel, t: Trace): void {
  expect(built.model.inits).toContainEqual(t.initial);
  let s = t.initial;
  t.steps.forEach((step, i) => {
    expect(step.transition.enabled(s), `step ${i + 1} (${step.transition.label}) enabled`).toBe(true);
    const n = structuredClone(s);
    step.transition.fire(s, n);
    expect(n, `state after step ${i + 1}`).toEqual(step.state);
    s = step.state;
  });
}

/** Everything a run must agree on, whichever engine ran it. */
const summary = (r: RunResult<SearchStats>) => ({
  status: r.status,
  distinct: r.stats.distinct,
  generated: r.stats.generated,
  depth: r.stats.depth,
  properties: r.properties.map((p) => [p.property, p.verdict, p.trace?.steps.length ?? null]),
});

const cases: [string, string, string][] = [
  ['classic/counters.ts', 'n4-k5', 'witness at depth 20, store growth'],
  ['classic/philosophers.ts', 'left-first-5', 'a deadlock'],
  ['mm/b4-gup-fast-fork.ts', 'v5.19-no-wpseq', 'a kernel spec with transition properties'],
];

describe('parallel engine (2 workers) equals the one-thread engine', () => {
  for (const [rel, variant, what] of cases) {
    it(`${rel} ${variant}: ${what}`, async () => {
      const file = specFile(rel);
      const spec = (await import(file)).default as Spec<any>;
      const one = await explore(spec.build(variant));
      const built = spec.build(variant);
      const par = await exploreParallel(built, { workers: 2, specFile: file, awaitWorkers: true, capacity: 64 });
      expect(summary(par)).toEqual(summary(one));
      // Every trace is a real path of the model: replayed step by step.
      for (const p of par.properties) if (p.trace) replayTrace(built, p.trace);
    }, 60_000);
  }

  // Blocks of reserved indices leave holes at the end of each level: forced
  // here (the default block is 1/16 of a level, 1 on specs this small).
  for (const [rel, variant] of [
    ['classic/counters.ts', 'n4-k5'],
    ['mm/b4-gup-fast-fork.ts', 'v5.19-no-wpseq'],
  ] as const)
    it(`${rel} ${variant} with blocks of 7 indices (holes in every level): as one thread`, async () => {
      const file = specFile(rel);
      const spec = (await import(file)).default as Spec<any>;
      const one = await explore(spec.build(variant));
      const built = spec.build(variant);
      const par = await exploreParallel(built, { workers: 2, specFile: file, awaitWorkers: true, capacity: 64, block: 7 });
      expect(summary(par)).toEqual(summary(one));
      for (const p of par.properties) if (p.trace) replayTrace(built, p.trace);
    }, 60_000);

  // Past the first 2,000 states, an unsampled state without transition
  // properties takes the batched path (expander.ts, expandBatched).
  it('bench/counters-bench.ts N=5 K=5 (7,776 states, most expanded in batches): as one thread', async () => {
    // Read when the spec module loads, here and in the worker (which copies
    // process.env when it starts); restored after, as test files share a process.
    const saved = [process.env.BENCH_N, process.env.BENCH_K];
    process.env.BENCH_N = '5';
    process.env.BENCH_K = '5';
    try {
      const file = fileURLToPath(new URL('../bench/counters-bench.ts', import.meta.url));
      const spec = (await import(file)).default as Spec<any>;
      const one = await explore(spec.build('bench'));
      expect(one.stats.distinct).toBe(6 ** 5);
      const built = spec.build('bench');
      const par = await exploreParallel(built, { workers: 2, specFile: file, awaitWorkers: true, capacity: 64 });
      expect(summary(par)).toEqual(summary(one));
      for (const p of par.properties) if (p.trace) replayTrace(built, p.trace);
    } finally {
      for (const [k, v] of [['BENCH_N', saved[0]], ['BENCH_K', saved[1]]] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  }, 60_000);

  it('classic/lost-update.ts racy under symmetry: counts, verdicts and trace lengths as one thread', async () => {
    const file = specFile('classic/lost-update.ts');
    const spec = (await import(file)).default as Spec<any>;
    const one = await explore(spec.build('racy'), { symmetry: true });
    // TLC's SYMMETRY counts (docs/performance.md): 21 distinct, 32 generated, depth 9.
    expect([one.stats.distinct, one.stats.generated, one.stats.depth]).toEqual([21, 32, 9]);
    const built = spec.build('racy');
    const par = await exploreParallel(built, { workers: 2, specFile: file, awaitWorkers: true, capacity: 8, symmetry: true });
    expect(summary(par)).toEqual(summary(one));
    for (const p of par.properties) if (p.trace) replayTrace(built, p.trace);
  }, 60_000);

  it('a spec that is not deterministic is a spec error, as with one thread', async () => {
    const file = fileURLToPath(new URL('./fixtures/specs/nondeterministic.ts', import.meta.url));
    const spec = (await import(file)).default as Spec<any>;
    const par = exploreParallel(spec.build('only'), { workers: 1, specFile: file });
    await expect(par).rejects.toThrow(/flip is not deterministic/);
  }, 60_000);

  it('limits: max-depth and max-states end the run as incomplete', async () => {
    const file = specFile('classic/counters.ts');
    const spec = (await import(file)).default as Spec<any>;
    const built = spec.build('n4-k5');
    const d = await exploreParallel(built, { workers: 1, specFile: file, maxDepth: 5 });
    const d1 = await explore(spec.build('n4-k5'), { maxDepth: 5 });
    expect(summary(d)).toEqual(summary(d1));
    const s = await exploreParallel(built, { workers: 1, specFile: file, maxStates: 100 });
    expect(s.status).toBe('incomplete');
    expect(s.limit).toEqual({ which: 'max-states', value: 100 });
    expect(s.properties.find((p) => p.property === 'Bounded')!.verdict).toBe('unknown');
  });
});
