// npm run bench: throughput of the explicit engine on the reference Counters
// model (and SPIN on the same model, in the same run, when installed), on the
// kernel specs, and the symbolic engine's headline queries. Not a test: it
// prints figures; nothing here asserts a time.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runSpinCounters, spinAvailable, peerModel } from './spin.ts';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_N ?? 7);
const K = Number(process.env.BENCH_K ?? 9);

interface Measured {
  spec: string;
  variant: string;
  distinct: number;
  generated: number;
  seconds: number;
  statesPerSecond: number;
  bytesPerState: number;
  peakRssBytes: number;
}

function measure(file: string, variant: string): Measured {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/measure-explicit.ts'), file, variant], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, BENCH_N: String(N), BENCH_K: String(K) },
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const line = (m: Measured) =>
  `${(m.spec + '/' + m.variant).padEnd(34)} ${fmt(m.distinct).padStart(11)} ${fmt(m.generated).padStart(11)} ` +
  `${fmt(m.seconds, 2).padStart(7)} ${fmt(m.statesPerSecond).padStart(10)} ${fmt(m.generated / m.seconds).padStart(11)} ` +
  `${fmt(m.bytesPerState, 1).padStart(6)} ${fmt(m.peakRssBytes / 2 ** 20).padStart(6)}`;

console.log(`mmcheck bench (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
console.log(
  `${'model'.padEnd(34)} ${'distinct'.padStart(11)} ${'generated'.padStart(11)} ${'sec'.padStart(7)} ` +
    `${'distinct/s'.padStart(10)} ${'trans/s'.padStart(11)} ${'B/st'.padStart(6)} ${'RSS MB'.padStart(6)}`,
);

const counters = measure(join(root, 'bench/counters-bench.ts'), 'bench');
console.log(line(counters));
const expectDistinct = (K + 1) ** N;
const expectGenerated = N * K * (K + 1) ** (N - 1) + 2;
if (counters.distinct !== expectDistinct || counters.generated !== expectGenerated)
  console.log(`  COUNT MISMATCH: expected ${expectDistinct} distinct, ${expectGenerated} generated`);

const kernelDir = join(root, 'specs/mm');
if (existsSync(kernelDir)) {
  for (const f of readdirSync(kernelDir).filter((f) => f.endsWith('.ts')).sort()) {
    const spec = (await import(join(kernelDir, f))).default;
    for (const v of spec.variants) console.log(line(measure(join(kernelDir, f), v)));
  }
}

console.log('');
if (spinAvailable() && peerModel()) {
  const spin = runSpinCounters(N, K);
  const spinRate = spin.stored / spin.seconds;
  console.log(
    `SPIN Counters N=${N} K=${K} (-O2 -DBFS -DSAFETY -DNOREDUCE): ${fmt(spin.stored)} stored, ` +
      `${fmt(spin.seconds, 2)} s, ${fmt(spinRate)} states/s, ${fmt((spin.memoryMB * 2 ** 20) / spin.stored, 1)} B/state`,
  );
  console.log(
    `ratio mmcheck/SPIN: ${fmt(counters.statesPerSecond / spinRate, 2)}x distinct states/s, ` +
      `${fmt((spin.memoryMB * 2 ** 20) / spin.stored / counters.bytesPerState, 2)}x less memory per state`,
  );
} else {
  console.log('SPIN not installed (apt-get install -y spin): no peer comparison in this run.');
}

const symbolicBench = join(root, 'bench/symbolic.ts');
if (existsSync(symbolicBench)) {
  const { runSymbolicBench } = await import(symbolicBench);
  console.log('');
  for (const l of await runSymbolicBench()) console.log(l);
}
process.exit(0);
