// The symbolic engine's headline figures, printed by `npm run bench`:
//  - BMC finding the B4 counterexample (gup_fast racing fork, P13), with its
//    minimal length, in two designs without write_protect_seq;
//  - induction proofs on kernel specs for unbounded counts: reference
//    accounting (P12) on b2-rdma-fork v5.19, strengthened by
//    inductive-refcounts, and "pinned anon => exclusive" (P6) on
//    b4-gup-fast-fork v5.19, strengthened by inductive-pin-exclusive
//    (models/mm/inductive.ts).
// Figures only: nothing here asserts a time.

import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { bmc } from '../src/symbolic/bmc.ts';
import { coverageText } from '../src/report/coverage.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const sec = (x: number) => `${x.toFixed(2)} s`;

async function specNamed(file: string): Promise<Spec<any>> {
  return ((await import(`../specs/mm/${file}.ts`)) as { default: Spec<any> }).default;
}

export async function runSymbolicBench(): Promise<string[]> {
  const out: string[] = ['', 'symbolic engine (Z3 via z3-solver, wasm)'];
  try {
    const b4 = await specNamed('b4-gup-fast-fork');
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
        `  BMC b4-gup-fast-fork ${variant} P13: ${p.verdict}, ${p.trace ? `${p.trace.steps.length}-step trace` : coverageText(p.coverage)}; ` +
          `${sec(total)} (translate ${sec(translate)}, ${solver.length} queries, solver ${sec(sum(solver))}, max ${sec(Math.max(...solver))})`,
      );
    }

    const proofs: [string, string, string, string][] = [
      ['b2-rdma-fork', 'v5.19', 'inductive-refcounts', 'P12-refcounts-exact'],
      ['b4-gup-fast-fork', 'v5.19', 'inductive-pin-exclusive', 'P6-pinned-is-exclusive'],
    ];
    for (const [file, variant, invariant, target] of proofs) {
      const t1 = performance.now();
      const r = await checkSymbolic((await specNamed(file)).build(variant), { engine: 'induction', invariant, ints: 'unbounded', depth: 1 });
      const p = r.properties.find((q) => q.property === target)!;
      const secs = r.stats.solverSeconds;
      out.push(
        `  induction ${file} ${variant} ${target}: ${p.verdict} (${coverageText(p.coverage)}); ` +
          `${sec((performance.now() - t1) / 1000)}, ${secs.length} queries, solver ${sec(sum(secs))}, max ${sec(Math.max(...secs))}`,
      );
    }
  } catch (e) {
    out.push(`  symbolic bench failed: ${(e as Error).message}`);
  } finally {
    await disposeZ3();
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) for (const l of await runSymbolicBench()) console.log(l);
