// npm run bench: throughput of the explicit engine on the reference Counters
// model and on PaxosCommit (ported from tlaplus/Examples, TLC's counts
// checked), on the kernel specs, and the symbolic engine's headline queries;
// SPIN (when installed) and TLC (when TLC_JAR is set) on the same models in
// the same run, with the ratios. Not a test: it prints figures; nothing here
// asserts a time. Counts that differ from the closed form or from TLC's are
// printed as COUNT MISMATCH and make the exit code 1.
//
// The machine may be shared: every figure carries the 1-minute load average
// taken when its run started, and rates are given per wall second and per
// CPU second (user + system of the process that explored).
//
// BENCH_ONLY=startup,counters,paxos,liveness,kernel,kernel-rate,peers,symbolic,infer
// selects parts (default: all; kernel-rate is the fork-pin-cow-all line of
// kernel alone).

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { runSpinCounters, spinAvailable, peerModel } from './spin.ts';
import { runTlcCounters, runTlcPaxosCommit, tlcJar } from './tlc.ts';
import { TLC_COUNTS } from './paxos-commit.ts';
import { measureStartup, startupLines } from './startup.ts';

const root = resolve(import.meta.dirname, '..');
const N = Number(process.env.BENCH_N ?? 7);
const K = Number(process.env.BENCH_K ?? 9);
const only = process.env.BENCH_ONLY?.split(',');
const want = (part: string) => !only || only.includes(part);
let mismatches = 0;

