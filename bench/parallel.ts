// npm run bench:parallel: the parallel engine with 1 and 2 workers against
// the one-thread explicit engine, on Counters (BENCH_N, BENCH_K; default
// N=7, K=9: 10,000,000 states) and PaxosCommit (TLC's counts). Each run is
// a fresh process (bench/measure-explicit.ts). Wall seconds are the
// process's, worker start-up and model build included; CPU seconds are the
// process's user + system time, every thread's. Distinct, generated and
// depth must be equal across the three; a difference is printed as
// MISMATCH and makes the exit code 1. Not a test: nothing asserts a time.
//
// BENCH_PARALLEL_ONLY=counters,paxos selects models; BENCH_ROUNDS=n repeats
// the three runs n times, interleaved, so a change in the machine's load
// hits each configuration alike (the figures are per round, then medians).

import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { TLC_COUNTS } from './paxos-commit.ts';

const root = resolve(import.meta.dirname, '..');
const only = process.env.BENCH_PARALLEL_ONLY?.split(',');
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);

interface Run {
  distinct: number;
  generated: number;
  depth: number;
  status: string;
  wall: number;
  cpuSeconds: number;
  load: number;
}

function measure(file: string, variant: string, workers?: number): Run {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/measure-explicit.ts'), file, variant, ...(workers ? [String(workers)] : [])],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const wall = (performance.now() - t0) / 1000;
  return { ...JSON.parse(out.trim().split('\n').pop()!), wall };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const CONFIGS: [string, number | undefined][] = [
  ['explicit (one thread)', undefined],
  ['parallel, 1 worker', 1],
  ['parallel, 2 workers', 2],
];

let mismatches = 0;
const models: [string, string, string, { distinct: number; generated: number } | undefined][] = [
  ['counters', join(root, 'bench/counters-bench.ts'), 'bench', undefined],
  ['paxos', join(root, 'bench/paxos-commit.ts'), 'tlc', TLC_COUNTS],
];
console.log(`parallel engine (node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${f(loadavg()[0]!)})`);
for (const [name, file, variant, peer] of models) {
  if (only && !only.includes(name)) continue;
  const runs: Run[][] = CONFIGS.map(() => []);
  for (let r = 0; r < rounds; r++) CONFIGS.forEach(([, w], i) => runs[i]!.push(measure(file, variant, w)));
  console.log(`\n${name === 'counters' ? `Counters N=${process.env.BENCH_N ?? 7} K=${process.env.BENCH_K ?? 9}` : 'PaxosCommit'}`);
  console.log(`  ${'engine'.padEnd(24)} ${'distinct'.padStart(11)} ${'generated'.padStart(12)} ${'wall s'.padStart(7)} ${'CPU s'.padStart(7)} ${'load'.padStart(5)}`);
  const first = runs[0]![0]!;
  CONFIGS.forEach(([what], i) => {
    for (const m of runs[i]!) {
      console.log(`  ${what.padEnd(24)} ${f(m.distinct, 0).padStart(11)} ${f(m.generated, 0).padStart(12)} ${f(m.wall, 2).padStart(7)} ${f(m.cpuSeconds, 2).padStart(7)} ${f(m.load).padStart(5)}`);
      const want = peer ?? first;
      if (m.distinct !== want.distinct || m.generated !== want.generated || m.depth !== first.depth || m.status !== 'complete') {
        mismatches++;
        console.log(`  MISMATCH: ${m.status}, depth ${m.depth}; expected ${f(want.distinct, 0)} / ${f(want.generated, 0)}, depth ${first.depth}`);
      }
    }
  });
  const wall = runs.map((rs) => median(rs.map((m) => m.wall)));
  const cpu = runs.map((rs) => median(rs.map((m) => m.cpuSeconds)));
  console.log(`  2 workers vs 1 worker: ${f(wall[1]! / wall[2]!, 2)}x wall, ${f(cpu[2]! / cpu[1]!, 2)}x the CPU`);
  console.log(`  2 workers vs one thread: ${f(wall[0]! / wall[2]!, 2)}x wall, ${f(cpu[2]! / cpu[0]!, 2)}x the CPU`);
}
process.exit(mismatches ? 1 : 0);
