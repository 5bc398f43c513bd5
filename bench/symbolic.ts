// The symbolic engine's headline figures, printed by `npm run bench`:
//  - BMC finding the B4 counterexample (gup_fast racing fork, P13), with its
//    minimal length, in two designs without write_protect_seq;
//  - BMC of P6 on b4-gup-fast-fork v5.19-no-wpseq (its 6-step violation);
//  - induction proofs on kernel specs for unbounded counts: reference
//    accounting (P12) on b2-rdma-fork v5.19, strengthened by
//    inductive-refcounts, and "pinned anon => exclusive" (P6) on
//    b4-gup-fast-fork v5.19, strengthened by inductive-pin-exclusive
//    (models/mm/inductive.ts);
//  - the same with --infer instead of the hand-written strengthening (the
//    strengthenings are left out of the run, so they are no candidates),
//    and v5.19-no-wpseq as the negative control (never proven);
//  - the cone of influence of each property (leaves of 96, transitions),
//    which says how much slicing could save;
//  - the cross-check sweep npm test leaves out (every violating variant of
//    every kernel spec by BMC to its longest counterexample, every classic
//    variant of at most 2,000 states to its BFS depth): a disagreement with
//    the explicit engine is printed as DISAGREES and makes the bench exit 1.
// Figures only: nothing here asserts a time.

import { SpecError } from '../src/spec/errors.ts';
import { TEMPORAL_KINDS } from '../src/spec/model.ts';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { bmc } from '../src/symbolic/bmc.ts';
import { coverageText } from '../src/report/coverage.ts';
import { explore } from '../src/explicit/explore.ts';
import { readdirSync } from 'node:fs';
import type { BuiltModel } from '../src/spec/spec.ts';
import type { PropertyResult } from '../src/spec/results.ts';
import { coneOfInfluence } from '../src/symbolic/slicing.ts';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const sec = (x: number) => `${x.toFixed(2)} s`;
/** CPU seconds of this process, Z3's worker threads included (wall time is noisy on a shared machine). */
const cpu = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};

/** Conjuncts named in strengthenedBy (infer.ts names 8, then "N more inferred conjuncts"). */
function usedCount(by: readonly string[]): number {
  const more = /^(\d+) more inferred conjuncts$/.exec(by[by.length - 1] ?? '');
  return more ? by.length - 1 + Number(more[1]) : by.length;
}

/** How a symbolic verdict reads in the table. */
function outcome(p: PropertyResult): string {
  if (p.verdict === 'holds') return p.trace ? 'witness' : p.coverage.kind === 'inductive' ? `proven (${p.coverage.ints})` : 'holds';
  if (p.verdict === 'violated') return `violated (${p.trace?.steps.length}-step trace)`;
  return p.trace?.kind === 'cti' ? `CTI (${p.trace.property})` : 'unknown';
}

async function specNamed(file: string): Promise<Spec<any>> {
  return ((await import(`../specs/mm/${file}.ts`)) as { default: Spec<any> }).default;
}

