// TLC on the same models, in the same bench run, when a tla2tools.jar is
// given: TLC_JAR=/path/to/tla2tools.jar npm run bench. The jar is never
// committed. PaxosCommit's TLA+ source is not committed either (it is
// tlaplus/Examples' code): TLC_MODELS names a directory holding
// PaxosCommit.tla, PaxosCommit.cfg and TCommit.tla from that repository's
// specifications/transaction_commit/; without it PaxosCommit runs without TLC.
//
// TLC runs with one worker (-workers 1), as the single-core comparison asks.
// Its wall time includes JVM start and parsing, as mmcheck's figures include
// build time. CPU time (user + sys, from /usr/bin/time) is also taken: on a
// shared machine it varies less than wall time; the JVM's JIT and GC threads
// make it larger than wall time on an idle machine.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerFile } from './spin.ts';

export interface TlcRun {
  distinct: number;
  generated: number;
  depth: number;
  seconds: number;
  cpuSeconds?: number;
}

export function tlcJar(): string | undefined {
  const jar = process.env.TLC_JAR;
  return jar && existsSync(jar) ? jar : undefined;
}

function runTlc(dir: string, module: string, cfg: string): TlcRun {
  const jar = tlcJar()!;
  const args = ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-workers', '1', '-config', cfg, '-metadir', join(dir, 'states'), module];
  const timed = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'java', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync('java', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  const out = r.stdout ?? '';
  const num = (re: RegExp): number => {
    const m = re.exec(out);
    if (!m) throw new Error(`unexpected TLC output (exit ${r.status}):\n${out.slice(-2000)}\n${r.stderr ?? ''}`);
    return Number(m[1]!.replace(/,/g, ''));
  };
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return {
    generated: num(/([\d,]+) states generated, [\d,]+ distinct states found/),
    distinct: num(/states generated, ([\d,]+) distinct states found/),
    depth: num(/The depth of the complete state graph search is (\d+)/),
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
  };
}

/** TLC on ../shared/peers/Counters.tla with N and K. */
export function runTlcCounters(N: number, K: number): TlcRun | undefined {
  const tla = peerFile('Counters.tla');
  if (!tlcJar() || !tla) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mmcheck-tlc-'));
  copyFileSync(tla, join(dir, 'Counters.tla'));
  writeFileSync(join(dir, 'Counters.cfg'), `CONSTANTS N = ${N} K = ${K}\nINIT Init\nNEXT Next\nINVARIANT Bounded\n`);
  return runTlc(dir, 'Counters.tla', 'Counters.cfg');
}

/** TLC on PaxosCommit.tla with PaxosCommit.cfg, from $TLC_MODELS. */
export function runTlcPaxosCommit(): TlcRun | undefined {
  const src = process.env.TLC_MODELS;
  const files = ['PaxosCommit.tla', 'PaxosCommit.cfg', 'TCommit.tla'];
  if (!tlcJar() || !src || !files.every((f) => existsSync(join(src, f)))) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mmcheck-tlc-'));
  for (const f of files) copyFileSync(join(src, f), join(dir, f));
  return runTlc(dir, 'PaxosCommit.tla', 'PaxosCommit.cfg');
}