interface Measured {
  spec: string;
  variant: string;
  distinct: number;
  generated: number;
  depth: number;
  seconds: number;
  buildSeconds?: number;
  cpuSeconds: number;
  statesPerSecond: number;
  bytesPerState: number;
  peakRssBytes: number;
  load: number;
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

const load = () => loadavg()[0]!.toFixed(1);
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
// 80 columns: model, distinct, sec, distinct/s, per CPU s, B/state, load.
const line = (m: Measured) =>
  `${(m.spec + '/' + m.variant).slice(0, 26).padEnd(26)} ${fmt(m.distinct).padStart(10)} ${fmt(m.seconds, 1).padStart(6)} ` +
  `${fmt(m.statesPerSecond).padStart(9)} ${fmt(m.distinct / m.cpuSeconds).padStart(9)} ` +
  `${fmt(m.bytesPerState, 1).padStart(5)} ${fmt(m.peakRssBytes / 2 ** 20).padStart(5)} ${fmt(m.load, 1).padStart(4)}`;

function checkCounts(what: string, m: { distinct: number; generated: number }, distinct: number, generated: number): void {
  if (m.distinct === distinct && m.generated === generated) return;
  mismatches++;
  console.log(`  COUNT MISMATCH ${what}: expected ${fmt(distinct)} distinct, ${fmt(generated)} generated`);
}

console.log(`mmcheck bench (node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${load()})\n`);
if (want('startup')) {
  for (const l of startupLines(measureStartup(root))) console.log(l);
  console.log('');
}

console.log(
  `${'model'.padEnd(26)} ${'distinct'.padStart(10)} ${'sec'.padStart(6)} ${'dist/s'.padStart(9)} ` +
    `${'/CPU s'.padStart(9)} ${'B/st'.padStart(5)} ${'RSS'.padStart(5)} ${'load'.padStart(4)}`,
);

let counters: Measured | undefined;
if (want('counters')) {
  counters = measure(join(root, 'bench/counters-bench.ts'), 'bench');
  console.log(line(counters));
  checkCounts(`Counters N=${N} K=${K}`, counters, (K + 1) ** N, N * K * (K + 1) ** (N - 1) + 2);
}
let paxos: Measured | undefined;
if (want('paxos')) {
  paxos = measure(join(root, 'bench/paxos-commit.ts'), 'tlc');
  console.log(line(paxos));
  checkCounts('PaxosCommit (TLC)', paxos, TLC_COUNTS.distinct, TLC_COUNTS.generated);
  if (paxos.depth !== TLC_COUNTS.depth) {
    mismatches++;
    console.log(`  DEPTH MISMATCH PaxosCommit: ${paxos.depth}, TLC ${TLC_COUNTS.depth}`);
  }
}

// Liveness: the same 1M-state model without and with a leads-to property
// under weak fairness (bench/counters-liveness.ts): the fair-cycle pass's
// cost in seconds and bytes/state (peak RSS) beside the safety-only run.
if (want('liveness')) {
  const file = join(root, 'bench/counters-liveness.ts');
  const safety = measure(file, 'safety');
  const live = measure(file, 'leads-to');
  console.log(line(safety));
  console.log(line(live));
  const rss = (m: Measured) => m.peakRssBytes / m.distinct;
  console.log(
    `  leads-to under WF: ${fmt(live.seconds / safety.seconds, 2)}x the safety run's seconds, ` +
      `${fmt(rss(live) / rss(safety), 2)}x its peak RSS per state`,
  );
  if (live.distinct !== safety.distinct) {
    mismatches++;
    console.log('  COUNT MISMATCH liveness: the two runs explored different graphs');
  }
}

const kernelDir = join(root, 'specs/mm');
if (want('kernel') && existsSync(kernelDir)) {
  for (const f of readdirSync(kernelDir).filter((f) => f.endsWith('.ts')).sort()) {
    const spec = (await import(join(kernelDir, f))).default;
    for (const v of spec.variants) console.log(line(measure(join(kernelDir, f), v)));
  }
}

// The kernel figure: fork-pin-cow-all's transitions per second, all
// variants in one process as `npm run check fork-pin-cow-all` runs them
// (bench/kernel-rate.ts), JIT warm-up included (round 1) and warm (round 3).
const forkPinAll = join(kernelDir, 'fork-pin-cow-all.ts');
if ((want('kernel') || want('kernel-rate')) && existsSync(forkPinAll)) {
  const l = load();
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/kernel-rate.ts'), forkPinAll, '3'], {
    cwd: root,
    encoding: 'utf8',
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as {
    variants: number;
    rounds: { generated: number; seconds: number; cpuSeconds: number }[];
  };
  const [first, , last] = r.rounds;
  console.log(
    `fork-pin-cow-all, ${r.variants} variants in one process, load ${l}: ${fmt(first!.generated)} transitions;\n` +
      `  round 1: ${fmt(first!.generated / first!.seconds)}/s wall, ${fmt(first!.generated / first!.cpuSeconds)}/CPU s; ` +
      `round 3: ${fmt(last!.generated / last!.seconds)}/s wall, ${fmt(last!.generated / last!.cpuSeconds)}/CPU s`,
  );
}

/** Ratio of mmcheck's rate to a peer's, per wall second and per CPU second. */
function ratios(m: Measured, peerDistinct: number, peerSeconds: number, peerCpu?: number): string {
  const wall = m.statesPerSecond / (peerDistinct / peerSeconds);
  const cpu = peerCpu ? m.distinct / m.cpuSeconds / (peerDistinct / peerCpu) : undefined;
  return `${fmt(wall, 2)}x per wall s` + (cpu ? `, ${fmt(cpu, 2)}x per CPU s` : '');
}

if (want('peers')) {
  console.log('');
  if (counters && spinAvailable() && peerModel()) {
    const l = load();
    const spin = runSpinCounters(N, K);
    console.log(
      `SPIN Counters N=${N} K=${K} (-O2 -DBFS -DSAFETY -DNOREDUCE), load ${l}: ${fmt(spin.stored)} stored, ` +
        `${fmt(spin.seconds, 2)} s` + (spin.cpuSeconds ? ` (CPU ${fmt(spin.cpuSeconds, 2)} s)` : '') +
        `, ${fmt((spin.memoryMB * 2 ** 20) / spin.stored, 1)} B/state`,
    );
    checkCounts('SPIN Counters', { distinct: spin.stored, generated: spin.transitions }, counters.distinct, counters.generated);
    console.log(
      `  mmcheck/SPIN: ${ratios(counters, spin.stored, spin.seconds, spin.cpuSeconds)}; ` +
        `${fmt((spin.memoryMB * 2 ** 20) / spin.stored / counters.bytesPerState, 2)}x less memory per state`,
    );
  } else console.log('SPIN not run (not installed: apt-get install -y spin, or Counters skipped).');

  if (tlcJar()) {
    if (counters) {
      const l = load();
      const tlc = runTlcCounters(N, K);
      if (tlc) {
        console.log(
          `TLC Counters N=${N} K=${K} (1 worker), load ${l}: ${fmt(tlc.distinct)} distinct, ${fmt(tlc.generated)} generated, ` +
            `${fmt(tlc.seconds, 2)} s` + (tlc.cpuSeconds ? ` (CPU ${fmt(tlc.cpuSeconds, 2)} s)` : ''),
        );
        checkCounts('TLC Counters', tlc, counters.distinct, counters.generated);
        console.log(`  mmcheck/TLC: ${ratios(counters, tlc.distinct, tlc.seconds, tlc.cpuSeconds)}`);
      }
    }
    if (paxos) {
      const l = load();
      const tlc = runTlcPaxosCommit();
      if (!tlc) console.log('TLC PaxosCommit skipped: set TLC_MODELS to a directory with PaxosCommit.tla/.cfg and TCommit.tla.');
      else {
        console.log(
          `TLC PaxosCommit (1 worker), load ${l}: ${fmt(tlc.distinct)} distinct, ${fmt(tlc.generated)} generated, ` +
            `${fmt(tlc.seconds, 2)} s` + (tlc.cpuSeconds ? ` (CPU ${fmt(tlc.cpuSeconds, 2)} s)` : ''),
        );
        checkCounts('TLC PaxosCommit', tlc, paxos.distinct, paxos.generated);
        // TLC's time includes parsing; compare with mmcheck's build + exploration.
        const withBuild = { ...paxos, statesPerSecond: paxos.distinct / (paxos.seconds + (paxos.buildSeconds ?? 0)) };
        console.log(`  mmcheck/TLC: ${ratios(withBuild, tlc.distinct, tlc.seconds, tlc.cpuSeconds)}`);
      }
    }
  } else console.log('TLC not run: set TLC_JAR to a tla2tools.jar (never committed).');
}

const symbolicBench = join(root, 'bench/symbolic.ts');
if (want('symbolic') && existsSync(symbolicBench)) {
  const { runSymbolicBench } = await import(symbolicBench);
  console.log('');
  for (const l of await runSymbolicBench()) console.log(l);
}
// Proofs with no hand-written strengthening (--infer), per kernel property:
// proven / CTI / unknown, CPU and wall seconds, queries. One variant per
// spec (the current design, v5.19) keeps this to minutes; the whole sweep
// is `npx tsx bench/infer-sweep.ts` (docs/kernel-induction.md).
if (want('infer')) {
  console.log('\n--infer on the kernel specs (v5.19; no hand-written strengthening)');
  for (const spec of ['b0-', 'b2-', 'b4-', 'b5-']) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'bench/infer-sweep.ts'), spec, 'v5.19'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const rows = out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| spec'));
    for (const r of rows) console.log(r);
  }
}
process.exit(mismatches ? 1 : 0);
