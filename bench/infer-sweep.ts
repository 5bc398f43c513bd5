// The --infer sweep (docs/kernel-induction.md, "Inference sweep"): for
// every kernel spec (specs/mm, device/ included) and variant, the explicit
// engine first (BFS: which always properties hold), then Houdini
// (src/symbolic/infer.ts) on those properties together, with no
// hand-written strengthening: the inductive-* properties of
// models/mm/inductive.ts are left out of the targets, so their conjuncts
// are no candidates. Per property: proven (ints), CTI (the transition that
// dropped its first conjunct), or unknown (a query timed out, or the run was
// blocked), with the run's CPU and wall seconds and queries (one Houdini run
// per variant serves all its properties: the figures are the run's).
//
//   npx tsx bench/infer-sweep.ts [spec-substring] [variant]
//   SWEEP_TIMEOUT_S=120 (per Z3 query, default 300)
//
// Not a test and not in npm test: it takes minutes per variant. Prints a
// markdown table, one row per property, as it goes.

import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import type { Spec } from '../src/spec/spec.ts';
import { explore } from '../src/explicit/explore.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { infer } from '../src/symbolic/infer.ts';

const root = resolve(import.meta.dirname, '..');
const [specFilter, variantFilter] = process.argv.slice(2);
const timeoutMs = Number(process.env.SWEEP_TIMEOUT_S ?? 300) * 1000;

function specFiles(): string[] {
  const dir = join(root, 'specs/mm');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  const dev = join(dir, 'device');
  files.push(...readdirSync(dev).filter((f) => f.endsWith('.ts')).map((f) => join(dev, f)));
  return files.sort().filter((f) => !specFilter || f.includes(specFilter));
}

const cpuSince = (c: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1e6;
};

console.log('| spec | variant | property | --infer | used | CPU s | wall s | queries | load |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const file of specFiles()) {
  const spec = ((await import(file)) as { default: Spec<any> }).default;
  for (const variant of Object.keys(spec.def.variants)) {
    if (variantFilter && variant !== variantFilter) continue;
    const name = spec.def.name;
    const row = (prop: string, what: string, used = '', c = '', w = '', q = '', l = '') =>
      console.log(`| ${name} | ${variant} | ${prop} | ${what} | ${used} | ${c} | ${w} | ${q} | ${l} |`);
    const built = spec.build(variant);
    let targets: string[];
    try {
      const bfs = await explore(built);
      targets = bfs.properties
        .filter((p) => p.kind === 'always' && p.verdict === 'holds' && !p.property.startsWith('inductive-'))
        .map((p) => p.property);
    } catch (e) {
      row('-', `BFS error: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (targets.length === 0) continue;
    const load = loadavg()[0]!.toFixed(1);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      const bounded = await symbolicSystem(built);
      const unbounded = await symbolicSystem(built, { unboundedInts: true });
      const r = await infer(bounded, unbounded, targets, { timeoutMs, solverSeconds: [] });
      const c = cpuSince(c0).toFixed(1);
      const w = ((performance.now() - t0) / 1000).toFixed(1);
      for (const t of targets) {
        const ok = r.proven.get(t);
        const used = ok ? String(ok.by.reduce((n, b) => n + (/^(\d+) more inferred conjuncts$/.exec(b) ? Number(/^\d+/.exec(b)![0]) : 1), 0)) : '';
        const cti = r.failed.get(t);
        const what = ok
          ? `proven (${ok.ints})`
          : r.unknown
            ? 'unknown (timeout)'
            : cti
              ? `CTI at ${cti.steps.map((s) => s.transition.label).join(', ')}`
              : 'unknown';
        row(t, what, used, c, w, String(r.queries), load);
      }
    } catch (e) {
      row(targets.join(', '), `error: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}
await disposeZ3();
process.exit(0);
