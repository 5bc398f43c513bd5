// Checking one spec: build each variant, run the chosen engine, compare every
// verdict with the spec's expectation, write the traces.

import { relative } from 'node:path';
import type { PropertyResult, RunResult } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import type { ExploreProgress } from '../explicit/explore.ts';
import { explore } from '../explicit/explore.ts';
import type { VerdictRow } from '../report/tables.ts';
import type { FoundSpec } from './discover.ts';
import { UsageError } from './errors.ts';
import { writeTrace } from './trace-files.ts';

export type Engine = 'explicit' | 'bmc' | 'induction';

export interface RunOptions {
  readonly variant?: string;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly maxMemoryMB?: number;
  /** false: --no-deadlock; undefined: the spec's setting. */
  readonly deadlock?: boolean;
  readonly witness: boolean;
  readonly engine: Engine;
  readonly depth?: number;
  readonly k?: number;
  /** Induction: the always property used as the strengthening of the others. */
  readonly invariant?: string;
  /** Induction: int fields as mathematical integers, or within their declared ranges. */
  readonly ints?: 'bounded' | 'unbounded' | 'auto';
  /** Symbolic engines: seconds per solver query (then unknown, exit 3). */
  readonly timeout?: number;
  /** Counterexample root directory. */
  readonly outDir: string;
  /** Repository root, for the spec's source path in ITF files. */
  readonly root: string;
  readonly signal?: AbortSignal;
}

export interface VariantOutcome {
  readonly built: BuiltModel;
  readonly run: RunResult;
  readonly rows: readonly VerdictRow[];
  /** Written trace files per property: [txt, json]. */
  readonly files: ReadonlyMap<string, readonly string[]>;
}

export interface SpecOutcome {
  readonly found: FoundSpec;
  readonly variants: readonly VariantOutcome[];
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

async function runEngine(built: BuiltModel, opts: RunOptions, onProgress: (p: ExploreProgress) => void): Promise<RunResult> {
  if (opts.engine === 'explicit') {
    return explore(built, {
      maxStates: opts.maxStates,
      maxDepth: opts.maxDepth,
      maxMemoryMB: opts.maxMemoryMB,
      deadlock: opts.deadlock === false ? false : undefined,
      onProgress,
      signal: opts.signal,
    });
  }
  // Loaded only when asked for, so that the explicit path never loads Z3.
  const { checkSymbolic } = await import('../symbolic/index.ts');
  return checkSymbolic(built, {
    engine: opts.engine,
    depth: opts.depth,
    k: opts.k,
    invariant: opts.invariant,
    ints: opts.ints,
    deadlock: opts.deadlock === false ? false : undefined,
    timeout: opts.timeout,
  });
}

/** Whether a result's trace is written: counterexamples always, witnesses with --witness. */
function wantsTrace(r: PropertyResult, witness: boolean): boolean {
  return !!r.trace && (r.trace.kind !== 'witness' || witness);
}

export async function checkSpec(found: FoundSpec, opts: RunOptions, hooks: RunHooks = {}): Promise<SpecOutcome> {
  const variants = selectVariants(found, opts.variant);
  const out: VariantOutcome[] = [];
  const source = relative(opts.root, found.file).split('\\').join('/');
  for (const variant of variants) {
    hooks.onVariantStart?.(found.spec.name, variant);
    const built = found.spec.build(variant);
    const run = await runEngine(built, opts, (p) => hooks.onProgress?.(found.spec.name, variant, p));
    const rows: VerdictRow[] = run.properties.map((result) => ({
      spec: found.spec.name,
      variant,
      result,
      expected: built.expected.get(result.property),
      run,
    }));
    const files = new Map<string, string[]>();
    for (const r of run.properties)
      if (wantsTrace(r, opts.witness)) files.set(r.property, writeTrace(r.trace!, built, run, opts.outDir, source));
    const outcome: VariantOutcome = { built, run, rows, files };
    out.push(outcome);
    hooks.onVariantDone?.(outcome);
    if (run.status === 'interrupted') break;
  }
  return { found, variants: out };
}
