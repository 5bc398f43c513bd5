// vitest globalSetup (main process): with MMCHECK_TEST_CPU_LOG set (see
// test/support/watchdog.ts), the main process's own CPU seconds at the end
// of the run (transforming and serving the modules to the forks, the
// reporters), as a row named "(vitest main process)".

import { appendFileSync } from 'node:fs';

export default function setup(): () => void {
  return () => {
    const log = process.env.MMCHECK_TEST_CPU_LOG;
    if (!log) return;
    const { user, system } = process.cpuUsage();
    appendFileSync(log, `${((user + system) / 1e6).toFixed(2)}\t0.00\t${process.pid}\t(vitest main process)\n`);
  };
}
