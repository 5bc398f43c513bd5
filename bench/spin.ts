// The same Counters model in SPIN (../shared/peers/Counters.pml), built as its
// header says for a breadth-first safety run, timed in the same bench run.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface SpinRun {
  stored: number;
  transitions: number;
  seconds: number;
  memoryMB: number;
  /** pan's user + system CPU time (from /usr/bin/time), when available. */
  cpuSeconds?: number;
}

export function spinAvailable(): boolean {
  return spawnSync('spin', ['-V'], { encoding: 'utf8' }).status === 0;
}

/** The peers' models: $PEERS_DIR, else ../shared/peers beside the checkout (or beside its parent, for a git worktree in a subdirectory). */
export function peerFile(name: string): string | undefined {
  const dirs = [process.env.PEERS_DIR, resolve(import.meta.dirname, '../../shared/peers'), resolve(import.meta.dirname, '../../../shared/peers')];
  for (const d of dirs) if (d && existsSync(resolve(d, name))) return resolve(d, name);
  return undefined;
}

export function peerModel(): string | undefined {
  return peerFile('Counters.pml');
}

export function runSpinCounters(N: number, K: number): SpinRun {
  const pml = peerModel();
  if (!pml) throw new Error('../shared/peers/Counters.pml not found');
  const dir = mkdtempSync(join(tmpdir(), 'mmcheck-spin-'));
  copyFileSync(pml, join(dir, 'Counters.pml'));
  execFileSync('spin', [`-DN=${N}`, `-DK=${K}`, '-a', 'Counters.pml'], { cwd: dir });
  execFileSync('gcc', ['-O2', '-DBFS', '-DSAFETY', '-DNOREDUCE', '-DMEMLIM=16000', '-o', 'pan', 'pan.c'], { cwd: dir });
  const timed = existsSync('/usr/bin/time');
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', './pan', '-m10000'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync('./pan', ['-m10000'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
  const out = r.stdout ?? '';
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  const num = (re: RegExp): number => {
    const m = re.exec(out);
    if (!m) throw new Error(`unexpected SPIN output:\n${out}`);
    return Number(m[1]);
  };
  return {
    stored: num(/([\d.e+]+) states, stored/),
    transitions: num(/([\d.e+]+) transitions/),
    seconds: num(/pan: elapsed time ([\d.e+]+) seconds/),
    memoryMB: num(/([\d.]+)\s+total actual memory usage/),
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
  };
}
