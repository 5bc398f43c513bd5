// Transitions per second of the explicit engine on one kernel spec, all its
// variants in one process (as `npm run check <spec>` runs them, so the JIT
// warms up once): the "fork-pin-cow-all transitions/s" figure.
// Usage: tsx bench/kernel-rate.ts [spec file] [rounds]  -> JSON on stdout
// rounds > 1 repeats all variants; the last round is the warm figure.

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { explore } from '../src/explicit/explore.ts';
import type { Spec } from '../src/spec/spec.ts';

const file = resolve(process.argv[2] ?? 'specs/mm/fork-pin-cow-all.ts');
const rounds = Number(process.argv[3] ?? 1);
const spec = (await import(pathToFileURL(file).href)).default as Spec;
const load = loadavg()[0]!;
const out: { round: number; generated: number; distinct: number; seconds: number; cpuSeconds: number }[] = [];
for (let r = 1; r <= rounds; r++) {
  let generated = 0;
  let distinct = 0;
  let seconds = 0;
  const c0 = process.cpuUsage();
  for (const v of spec.variants) {
    const run = await explore(spec.build(v));
    generated += run.stats.generated;
    distinct += run.stats.distinct;
    seconds += run.stats.seconds + (run.stats.buildSeconds ?? 0);
  }
  const c = process.cpuUsage(c0);
  out.push({ round: r, generated, distinct, seconds, cpuSeconds: (c.user + c.system) / 1e6 });
}
process.stdout.write(JSON.stringify({ spec: spec.name, variants: spec.variants.length, load, rounds: out }) + '\n');