export async function runSymbolicBench(): Promise<string[]> {
  const out: string[] = ['', 'symbolic engine (Z3 via z3-solver, wasm)'];
  try {
    const b4 = await specNamed('b4-gup-fast-fork');
    const bmcRows: [string, string][] = [
      ['v5.19-no-wpseq', 'P13-gup-fast-vs-fork'],
      ['v5.8', 'P13-gup-fast-vs-fork'],
      ['v5.19-no-wpseq', 'P6-pinned-is-exclusive'],
    ];
    for (const [variant, property] of bmcRows) {
      const built = b4.build(variant);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const sys = await symbolicSystem(built);
      const translate = (performance.now() - t0) / 1000;
      const solver: number[] = [];
      const r = await bmc(sys, 20, solver, new Set([property]));
      const p = r.results[0]!;
      const total = (performance.now() - t0) / 1000;
      out.push(
        `  BMC b4-gup-fast-fork ${variant} ${property.split('-')[0]}: ${p.verdict}, ${p.trace ? `${p.trace.steps.length}-step trace` : coverageText(p.coverage)}; ` +
          `${sec(total)} (CPU ${sec(cpu(c0))}, translate ${sec(translate)}, ${solver.length} queries, solver ${sec(sum(solver))}, max ${sec(Math.max(...solver))}, ${sys.enc.alg.bits}-bit)`,
      );
    }

    // The cone of influence per property: what slicing the transition relation could leave out.
    {
      const sys = await symbolicSystem(b4.build('v5.19'));
      const cones = sys.props
        .filter((p) => p.entry.kind === 'always')
        .map((p) => {
          const c = coneOfInfluence(sys, [p.holds, p.error]);
          return `${p.entry.name.split('-')[0]} ${c.leaves.length}`;
        });
      const e = coneOfInfluence(sys, [sys.error]);
      out.push(`  cone of influence, b4-gup-fast-fork v5.19 (leaves of ${sys.X.length}; every cone takes all ${sys.trans.length} transitions):`);
      out.push(`    ${cones.join(', ')}; spec errors ${e.leaves.length}`);
    }

    // [spec, variant, --invariant or 'infer', properties]
    const proofs: [string, string, string, string[]][] = [
      ['b2-rdma-fork', 'v5.19', 'inductive-pin-exclusive', ['P12-refcounts-exact']],
      ['b4-gup-fast-fork', 'v5.19', 'inductive-pin-exclusive', ['P6-pinned-is-exclusive']],
      // The --infer rows are bench/run.ts's 'infer' section: one child
      // process per spec (bench/infer-sweep.ts). Here, after the rows above
      // in the same Z3 context, b4's inference ran Z3's WebAssembly heap out
      // of its 2 GB.
    ];
    for (const [file, variant, how, targets] of proofs) {
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      const infer = how === 'infer';
      const r = await checkSymbolic((await specNamed(file)).build(variant), {
        engine: 'induction',
        ...(infer ? { infer: true } : { invariant: how }),
        ints: 'unbounded',
        depth: 1,
        properties: infer ? targets : [how, ...targets],
      });
      const secs = r.stats.solverSeconds;
      out.push(
        `  induction ${file} ${variant} ${infer ? '--infer' : `--invariant ${how}`}: ${sec((performance.now() - t1) / 1000)} ` +
          `(CPU ${sec(cpu(c1))}), ${secs.length} queries, solver ${sec(sum(secs))}, max ${sec(Math.max(...secs))}`,
      );
      for (const t of targets) {
        const p = r.properties.find((q) => q.property === t)!;
        const by = p.coverage.kind === 'inductive' ? usedCount(p.coverage.strengthenedBy) : 0;
        out.push(`    ${t}: ${outcome(p)}${by ? `, step used ${by} conjunct(s)` : ''}`);
      }
    }
    if (process.env.MMCHECK_BENCH_SWEEP !== '0') out.push(...(await sweep()));
  } catch (e) {
    out.push(`  symbolic bench failed: ${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    await disposeZ3();
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) for (const l of await runSymbolicBench()) console.log(l);

/** BMC against BFS: same violations with the same minimal lengths within k, nothing BFS proves violated. */
async function crossCheck(built: BuiltModel, k: number | undefined): Promise<string[]> {
  const ex = await explore(built, { maxStates: 2000 });
  if (ex.status !== 'complete') return [];
  const depth = k ?? (ex.stats.kind === 'search' ? ex.stats.depth : 0);
  const sym = await checkSymbolic(built, { engine: 'bmc', depth });
  const bad: string[] = [];
  // BMC does not check temporal properties (their counterexamples are lassos).
  for (const p of ex.properties.filter((q) => q.kind === 'deadlock' || !TEMPORAL_KINDS.has(q.kind))) {
    const s = sym.properties.find((q) => q.property === p.property);
    const what = `${built.spec.name}/${built.variant}/${p.property}`;
    if (!s) bad.push(`${what}: missing`);
    else if (p.trace && p.trace.steps.length <= depth) {
      if (s.verdict !== p.verdict || s.trace?.steps.length !== p.trace.steps.length)
        bad.push(`${what}: BFS ${p.verdict} in ${p.trace.steps.length}, BMC ${s.verdict} in ${s.trace?.steps.length}`);
    } else if (s.verdict !== 'unknown' && s.verdict !== p.verdict) bad.push(`${what}: BFS ${p.verdict}, BMC ${s.verdict}`);
  }
  return bad;
}

/** The full cross-check sweep (MMCHECK_BENCH_SWEEP=0 skips it). */
async function sweep(): Promise<string[]> {
  const out: string[] = [];
  const t0 = performance.now();
  let runs = 0;
  const bad: string[] = [];
  // A spec outside the modelling subset (coffee-can's `void`, the THP
  // model) is listed, not a reason to stop the sweep.
  const outside: string[] = [];
  const cross = async (sp: Spec<any>, v: string, depth: number | undefined): Promise<void> => {
    try {
      bad.push(...(await crossCheck(sp.build(v), depth)));
      runs++;
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      if (!outside.includes(sp.name)) outside.push(sp.name);
    }
  };
  for (const file of readdirSync(new URL('../specs/classic', import.meta.url)).filter((f) => f.endsWith('.ts')).sort()) {
    const sp = ((await import(`../specs/classic/${file}`)) as { default: Spec<any> }).default;
    for (const v of sp.variants) await cross(sp, v, undefined);
  }
  for (const file of readdirSync(new URL('../specs/mm', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.startsWith('fork-pin-cow-all')).sort()) {
    const sp = ((await import(`../specs/mm/${file}`)) as { default: Spec<any> }).default;
    for (const v of sp.variants) {
      const ex = await explore(sp.build(v));
      // A temporal property's counterexample is a lasso (no finite trace), which
      // BMC does not check.
      const lengths = ex.properties.flatMap((p) => (p.verdict === 'violated' && p.trace ? [p.trace.steps.length] : []));
      if (lengths.length === 0) continue;
      await cross(sp, v, Math.max(...lengths));
    }
  }
  out.push(`  cross-check sweep: ${runs} variants, BMC against BFS, ${sec((performance.now() - t0) / 1000)}`);
  if (outside.length) out.push(`    outside the symbolic subset, not cross-checked: ${outside.join(', ')}`);
  for (const b of bad) out.push(`    DISAGREES ${b}`);
  if (bad.length) process.exitCode = 1;
  return out;
}
