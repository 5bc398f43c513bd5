// One explicit-engine run in a fresh process, so peak RSS belongs to it alone.
// Usage: tsx bench/measure-explicit.ts <spec file> <variant> [workers]  -> JSON on stdout
// With workers, the parallel engine runs (worker start-up included in seconds).
// cpuSeconds is this process's user+system CPU time during exploration: on a
// shared machine it varies far less than wall time, so ratios are also given
// per CPU second (the load average is printed beside every figure).

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { explore } from '../src/explicit/explore.ts';
import { exploreParallel } from '../src/explicit/parallel/explore-parallel.ts';
import type { Spec } from '../src/spec/spec.ts';

const [file, variant, workers] = process.argv.slice(2);
const spec = (await import(pathToFileURL(resolve(file!)).href)).default as Spec;
const load = loadavg()[0]!;
const c0 = process.cpuUsage();
const built = spec.build(variant!);
const run = workers ? await exploreParallel(built, { workers: Number(workers), specFile: resolve(file!) }) : await explore(built);
const c = process.cpuUsage(c0);
const cpuSeconds = (c.user + c.system) / 1e6;
process.stdout.write(JSON.stringify({ spec: spec.name, variant, status: run.status, ...run.stats, cpuSeconds, load, workers: Number(workers ?? 0) }) + '\n');
