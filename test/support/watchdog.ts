// A per-file time budget enforced from outside the test's own thread.
//
// vitest's testTimeout is a timer on the test file's main thread. When that
// thread is blocked (Z3's WebAssembly threads wait with Atomics.wait; a spec
// loops for ever) no timer fires and the file, and with it `npm test`, hangs
// for ever. So every test file gets a watchdog thread that kills the file's
// process (vitest then reports that file as failed and goes on with the
// rest: pool 'forks', isolate, so each file has its own process) when
//   - it is hung: past its budget of wall time and idle (under 5% of a core
//     over the last seconds: a blocked thread, a wedged query), or
//   - it spins: it used its budget in CPU time (a loop that never ends), or
//   - it is past four times its budget, whatever it does.
// A file that is merely slow because the machine is busy is working (it
// gets its share of the CPU), so it is not killed at the budget: on a 2-core
// machine shared with a dozen processes a file of 30 CPU seconds takes
// minutes, which is no hang.

import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll } from 'vitest';

/** Seconds one test file may take; MMCHECK_TEST_FILE_BUDGET_S overrides it. */
export const FILE_BUDGET_S = Number(process.env.MMCHECK_TEST_FILE_BUDGET_S) || 300;

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { file, budget } = workerData;
// The process's CPU time since this file started (its fork's start-up and a
// file before it in the same process are not this file's).
const cpu0 = process.cpuUsage();
const cpu = () => { const u = process.cpuUsage(cpu0); return (u.user + u.system) / 1e6; };
const t0 = Date.now();
const window = Math.min(10, budget);
const samples = [];
const kill = (why) => {
  writeSync(2, '\\nwatchdog: ' + file + ' used its ' + budget + ' s budget (MMCHECK_TEST_FILE_BUDGET_S) ' + why +
    '; killing its process\\n');
  process.kill(process.pid, 'SIGKILL');
};
setInterval(() => {
  const wall = (Date.now() - t0) / 1000;
  const used = cpu();
  samples.push([wall, used]);
  // Keep the newest sample at least a window old: dropping every sample
  // older than the window left less than a window of history (the timer
  // runs late), so a hung file was never seen idle, only killed at 4x.
  while (samples.length > 1 && samples[1][0] <= wall - window) samples.shift();
  const [w0, c0] = samples[0];
  const idle = wall - w0 >= window * 0.9 && (used - c0) < 0.05 * (wall - w0);
  if (used >= budget) kill('of CPU time (it spins)');
  else if (wall >= budget && idle) kill('and is idle (hung)');
  else if (wall >= 4 * budget) kill('four times over');
}, 500);
`;

// Where this file's CPU time starts: here, before the test file is imported
// (vitest runs the setup files again before each test file, also in a
// process that runs several files one after another).
const require = createRequire(import.meta.url);
const cpuAtStart = process.cpuUsage();
const childrenCpuAtStart = childrenCpuSeconds();
let watchdog: Worker | undefined;

beforeAll((suite) => {
  const file = (suite as { filepath?: string }).filepath ?? 'a test file';
  // unref: the watchdog never keeps a finished file's process alive.
  watchdog = new Worker(WATCHDOG, { eval: true, workerData: { file, budget: FILE_BUDGET_S } });
  watchdog.unref();
});

// MMCHECK_TEST_CPU_LOG=<file>: each file appends its CPU seconds (user +
// system, Z3's threads included) and those of the processes it spawned (the
// CLI runs, a nested vitest), to see where the suite's time goes on a
// machine too busy for wall-clock figures to mean much.
afterAll(async (suite) => {
  // A process that runs the next file too must not keep this file's Z3:
  // the next file gets a fresh context, as in a process of its own (a query
  // aborted here would leave a shared one unusable).
  if (Object.keys(require.cache).some((m) => m.includes('/node_modules/z3-solver/'))) {
    const { disposeZ3 } = await import('../../src/symbolic/z3.ts');
    await disposeZ3();
  }
  // Nor this file's watchdog, which would judge the next file by this one's
  // start. (Ended last: it still guards the disposal above.)
  await watchdog?.terminate();
  const log = process.env.MMCHECK_TEST_CPU_LOG;
  if (!log) return;
  const { user, system } = process.cpuUsage(cpuAtStart);
  const file = (suite as { filepath?: string }).filepath ?? 'a test file';
  if (file.includes('/test/fixtures/')) return; // a nested run's fixture (vitest-watchdog.test.ts)
  const children = childrenCpuSeconds() - childrenCpuAtStart;
  appendFileSync(log, `${((user + system) / 1e6).toFixed(2)}\t${children.toFixed(2)}\t${process.pid}\t${file}\n`);
});

/**
 * CPU seconds of the processes this one spawned and has waited for (the CLI
 * runs, a nested vitest): cutime + cstime of /proc/self/stat. 0 where there
 * is no /proc.
 */
function childrenCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), counted from field 3 here;
    // in clock ticks, 100 a second on Linux.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}
