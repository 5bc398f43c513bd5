// Start-up: `npm run check lost-update` (37 states: the run itself is a few
// milliseconds, the rest is start-up), wall and CPU seconds, median of a few
// runs, beside what it is made of in the same run: Node alone, npm alone,
// and the CLI without npm: bundled with the V8 code cache (how it runs),
// bundled without it (MMCHECK_CODE_CACHE=0), and from the sources through
// mmcheck's module hooks (MMCHECK_BUNDLE=0, as --debug runs), for the ratios.
//
// CPU is the children's user + system time from /proc/self/stat (Linux),
// so it counts every thread of the spawned processes; Linux counts it in
// ticks of 10 ms, so a median of several runs is what to read.
//
// `npx tsx bench/startup.ts [runs]` runs this section alone.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
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

interface Command {
  readonly what: string;
  readonly cmd: string;
  readonly args: string[];
  readonly env?: NodeJS.ProcessEnv;
}

function once(c: Command, cwd: string): { wall: number; cpu: number | undefined } {
  const c0 = childCpu();
  const t0 = performance.now();
  const r = spawnSync(c.cmd, c.args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...c.env } });
  const wall = (performance.now() - t0) / 1000;
  const c1 = childCpu();
  if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: c0 !== undefined && c1 !== undefined ? c1 - c0 : undefined };
}

export function measureStartup(root: string, runs = 10): StartupRow[] {
  const out = join(tmpdir(), `mmcheck-bench-startup-${process.pid}`);
  const cli = ['check', 'lost-update', '--quiet', '--out', out];
  const bin = join(root, 'bin/mmcheck.js');
  const commands: Command[] = [
    { what: 'node -e 0 (Node alone)', cmd: process.execPath, args: ['-e', '0'] },
    { what: 'npm run -s env (npm alone)', cmd: 'npm', args: ['run', '--silent', 'env'] },
    { what: 'node bin/mmcheck.js, hooks (MMCHECK_BUNDLE=0)', cmd: process.execPath, args: [bin, ...cli], env: { MMCHECK_BUNDLE: '0' } },
    { what: 'node bin/mmcheck.js, no code cache', cmd: process.execPath, args: [bin, ...cli], env: { MMCHECK_CODE_CACHE: '0' } },
    { what: 'node bin/mmcheck.js', cmd: process.execPath, args: [bin, ...cli] },
    { what: 'npm run -s check lost-update', cmd: 'npm', args: ['run', '--silent', 'check', '--', ...cli.slice(1)] },
  ];
  // One untimed run of each fills the bundle, code, transform and type-check
  // caches, as any second run finds them.
  for (const c of commands) once(c, root);
  // Interleaved, so that a change of load shows in every row alike.
  const walls = commands.map((): number[] => []);
  const cpus = commands.map((): number[] => []);
  for (let i = 0; i < runs; i++)
    commands.forEach((c, j) => {
      const r = once(c, root);
      walls[j]!.push(r.wall);
      if (r.cpu !== undefined) cpus[j]!.push(r.cpu);
    });
  rmSync(out, { recursive: true, force: true });
  return commands.map((c, j) => ({ what: c.what, wall: median(walls[j]!), cpu: cpus[j]!.length ? median(cpus[j]!) : undefined }));
}

export function startupLines(rows: readonly StartupRow[], runs = 10): string[] {
  const f = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(2));
  const lines = [`start-up, lost-update (median of ${runs}, load ${loadavg()[0]!.toFixed(1)})         wall s   CPU s`];
  for (const r of rows) lines.push(`  ${r.what.padEnd(48)} ${f(r.wall).padStart(6)}  ${f(r.cpu).padStart(6)}`);
  const row = (what: string) => rows.find((r) => r.what === what);
  const ratio = (label: string, before: StartupRow | undefined, after: StartupRow | undefined) => {
    if (before && after && before.cpu && after.cpu)
      lines.push(`  ${label}: ${(after.wall / before.wall).toFixed(2)}x wall, ${(after.cpu / before.cpu).toFixed(2)}x CPU`);
  };
  const node = row('node -e 0 (Node alone)');
  const cached = row('node bin/mmcheck.js');
  ratio('code cache vs none', row('node bin/mmcheck.js, no code cache'), cached);
  ratio('bundled vs module hooks', row('node bin/mmcheck.js, hooks (MMCHECK_BUNDLE=0)'), cached);
  if (node && cached && node.cpu !== undefined && cached.cpu !== undefined)
    lines.push(`  mmcheck's own part: ${f(cached.wall - node.wall)} s wall, ${f(cached.cpu - node.cpu)} s CPU above Node's start`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 10);
  for (const l of startupLines(measureStartup(join(import.meta.dirname, '..'), runs), runs)) console.log(l);
}
