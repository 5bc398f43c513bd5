// Running the CLI as a user does, for the tests: a spawned process, its exit
// code and its output.

import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** node --import tsx src/cli/main.ts <args>, or another command with `cmd`. */
export function runCli(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; cmd?: readonly string[]; timeoutMs?: number } = {},
): Promise<Ran> {
  const [exe, ...pre] = opts.cmd ?? [process.execPath, '--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
  const t0 = performance.now();
  return new Promise((res, rej) => {
    const child = spawn(exe!, [...pre, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

const EMBEDDED = Symbol.for('mmcheck.cli.embedded');
let cliModule: Promise<typeof import('../../src/cli/main.ts')> | undefined;

/**
 * The same CLI run inside the test's own process: main() with the argv, its
 * stdout and stderr captured, and the exit code it would give. A spawned
 * process costs 1-2 s of CPU to start (tsx, the CLI's imports); this costs
 * nothing after the first call. Use runCli where the test needs a real
 * process: signals, bin/mmcheck.js, npm, the process's exit, or a run that
 * might loop for ever.
 *
 * Calls are queued, one at a time (the CLI has one output sink and one
 * working directory), so concurrent tests may call it too.
 */
export function runCliInProcess(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  const run = queue.then(() => runNow(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

let queue: Promise<unknown> = Promise.resolve();

async function runNow(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  (globalThis as { [k: symbol]: unknown })[EMBEDDED] = true;
  cliModule ??= import('../../src/cli/main.ts');
  const { main } = await cliModule;
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  const t0 = performance.now();
  let code: number;
  try {
    // INIT_CWD: where the CLI resolves relative paths (as under npm run).
    const env = { ...process.env, NO_COLOR: '1', INIT_CWD: opts.cwd ?? ROOT, ...opts.env };
    code = await main([process.execPath, 'mmcheck', ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), env });
  } finally {
    process.chdir(cwd);
  }
  return { code, stdout, stderr, ms: performance.now() - t0 };
}
