// Validation of the check command's flags against the chosen engine and
// the trace output policy, apart from commander and process state so that
// it can be tested in process.

import { join, resolve } from 'node:path';
import type { Engine, EngineOption, EngineOptions } from '../engines/engine.ts';
import { ENGINES, engineOptions } from '../engines/registry.ts';
import { TRACE_WRITERS, type TraceWriter } from '../report/trace-writers.ts';
import { UsageError } from './errors.ts';
import { DEFAULT_OUT, GOLDEN_DIR } from './trace-files.ts';

export interface CheckFlags {
  [engineOption: string]: unknown;
  variant?: string;
  json?: boolean;
  quiet?: boolean;
  traces?: boolean;
  stats?: boolean;
  witness?: boolean;
  replay?: string;
  matrix?: boolean;
  engine: string;
  out?: string;
  updateGoldens?: boolean;
  dumpGraph?: string;
  specsDir?: string;
  debug?: boolean;
}

/** The options given on the command line that the engine does not take are an error, not ignored. */
export function engineOptionsOf(engine: Engine, f: CheckFlags): EngineOptions {
  const given = engineOptions().filter(({ option }) => isGiven(option, f));
  const foreign = given.filter(({ engines }) => !engines.includes(engine.name));
  if (foreign.length)
    throw new UsageError(
      foreign.map(({ option, engines }) => `${flagName(option)} applies to --engine ${engines.join(' or ')}`).join('; ') +
        `, not to --engine ${engine.name}`,
    );
  return Object.fromEntries(engine.options.filter((o) => isGiven(o, f)).map((o) => [o.key, f[o.key]]));
}

const flagName = (o: EngineOption): string => o.flag.split(' ')[0]!;
const isGiven = (o: EngineOption, f: CheckFlags): boolean => (o.value.kind === 'negated' ? f[o.key] === false : f[o.key] !== undefined);

/**
 * Where traces go and as which files: --update-goldens writes the golden
 * formats of a golden engine into counterexamples/ (no witnesses, no
 * --out); otherwise --out or .tmp/counterexamples/, every format. Also
 * checks --dump-graph's preconditions.
 */
export function traceOutput(engine: Engine, f: CheckFlags, specArg: string | undefined, root: string): { outDir: string; writers: readonly TraceWriter[] } {
  if (f.updateGoldens) {
    if (!engine.golden) throw new UsageError(`--update-goldens: golden traces come from --engine ${ENGINES.filter((e) => e.golden).map((e) => e.name).join(', ')}`);
    if (f.out) throw new UsageError('--update-goldens writes the golden counterexamples/; it takes no --out');
    if (f.witness) throw new UsageError('--update-goldens writes counterexamples only; witnesses are not golden (drop --witness)');
    if (f.symmetry) throw new UsageError('--update-goldens: golden traces come from the unreduced search (drop --symmetry)');
    if (f.por) throw new UsageError('--update-goldens: golden traces come from the unreduced search (drop --por)');
  }
  if (f.dumpGraph !== undefined) {
    if (!engine.visitsTransitions)
      throw new UsageError(`--dump-graph needs an engine that visits states (--engine ${ENGINES.filter((e) => e.visitsTransitions).map((e) => e.name).join(', ')})`);
    if (specArg === undefined) throw new UsageError('--dump-graph needs a spec and one variant: mmcheck check <spec> --variant <name> --dump-graph <file.dot>');
    if (f.symmetry) throw new UsageError('--dump-graph draws the unreduced graph (drop --symmetry)');
    if (f.por) throw new UsageError('--dump-graph draws the unreduced graph (drop --por)');
  }
  const outDir = f.updateGoldens ? join(root, GOLDEN_DIR) : f.out ? resolve(f.out) : join(root, DEFAULT_OUT);
  return { outDir, writers: f.updateGoldens ? TRACE_WRITERS.filter((w) => w.golden) : TRACE_WRITERS };
}
