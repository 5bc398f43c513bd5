// The watchdog thread of test/support/watchdog.ts, as source for
// new Worker(..., { eval: true, workerData: { file, budget } }): it kills its
// process with SIGKILL, naming the file and the rule, when the process is
// idle past the budget (seconds of wall time), has used the budget in CPU
// time, or is past four times the budget. On its own module so that a test
// can run it in a plain process (test/vitest-watchdog.test.ts).

export const WATCHDOG_THREAD = `
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
