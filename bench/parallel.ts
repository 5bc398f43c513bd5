// npm run bench:parallel: the parallel engine with 1 and 2 workers against
// the one-thread explicit engine, on Counters (BENCH_N, BENCH_K; default
// N=7, K=9: 10,000,000 states) and PaxosCommit (TLC's counts). Each run is
// a fresh process (this file with --child). Wall seconds are the process's,
// worker start-up and model build included; CPU seconds are the process's
// user + system time, every thread's, from before the model is built (so
// the workers' start-up is in). Distinct, generated and depth must be equal
// across the three; a difference is printed as MISMATCH and makes the exit
// code 1. Not a test: nothing asserts a time.
//
// Per parallel run also: "wait", the share of the threads' time in the
// levels spent at the level barrier (waiting for the other thread's last
// chunk, and for the messages that end and start a level), "grow" the
// seconds the coordinator spent growing the store between runs (the other
// threads idle, not counted as waiting), and each
// thread's own CPU seconds (coordinator first; /proc/thread-self/stat).
//
// BENCH_PARALLEL_ONLY=counters,paxos selects models; BENCH_ROUNDS=n repeats
// the three runs n times, interleaved, so a change in the machine's load
// hits each configuration alike (the figures are per round, then medians).
// BENCH_CONFIGS=0,2 selects configurations (0: one thread, 1: 1 worker,
// 2: 2 workers).

import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');

interface Run {
  distinct: number;
  generated: number;
  depth: number;
  status: string;
  wall: number;
  cpuSeconds: number;
  load: number;
  timing?: { levels: number; threads: number; levelMs: number; busyMs: number; waitMs: number; growMs: number; threadCpuMs: number[] };
}

if (process.argv[2] === '--child') {
  const [file, variant, workers] = process.argv.slice(3);
  const { explore } = await import('../src/explicit/explore.ts');
  const { exploreParallel } = await import('../src/explicit/parallel/explore-parallel.ts');
  const spec = (await import(pathToFileURL(resolve(file!)).href)).default;
  const load = loadavg()[0]!;
  const c0 = process.cpuUsage();
  const built = spec.build(variant!);
  const timing = { levels: 0, threads: 0, levelMs: 0, busyMs: 0, waitMs: 0, growMs: 0, threadCpuMs: [] as number[] };
  const run = workers
    ? await exploreParallel(built, { workers: Number(workers), specFile: resolve(file!), timing })
    : await explore(built);
  const c = process.cpuUsage(c0);
  const out = { status: run.status, ...run.stats, cpuSeconds: (c.user + c.system) / 1e6, load, timing: workers ? timing : undefined };
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}

const { TLC_COUNTS } = await import('./paxos-commit.ts');
const only = process.env.BENCH_PARALLEL_ONLY?.split(',');
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);

function measure(file: string, variant: string, workers?: number): Run {
  const t0 = performance.now();
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/parallel.ts'), '--child', file, variant, ...(workers ? [String(workers)] : [])],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const wall = (performance.now() - t0) / 1000;
  return { ...JSON.parse(out.trim().split('\n').pop()!), wall };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const ALL: [string, number | undefined][] = [
  ['explicit (one thread)', undefined],
  ['parallel, 1 worker', 1],
  ['parallel, 2 workers', 2],
];
const picked = process.env.BENCH_CONFIGS?.split(',').map(Number) ?? [0, 1, 2];
const CONFIGS = ALL.filter((_, i) => picked.includes(i));

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
  console.log(`  ${'engine'.padEnd(22)} ${'distinct'.padStart(10)} ${'wall s'.padStart(6)} ${'CPU s'.padStart(6)} ${'load'.padStart(5)} ${'wait'.padStart(5)} ${'grow'.padStart(5)}  thread CPU s`);
  const first = runs[0]![0]!;
  CONFIGS.forEach(([what], i) => {
    for (const m of runs[i]!) {
      const t = m.timing;
      const wait = t ? `${f((100 * t.waitMs) / Math.max(t.waitMs + t.busyMs, 1e-9))}%` : '';
      const grow = t ? f(t.growMs / 1000, 2) : '';
      const threads = t ? t.threadCpuMs.map((ms) => f(ms / 1000, 2)).join(' ') : '';
      console.log(
        `  ${what.padEnd(22)} ${f(m.distinct, 0).padStart(10)} ${f(m.wall, 1).padStart(6)} ${f(m.cpuSeconds, 2).padStart(6)} ${f(m.load).padStart(5)} ${wait.padStart(5)} ${grow.padStart(5)}  ${threads}`,
      );
      const want = peer ?? first;
      if (m.distinct !== want.distinct || m.generated !== want.generated || m.depth !== first.depth || m.status !== 'complete') {
        mismatches++;
        console.log(`  MISMATCH: ${m.status}, ${f(m.distinct, 0)} / ${f(m.generated, 0)}, depth ${m.depth}; expected ${f(want.distinct, 0)} / ${f(want.generated, 0)}, depth ${first.depth}`);
      }
    }
  });
  console.log(`  (${f(first.distinct, 0)} distinct, ${f(first.generated, 0)} generated, depth ${first.depth})`);
  const byWorkers = (w: number | undefined) => CONFIGS.findIndex(([, x]) => x === w);
  const [one, w1, w2] = [byWorkers(undefined), byWorkers(1), byWorkers(2)];
  const wall = runs.map((rs) => median(rs.map((m) => m.wall)));
  const cpu = runs.map((rs) => median(rs.map((m) => m.cpuSeconds)));
  if (w1 >= 0 && w2 >= 0) console.log(`  2 workers vs 1 worker: ${f(wall[w1]! / wall[w2]!, 2)}x wall, ${f(cpu[w2]! / cpu[w1]!, 2)}x the CPU`);
  if (one >= 0 && w2 >= 0) console.log(`  2 workers vs one thread: ${f(wall[one]! / wall[w2]!, 2)}x wall, ${f(cpu[w2]! / cpu[one]!, 2)}x the CPU`);
}
process.exit(mismatches ? 1 : 0);
