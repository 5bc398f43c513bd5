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
