// The symbolic engine's headline figures, printed by `npm run bench`:
//  - BMC finding the B4 counterexample (gup_fast racing fork, P13) in the
//    kernel design without write_protect_seq, with its minimal length;
//  - induction on a kernel spec (b4-gup-fast-fork, v5.11: every property,
//    CTIs where a property is not inductive by itself);
//  - an inductive proof for unbounded counts (reference accounting and
//    "pinned anon => exclusive") on the small mm-like model of
//    test/symbolic.test.ts, since the kernel model states no strengthening
//    invariants yet.
// Figures only: nothing here asserts a time.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { bmc } from '../src/symbolic/bmc.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const sec = (x: number) => `${x.toFixed(2)} s`;

const REFS = `
import { bool, int, model, record, spec } from '__API__';
export default spec({
  name: 'bench-refs',
  variants: { 'early-cow': { R: 4 } },
  model: ({ R }: { R: number }) => {
    const m = model(record({ ref: int(0, R), map: int(0, R), pins: int(0, R), excl: bool() }));
    m.init({ ref: 1, map: 1, pins: 0, excl: true });
    m.action('pin', { guard: (s) => s.excl && s.ref < R, apply: (s, n) => { n.pins = s.pins + 1; n.ref = s.ref + 1; } });
    m.action('unpin', { guard: (s) => s.pins > 0, apply: (s, n) => { n.pins = s.pins - 1; n.ref = s.ref - 1; } });
    m.action('forkShare', { guard: (s) => s.ref < R && s.pins === 0, apply: (s, n) => { n.map = s.map + 1; n.ref = s.ref + 1; n.excl = false; } });
    m.action('unmapOne', { guard: (s) => s.map > 1, apply: (s, n) => { n.map = s.map - 1; n.ref = s.ref - 1; } });
    m.action('reuse', { guard: (s) => s.map === 1 && s.ref === 1, apply: (_s, n) => { n.excl = true; } });
    m.always('RefAccounting', (s) => s.ref === s.map + s.pins);
    m.always('PinnedIsExclusive', (s) => s.pins === 0 || s.excl);
    return m;
  },
  expect: { '*': { RefAccounting: 'holds', PinnedIsExclusive: 'holds' } },
});
`;

export async function runSymbolicBench(): Promise<string[]> {
  const out: string[] = ['', 'symbolic engine (Z3 via z3-solver, wasm)'];
  try {
    const b4 = ((await import('../specs/mm/b4-gup-fast-fork.ts')) as { default: Spec<any> }).default;
    for (const variant of ['v5.19-no-wpseq', 'v5.8']) {
      const built = b4.build(variant);
      const t0 = performance.now();
      const sys = await symbolicSystem(built);
      const translate = (performance.now() - t0) / 1000;
      const solver: number[] = [];
      const r = await bmc(sys, 20, solver, new Set(['P13-gup-fast-vs-fork']));
      const p = r.results[0]!;
      const total = (performance.now() - t0) / 1000;
      out.push(
        `  BMC b4-gup-fast-fork ${variant} P13: ${p.verdict}, ${p.trace ? `${p.trace.steps.length}-step trace` : p.bound}; ` +
          `${sec(total)} (translate ${sec(translate)}, ${solver.length} queries, solver ${sec(sum(solver))}, max ${sec(Math.max(...solver))})`,
      );
    }

    const t1 = performance.now();
    const ind = await checkSymbolic(b4.build('v5.11'), { engine: 'induction', ints: 'bounded', depth: 12 });
    const proved = ind.properties.filter((p) => p.verdict === 'holds' && !/BMC/.test(p.bound ?? ''));
    const ctis = ind.properties.filter((p) => p.trace?.kind === 'cti').map((p) => p.property);
    out.push(
      `  induction b4-gup-fast-fork v5.11: ${sec((performance.now() - t1) / 1000)}, ${ind.stats.solverSeconds!.length} queries; ` +
        `proved ${proved.length}, CTI for ${ctis.length} (not inductive alone: ${ctis.join(', ')})`,
    );

    const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'mmcheck-symbolic-bench-'));
    writeFileSync(join(dir, 'spec.ts'), REFS.replaceAll('__API__', API));
    const refs = ((await import(join(dir, 'spec.ts'))) as { default: Spec<any> }).default;
    const t2 = performance.now();
    const r = await checkSymbolic(refs.build('early-cow'), { engine: 'induction' });
    const secs = r.stats.solverSeconds!;
    for (const p of r.properties.filter((q) => q.kind === 'always'))
      out.push(`  induction mm-like refcounts ${p.property}: ${p.verdict} (${p.bound})`);
    out.push(`    ${sec((performance.now() - t2) / 1000)}, ${secs.length} queries, solver ${sec(sum(secs))}`);
    rmSync(dir, { recursive: true, force: true });
  } catch (e) {
    out.push(`  symbolic bench failed: ${(e as Error).message}`);
  } finally {
    await disposeZ3();
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) for (const l of await runSymbolicBench()) console.log(l);
