// `npm test` on a busy machine: what "busy" means for the promise that the
// suite takes under 3 minutes on a busy 2-core machine (README, issue 11).
//
// Busy, as defined here: two CPU hogs (`node -e 'for(;;){}'`), one per core
// of a 2-core machine, run beside the suite for its whole run, on top of
// whatever else the machine does (the load before the run is printed, so a
// reader can tell the two apart). The script starts the hogs, runs
// `npm test` (vitest run), stops the hogs, and prints the suite's wall time,
// its CPU time (user + system of every process it started, from
// /proc/self/stat: the forks, the CLI runs they spawn, Z3's threads) and the
// load average during the run; then the files that used the most CPU (the
// suite's MMCHECK_TEST_CPU_LOG, test/support/watchdog.ts).
//
//   npx tsx bench/test-under-load.ts [--hogs N] [--runs N] [-- vitest args]
//
// --hogs 0 measures an idle run. Linux only (/proc).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const TICKS = 100; // USER_HZ on Linux

interface Options {
  hogs: number;
  runs: number;
  vitestArgs: string[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { hogs: 2, runs: 1, vitestArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      opts.vitestArgs = argv.slice(i + 1);
      break;
    }
    const n = Number(argv[i + 1]);
    if ((a === '--hogs' || a === '--runs') && Number.isInteger(n) && n >= 0) {
      opts[a === '--hogs' ? 'hogs' : 'runs'] = n;
      i++;
    } else {
      process.stderr.write(`test-under-load: unknown or bad argument '${a}'\n` +
        'usage: npx tsx bench/test-under-load.ts [--hogs N] [--runs N] [-- vitest args]\n');
      process.exit(2);
    }
  }
  opts.runs = Math.max(1, opts.runs);
  return opts;
}

/** CPU seconds of this process's waited-for children (and theirs) so far. */
function childrenCpu(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // cutime and cstime: fields 16 and 17 of proc(5), 13 and 14 after the name.
  return (Number(fields[13]) + Number(fields[14])) / TICKS;
}

interface Run {
  code: number | null;
  wall: number;
  cpu: number;
  loadBefore: number;
  loadMean: number;
  loadMax: number;
  summary: string[];
  perFile: [number, string][];
}

async function runSuite(opts: Options): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'mmcheck-test-load-'));
  const cpuLog = join(scratch, 'cpu.log');
  const loadBefore = loadavg()[0]!;
  const hogs = Array.from({ length: opts.hogs }, () =>
    spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(loadavg()[0]!), 5000);
  const c0 = childrenCpu();
  const t0 = performance.now();
  let out = '';
  const code = await new Promise<number | null>((res, rej) => {
    const child = spawn('npm', ['test', '--', ...opts.vitestArgs], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', MMCHECK_TEST_CPU_LOG: cpuLog },
    });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', rej);
    child.on('close', res);
  });
  const wall = (performance.now() - t0) / 1000;
  // Before the hogs are reaped: their CPU must not count as the suite's.
  const cpu = childrenCpu() - c0;
  clearInterval(sampler);
  for (const h of hogs) h.kill('SIGKILL');
  await Promise.all(hogs.map((h) => new Promise((r) => (h.exitCode !== null || h.signalCode !== null ? r(0) : h.on('exit', r)))));
  const summary = out.split('\n').filter((l) => /^\s*(Test Files|Tests|Duration)\s/.test(l)).map((l) => l.trim());
  let perFile: [number, string][] = [];
  try {
    perFile = readFileSync(cpuLog, 'utf8').split('\n').filter(Boolean).map((l) => {
      const f = l.split('\t');
      return [Number(f[0]) + Number(f[1]), f[f.length - 1]!.replace(/.*\/test\//, 'test/')] as [number, string];
    });
  } catch {
    // No log: the suite did not get far enough to write one.
  }
  rmSync(scratch, { recursive: true, force: true });
  if (code !== 0) process.stdout.write(out.split('\n').filter((l) => /FAIL|failed|Error/.test(l)).slice(0, 20).join('\n') + '\n');
  return {
    code, wall, cpu, loadBefore,
    loadMean: loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : loadBefore,
    loadMax: Math.max(loadBefore, ...loads),
    summary, perFile,
  };
}

const opts = parseArgs(process.argv.slice(2));
if (!readFileSync('/proc/self/stat', 'utf8')) throw new Error('needs Linux /proc');
console.log(`npm test beside ${opts.hogs} CPU hog(s) (node -e 'for(;;){}'), ${cpus().length} cores`);
for (let i = 1; i <= opts.runs; i++) {
  const r = await runSuite(opts);
  console.log(`run ${i}: exit ${r.code}, wall ${r.wall.toFixed(1)} s, CPU ${r.cpu.toFixed(1)} s (user+sys, children)`);
  console.log(`  1-min load: ${r.loadBefore.toFixed(1)} before, ${r.loadMean.toFixed(1)} mean, ${r.loadMax.toFixed(1)} max during`);
  for (const l of r.summary) console.log(`  ${l.slice(0, 76)}`);
  const top = [...r.perFile].sort((a, b) => b[0] - a[0]).slice(0, 8);
  const sum = r.perFile.reduce((a, [c]) => a + c, 0);
  if (top.length) {
    console.log(`  CPU by file (with its CLI runs): ${sum.toFixed(1)} s in ${r.perFile.length} files; most:`);
    for (const [c, f] of top) console.log(`    ${c.toFixed(1).padStart(6)} s  ${f.slice(0, 64)}`);
  }
}
