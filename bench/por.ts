// The --por gate and its figures: every spec and variant in specs/ (or the
// specs named as arguments) explored without and with partial-order
// reduction (bench/por-compare.ts). Prints, per variant, the distinct and
// generated counts of both runs, how many states were expanded with an
// ample set, and whether --por applied (and why not); exits 1 on any
// verdict that differs, any reduced trace that does not replay, or more
// states with --por than without. .ci/run runs it after `npm run check`.
//
//   npx tsx bench/por.ts                 # every spec
//   npx tsx bench/por.ts lost-update b4-gup-fast-fork

import { join, resolve } from 'node:path';
import { discoverSpecs } from '../src/cli/discover.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { comparePor } from './por-compare.ts';

const root = resolve(import.meta.dirname, '..');
const names = process.argv.slice(2);
const found = (await discoverSpecs(join(root, 'specs'), root)).filter((f) => names.length === 0 || names.includes(f.spec.name));
if (names.length && found.length === 0) {
  console.error(`no spec named ${names.join(', ')} in specs/`);
  process.exit(2);
}

const n = (x: number) => x.toLocaleString('en-US');
let failed = 0;
let variants = 0;
const sums = { full: 0, por: 0 };
console.log('spec / variant                        states: full -> --por   generated   ample');
for (const { spec } of found) {
  for (const v of spec.variants) {
    variants++;
    const t0 = performance.now();
    const c = await comparePor(spec, v);
    const s = (performance.now() - t0) / 1000;
    const full = c.full.stats;
    const por = c.por.stats;
    sums.full += full.distinct;
    sums.por += por.distinct;
    const pct = full.distinct ? ((100 * (full.distinct - por.distinct)) / full.distinct).toFixed(0) : '0';
    const name = `${spec.name} / ${v}`.padEnd(36).slice(0, 36);
    const ample = c.por.partialOrder ? `${n(c.por.partialOrder.reduced)}` : '-';
    console.log(`${name} ${n(full.distinct).padStart(8)} -> ${n(por.distinct).padStart(7)} (-${pct}%) ${n(full.generated).padStart(7)} -> ${n(por.generated)}  ${ample}  ${s.toFixed(1)} s`);
    if (!c.por.partialOrder) console.log(`    not reduced: ${c.por.method.replace(/^.*--por: /, '').replace(/\)$/, '')}`);
    for (const p of c.problems) {
      failed++;
      console.log(`    MISMATCH ${p}`);
    }
  }
}
console.log(`${variants} variants; ${n(sums.full)} states without --por, ${n(sums.por)} with; ${failed} mismatches`);
await disposeZ3();
process.exit(failed ? 1 : 0);
