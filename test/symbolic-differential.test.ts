// Differential testing of the symbolic engines (issue 10): fast-check draws
// small specs from the modelling subset (a fixed schema with ints, a bool, an
// array and an optional; guards, applies and properties built from integer
// and boolean expressions, array methods, ?? and ?:, if/else, writes that
// may leave a declared range) and each is checked by the explicit engine,
// by BMC to the explicit engine's depth and by induction. The explicit
// engine is the truth: the others must give its verdict or 'unknown' (and a
// spec error where it reports one), and BMC's counterexamples must be as
// short as BFS's. npm test runs a few specs; `MMCHECK_DIFF_RUNS=200 npx
// vitest run test/symbolic-differential.test.ts` is the bigger sweep.

import { afterAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { bfs, expectAgrees, fixture, oneSpec, removeFixtures, symbolic } from './symbolic-harness.ts';

afterAll(async () => {
  await disposeZ3();
  removeFixtures();
});

// npm test: the first 3 specs of the fixed seed; CI's MMCHECK_PROOFS=1 run
// of this file (.ci/run): the first 6.
const RUNS = Number(process.env.MMCHECK_DIFF_RUNS ?? (process.env.MMCHECK_PROOFS === '1' ? 6 : 3));

const SCHEMA = 'x: int(0, 3), y: int(0, 3), b: bool(), a: array(int(0, 2), 2), o: optional(int(0, 2))';
const INIT = '{ x: 0, y: 1, b: false, a: [0, 2], o: null }';

const small = fc.integer({ min: 0, max: 3 });

const { int, bool } = fc.letrec<{ int: string; bool: string }>((tie) => ({
  int: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('s.x', 's.y', 's.a[0]', 's.a[1]', 's.a[s.x % 2]', '(s.o ?? 1)'),
    small.map(String),
    fc.tuple(tie('int'), tie('int')).map(([a, b]) => `(${a} + ${b})`),
    fc.tuple(tie('int'), tie('int')).map(([a, b]) => `(${a} - ${b})`),
    fc.tuple(tie('int'), tie('int')).map(([a, b]) => `Math.min(${a}, ${b})`),
    fc.tuple(tie('bool'), tie('int'), tie('int')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    small.map((c) => `s.a.filter((v) => v > ${c % 3}).length`),
    small.map((c) => `s.a.indexOf(${c % 3})`),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('s.b', 's.o === null', 's.o !== undefined'),
    fc.tuple(tie('int'), fc.constantFrom('<', '<=', '===', '!=='), tie('int')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('bool').map((b) => `!${b}`),
    fc.tuple(tie('bool'), fc.constantFrom('&&', '||'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    small.map((c) => `s.a.some((v) => v === ${c % 3})`),
    small.map((c) => `s.a.every((v) => v <= ${c})`),
    small.map((c) => `s.a.includes(${c % 3})`),
  ),
})) as { int: fc.Arbitrary<string>; bool: fc.Arbitrary<string> };

/** Writes keep to the declared ranges, except the rare unclamped one (the explicit engine then reports a spec error). */
const clamp = (e: string, hi: number) => `Math.max(0, Math.min(${hi}, ${e}))`;
const write: fc.Arbitrary<string> = fc.oneof(
  int.map((e) => `n.x = ${clamp(e, 3)};`),
  int.map((e) => `n.y = ${clamp(e, 3)};`),
  bool.map((e) => `n.b = ${e};`),
  fc.tuple(fc.constantFrom(0, 1), int).map(([i, e]) => `n.a[${i}] = ${clamp(e, 2)};`),
  fc.tuple(bool, int).map(([c, e]) => `n.o = ${c} ? null : ${clamp(e, 2)};`),
  int.map((e) => `n.x = ${e};`),
);
const stmt: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: write },
  { weight: 1, arbitrary: fc.tuple(bool, write, write).map(([c, a, b]) => `if (${c}) { ${a} } else { ${b} }`) },
);
const action = fc.tuple(fc.option(bool, { nil: undefined }), fc.array(stmt, { minLength: 1, maxLength: 3 }));

const specBody = fc
  .record({
    actions: fc.array(action, { minLength: 1, maxLength: 3 }),
    always: fc.array(bool, { minLength: 1, maxLength: 2 }),
    sometimes: bool,
  })
  .map(({ actions, always, sometimes }) =>
    [
      ...actions.map(
        ([g, body], i) => `m.action('a${i}', { ${g ? `guard: (s) => ${g}, ` : ''}apply: (s, n) => { ${body.join(' ')} } });`,
      ),
      ...always.map((p, i) => `m.always('P${i}', (s) => ${p});`),
      `m.sometimes('S0', (s) => ${sometimes});`,
    ].join('\n    '),
  );

let specs = 0;
let decided = 0;

describe('BFS, BMC and induction agree on generated specs', () => {
  test(`${RUNS} generated specs`, async () => {
    await fc.assert(
      fc.asyncProperty(specBody, async (body) => {
        const name = `gen-${specs++}`;
        const sp = await fixture({ 'spec.ts': oneSpec(name, SCHEMA, INIT, body) });
        const built = sp.build('v');
        const truth = await bfs(built);
        const depth = 'error' in truth ? 6 : (truth.result.stats as { depth: number }).depth;
        const bmc = await symbolic(built, { engine: 'bmc', depth, timeout: 30 });
        decided += expectAgrees(truth, bmc, `${name} bmc\n${body}`);
        if ('verdicts' in truth && 'verdicts' in bmc)
          for (const p of truth.result.properties) {
            const q = bmc.result.properties.find((r) => r.property === p.property)!;
            if (p.trace && q.trace && p.verdict === 'violated')
              expect(q.trace.steps.length, `${name} ${p.property}: minimal length\n${body}`).toBe(p.trace.steps.length);
          }
        const ind = await symbolic(built, { engine: 'induction', depth, timeout: 30 });
        decided += expectAgrees(truth, ind, `${name} induction\n${body}`);
      }),
      { numRuns: RUNS, seed: Number(process.env.MMCHECK_DIFF_SEED ?? 20261130), endOnFailure: true },
    );
    // Something was compared, not only unknowns and errors.
    expect(specs).toBe(RUNS);
    expect(decided).toBeGreaterThan(RUNS);
  }, 60_000 + RUNS * 30_000);
});
