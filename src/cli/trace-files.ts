// Where trace files go and how they are written. A plain check writes to
// .tmp/counterexamples/ (or --out); only --update-goldens writes the
// committed golden counterexamples/, and only the golden engine's
// counterexamples. Each write replaces the traces a previous run of the
// same engine left for that spec and variant, so no stale trace lingers.
// A directory or file that cannot be written is an IoError (exit 5), never
// a crash: the verdicts are printed all the same.

import { existsSync, mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunResult, Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { ENGINES, engineNamed } from '../engines/registry.ts';
import { TRACE_WRITERS, type TraceWriter } from '../report/trace-writers.ts';
import { IoError } from './errors.ts';

/** The default trace directory under the repository root: ignored by git. */
export const DEFAULT_OUT = '.tmp/counterexamples';
/** The committed golden counterexamples, under the repository root. */
export const GOLDEN_DIR = 'counterexamples';

/** A path segment from a spec, variant or property name. */
const segment = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Traces of an engine whose counterexamples are not the golden ones get the
 * engine in their name (<property>.bmc.txt), so that engines never overwrite
 * each other's traces.
 */
const suffixOf = (engine: string): string => (engineNamed(engine)?.golden ? '' : `.${engine}`);

export function variantDir(outDir: string, spec: string, variant: string): string {
  return join(outDir, segment(spec), segment(variant));
}

/** The files of a trace, one per writer, in the writers' order. */
export function tracePaths(
  outDir: string,
  spec: string,
  variant: string,
  property: string,
  engine = 'explicit',
  writers: readonly TraceWriter[] = TRACE_WRITERS,
): string[] {
  const base = join(variantDir(outDir, spec, variant), segment(property) + suffixOf(engine));
  return writers.map((w) => `${base}.${w.ext}`);
}

const errText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}${err.syscall ? ` (${err.syscall})` : ''}` : String((e as Error)?.message ?? e);
};

/**
 * mkdir -p that cannot loop: Node's recursive mkdir spins for ever on some
 * paths (under /proc, for one), so each missing level is made in turn, top
 * down, and any failure is an IoError.
 */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new IoError(`cannot create directory ${d}: ${errText(e)}`);
    }
  }
  try {
    if (!statSync(dir).isDirectory()) throw new IoError(`${dir} is not a directory`);
  } catch (e) {
    throw e instanceof IoError ? e : new IoError(`cannot use directory ${dir}: ${errText(e)}`);
  }
}

/**
 * Removes the traces an earlier run of this engine left for one variant:
 * only files named like our traces (<property>[.<engine>].<ext>), so that a
 * user's --out directory keeps anything else.
 */
function removeStale(dir: string, engine: string, writers: readonly TraceWriter[]): void {
  if (!existsSync(dir)) return;
  const suffix = suffixOf(engine);
  const others = ENGINES.map((e) => e.name).filter((n) => n !== engine && suffixOf(n) !== '');
  for (const f of readdirSync(dir)) {
    const w = writers.find((x) => f.endsWith(`.${x.ext}`));
    if (!w) continue;
    const stem = f.slice(0, -(w.ext.length + 1));
    const mine = suffix ? stem.endsWith(suffix) : !others.some((o) => stem.endsWith(`.${o}`));
    if (!mine) continue;
    try {
      unlinkSync(join(dir, f));
    } catch (e) {
      throw new IoError(`cannot remove the stale trace ${join(dir, f)}: ${errText(e)}`);
    }
  }
}

export interface TraceDestination {
  readonly outDir: string;
  readonly writers: readonly TraceWriter[];
  /** The spec file relative to the repository root, for ITF's #meta.source. */
  readonly source: string;
}

/**
 * Writes the given traces of one variant's run, after removing that
 * variant's earlier traces of the same engine (only when the run is
 * complete: an incomplete run does not know which traces still exist).
 * Returns the files per property.
 */
export function writeVariantTraces(
  traces: readonly Trace[],
  built: BuiltModel,
  run: RunResult,
  dest: TraceDestination,
): Map<string, string[]> {
  const dir = variantDir(dest.outDir, built.spec.name, built.variant);
  if (run.status === 'complete') removeStale(dir, run.engine, dest.writers);
  const files = new Map<string, string[]>();
  if (traces.length === 0) return files;
  makeDir(dir);
  for (const trace of traces) {
    const paths = tracePaths(dest.outDir, built.spec.name, built.variant, trace.property, run.engine, dest.writers);
    dest.writers.forEach((w, i) => {
      try {
        writeFileSync(paths[i]!, w.render(trace, built, run, dest.source));
      } catch (e) {
        throw new IoError(`cannot write ${paths[i]}: ${errText(e)}`);
      }
    });
    files.set(trace.property, paths);
  }
  return files;
}
