// npm test must never hang: a test file whose thread is blocked for ever
// (where vitest's own timeouts cannot fire) is killed after its budget and
// fails, as is one that spins for ever (after its budget of CPU time), and
// the other files still run and pass. Runs vitest on three fixture files
// with a 1 s budget (the spinning one burns that much CPU before it dies).

import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

it('a blocked and a spinning test file are killed and fail; the other file passes; the run ends', async () => {
  // Without VITEST* variables the nested run behaves as a fresh `npm test`.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/vitest-watchdog/vitest.config.ts'],
    // Its own process group: on a timeout the nested run's forks are killed
    // with it. Killing only its main process left the spinning fixture's
    // fork orphaned, spinning on after npm test had ended (seen under load 20).
    { cwd: ROOT, env: { ...env, MMCHECK_TEST_FILE_BUDGET_S: '1', NO_COLOR: '1', CI: '1' }, detached: true },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  // Before the watchdog this run never ended: kill it and fail with what it
  // printed. Generous: on a 2-core machine under load 20 the spinning
  // fixture needs most of a minute of wall time to use its 1 s of CPU.
  const hung = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 180_000);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearTimeout(hung);
  // Which rule fires first (idle, CPU time, four times the budget) depends on
  // how busy the machine is; that one does is what matters.
  expect(out, out).toMatch(/watchdog: \S*blocked\.fixture\.ts used its 1 s budget/);
  expect(out, out).toMatch(/watchdog: \S*spinning\.fixture\.ts used its 1 s budget/);
  expect(out, out).toMatch(/fine\.fixture\.ts/);
  expect(out, out).toMatch(/Test Files .*1 passed \(3\)/);
  expect(code, out).toBe(1);
}, 200_000);
