// Checking one spec: build each variant, run the chosen engine, compare every
// verdict with the spec's expectation, write the traces.

import { relative } from 'node:path';
import type { PropertyResult, RunResult } from '../spec/results.ts';
import type { Engine, EngineOptions } from '../engines/engine.ts';
import type { ExploreProgress } from '../explicit/explore.ts';
import type { SpecOutcome, VariantOutcome } from '../report/outcome.ts';
import type { VerdictRow } from '../report/tables.ts';
import type { TraceWriter } from '../report/trace-writers.ts';
import type { FoundSpec } from './discover.ts';
import { IoError, UsageError } from './errors.ts';
import { variantDir, writeVariantTraces } from './trace-files.ts';
import { TracedSpecError } from '../explicit/errors.ts';
import { writeSpecErrorTrace } from './spec-error-trace.ts';

export type { SpecOutcome, VariantOutcome } from '../report/outcome.ts';

export interface RunOptions {
  readonly variant?: string;
  readonly engine: Engine;
  /** The engine's own options, as declared in its registry entry. */
  readonly engineOptions: EngineOptions;
  /** Also write witnesses (traces of sometimes properties that hold). */
  readonly witness: boolean;
  /** Where traces go, and as which files. */
  readonly outDir: string;
  readonly writers: readonly TraceWriter[];
  /** Repository root, for the spec's source path in ITF files. */
  readonly root: string;
  readonly signal?: AbortSignal;
  /** Called with each variant's built model before its run (e.g. to collect its state graph). */
  readonly engineHooks?: (built: VariantOutcome['built']) => EngineOptions;
}

export interface RunHooks {
  onVariantStart?(spec: string, variant: string): void;
  onProgress?(spec: string, variant: string, p: ExploreProgress): void;
  onVariantDone?(outcome: VariantOutcome): void;
}

/** The variants to check: all, or the one --variant names. */
export function selectVariants(found: FoundSpec, variant: string | undefined): readonly string[] {
  const all = found.spec.variants;
  if (variant === undefined) return all;
  if (!all.includes(variant))
    throw new UsageError(`spec ${found.spec.name} has no variant '${variant}'. Variants: ${all.join(', ')}`);
  return [variant];
}

/** Whether a result's trace is written: counterexamples always, witnesses with --witness. */
function wantsTrace(r: PropertyResult, witness: boolean): boolean {
  return !!r.trace && (r.trace.kind !== 'witness' || witness);
}

function rowsOf(found: FoundSpec, built: VariantOutcome['built'], run: RunResult): VerdictRow[] {
  return run.properties.map((result) => ({
    spec: found.spec.name,
    variant: built.variant,
    result,
    expected: built.expected.get(result.property),
    run,
  }));
}

export async function checkSpec(found: FoundSpec, opts: RunOptions, hooks: RunHooks = {}): Promise<SpecOutcome> {
  const variants = selectVariants(found, opts.variant);
  const out: VariantOutcome[] = [];
  const source = relative(opts.root, found.file).split('\\').join('/');
  for (const variant of variants) {
    hooks.onVariantStart?.(found.spec.name, variant);
    const built = found.spec.build(variant);
    let run: RunResult;
    try {
      run = await opts.engine.run(
        built,
        { ...opts.engineOptions, ...opts.engineHooks?.(built) },
        { signal: opts.signal, onProgress: (p) => hooks.onProgress?.(found.spec.name, variant, p) },
      );
    } catch (e) {
      // The trace to a spec error is written as a counterexample's is (text and ITF).
      if (e instanceof TracedSpecError) writeSpecErrorTrace(e, opts.outDir, opts.root, source);
      throw e;
    }
    const traces = run.properties.filter((r) => wantsTrace(r, opts.witness)).map((r) => r.trace!);
    let files = new Map<string, string[]>();
    let writeError: string | undefined;
    try {
      files = writeVariantTraces(traces, built, run, { outDir: opts.outDir, writers: opts.writers, source });
    } catch (e) {
      // The verdicts stand; the write failure is reported with them (exit 5).
      if (!(e instanceof IoError)) throw e;
      writeError = e.message;
    }
    const outcome: VariantOutcome = {
      built,
      run,
      rows: rowsOf(found, built, run),
      files,
      traceDir: files.size ? variantDir(opts.outDir, found.spec.name, variant) : undefined,
      writeError,
    };
    out.push(outcome);
    hooks.onVariantDone?.(outcome);
    if (run.status === 'interrupted') break;
  }
  return { found, variants: out };
}
