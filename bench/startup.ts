// Start-up: `npm run check lost-update` (37 states: the run itself is a few
// milliseconds, the rest is start-up), wall and CPU seconds, median of a few
// runs, beside what it is made of in the same run: Node alone, npm alone,
// and the CLI without npm, through mmcheck's own loader (bin/mmcheck.js)
// and through tsx (how it ran before), for the ratio.
//
// CPU is the children's user + system time from /proc/self/stat (Linux),
// so it counts every thread of the spawned processes, the loader's too.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface StartupRow {
  readonly what: string;
  readonly wall: number;
  readonly cpu: number | undefined;
}

const TICKS = 100; // USER_HZ on Linux

/** Seconds of CPU used by this process's waited-for children so far, when Linux says. */
function childCpu(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  // Fields after the command name (which may hold spaces): cutime, cstime are 16 and 17.
  const after = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(after[13]) + Number(after[14])) / TICKS;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time(cmd: string, args: string[], cwd: string, runs: number): { wall: number; cpu: number | undefined } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = childCpu();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const wall = (performance.now() - t0) / 1000;
    const c1 = childCpu();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    walls.push(wall);
    if (c0 !== undefined && c1 !== undefined) cpus.push(c1 - c0);
  }
  return { wall: median(walls), cpu: cpus.length ? median(cpus) : undefined };
}

export function measureStartup(root: string, runs = 7): StartupRow[] {
  const out = join(tmpdir(), `mmcheck-bench-startup-${process.pid}`);
  const cli = ['check', 'lost-update', '--quiet', '--out', out];
  // One untimed run fills the transform and type-check caches, as any second run finds them.
  time(process.execPath, [join(root, 'bin/mmcheck.js'), ...cli], root, 1);
  const rows: [string, string, string[]][] = [
    ['node -e 0 (Node alone)', process.execPath, ['-e', '0']],
    ['npm run env (npm alone)', 'npm', ['run', '--silent', 'env']],
    ['node --import tsx main.ts (before)', process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...cli]],
    ['node bin/mmcheck.js', process.execPath, [join(root, 'bin/mmcheck.js'), ...cli]],
    ['npm run check lost-update', 'npm', ['run', '--silent', 'check', '--', ...cli.slice(1)]],
  ];
  return rows.map(([what, cmd, args]) => ({ what, ...time(cmd, args, root, runs) }));
}

export function startupLines(rows: readonly StartupRow[]): string[] {
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2));
  const lines = [`start-up, lost-update (median of 7, load ${loadavg()[0]!.toFixed(1)})     wall s   CPU s`];
  for (const r of rows) lines.push(`  ${r.what.padEnd(48)} ${f(r.wall).padStart(6)}  ${f(r.cpu).padStart(6)}`);
  const before = rows.find((r) => r.what.includes('before'));
  const after = rows.find((r) => r.what === 'node bin/mmcheck.js');
  if (before && after && before.cpu && after.cpu)
    lines.push(`  own loader vs tsx: ${(after.wall / before.wall).toFixed(2)}x wall, ${(after.cpu / before.cpu).toFixed(2)}x CPU`);
  return lines;
}
