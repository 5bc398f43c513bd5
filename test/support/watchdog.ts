// A per-file time budget enforced from outside the test's own thread.
//
// vitest's testTimeout is a timer on the test file's main thread. When that
// thread is blocked (Z3's WebAssembly threads wait with Atomics.wait; a spec
// loops for ever) no timer fires and the file, and with it `npm test`, hangs
// for ever with an idle CPU. So every test file gets a watchdog thread that,
// once the file has used its budget, says which file and kills the file's
// process: vitest then reports that file as failed and goes on with the rest
// (pool 'forks', isolate: each file has its own process).

import { Worker } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

/** Seconds one test file may take; MMCHECK_TEST_FILE_BUDGET_S overrides it. */
export const FILE_BUDGET_S = Number(process.env.MMCHECK_TEST_FILE_BUDGET_S) || 300;

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
setTimeout(() => {
  writeSync(2, '\\nwatchdog: ' + workerData.file + ' used its ' + workerData.budget +
    ' s budget (MMCHECK_TEST_FILE_BUDGET_S); killing its process\\n');
  process.kill(process.pid, 'SIGKILL');
}, workerData.budget * 1000);
`;

beforeAll((suite) => {
  const file = (suite as { filepath?: string }).filepath ?? 'a test file';
  // unref: the watchdog never keeps a finished file's process alive.
  new Worker(WATCHDOG, { eval: true, workerData: { file, budget: FILE_BUDGET_S } }).unref();
});

// MMCHECK_TEST_CPU_LOG=<file>: each file appends its process's CPU seconds
// (user + system, Z3's threads included; processes it spawned are not), to
// see where the suite's time goes on a machine too busy for wall-clock
// figures to mean much.
afterAll((suite) => {
  const log = process.env.MMCHECK_TEST_CPU_LOG;
  if (!log) return;
  const { user, system } = process.cpuUsage();
  const file = (suite as { filepath?: string }).filepath ?? 'a test file';
  appendFileSync(log, `${((user + system) / 1e6).toFixed(2)}\t${file}\n`);
});
