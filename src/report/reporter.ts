// A Reporter turns the events of a check into output: progress while a run
// goes, each variant as it ends, and the rest when everything is done. The
// output formats (human, --json, --matrix) are a list: a new format is one
// Reporter and one line in OUTPUTS.

import type { ExploreProgress } from '../explicit/explore.ts';
import { allSpecsReport, variantReport, verdictSummary, type Colors, type HumanOptions } from './human.ts';
import { specJson } from './json.ts';
import type { SpecOutcome, VariantOutcome } from './outcome.ts';
import { verdictMatrix } from './tables.ts';

export interface Reporter {
  /** A variant's run started (no progress yet) or advanced. */
  progress(spec: string, variant: string, p?: ExploreProgress): void;
  /** One variant's run ended. */
  variantDone(o: VariantOutcome): void;
  /** Every run ended (or the check was interrupted): the rest of the output. */
  finish(outcomes: readonly SpecOutcome[]): void;
}

/** Where progress goes: a live line on a terminal, or nowhere. */
export interface ProgressSink {
  show(spec: string, variant: string, p?: ExploreProgress): void;
  clear(): void;
}

export interface ReporterContext extends HumanOptions {
  /** stdout. */
  readonly write: (text: string) => void;
  readonly colors: Colors;
  readonly progress: ProgressSink;
  /** One spec was named (stream each variant), or every spec is checked (one table). */
  readonly singleSpec: boolean;
  /** The trace directory, to say where traces went. */
  readonly outDir: string;
}

export interface OutputFormat {
  /** The command-line flag's key that selects it ('json' for --json); none: the default. */
  readonly flag?: string;
  readonly create: (ctx: ReporterContext) => Reporter;
}

const rowsOf = (outcomes: readonly SpecOutcome[]) => outcomes.flatMap((o) => o.variants.flatMap((v) => v.rows));

/** The default: verdicts per variant as they come (one spec) or one table (all specs). */
const human: OutputFormat = {
  create: (ctx) => ({
    progress: (spec, variant, p) => ctx.progress.show(spec, variant, p),
    variantDone(o) {
      ctx.progress.clear();
      if (ctx.singleSpec) ctx.write(variantReport(o, ctx.colors, ctx) + '\n');
    },
    finish(outcomes) {
      ctx.progress.clear();
      if (!ctx.singleSpec) ctx.write(allSpecsReport(outcomes, ctx));
      ctx.write(verdictSummary(rowsOf(outcomes), ctx.colors) + '\n');
    },
  }),
};

/** --json: one document on stdout at the end. */
const json: OutputFormat = {
  flag: 'json',
  create: (ctx) => ({
    progress: (spec, variant, p) => ctx.progress.show(spec, variant, p),
    variantDone: () => ctx.progress.clear(),
    finish(outcomes) {
      ctx.progress.clear();
      const doc = ctx.singleSpec && outcomes.length === 1 ? specJson(outcomes[0]!) : { specs: outcomes.map(specJson) };
      ctx.write(JSON.stringify(doc, null, 2) + '\n');
    },
  }),
};

/** --matrix: the property x variant verdict matrix of each spec in markdown, then the summary. */
const matrix: OutputFormat = {
  flag: 'matrix',
  create: (ctx) => ({
    progress: (spec, variant, p) => ctx.progress.show(spec, variant, p),
    variantDone: () => ctx.progress.clear(),
    finish(outcomes) {
      ctx.progress.clear();
      for (const o of outcomes) ctx.write(verdictMatrix(o.found.spec.name, o.variants.flatMap((v) => v.rows)) + '\n');
      ctx.write(verdictSummary(rowsOf(outcomes), ctx.colors) + '\n');
    },
  }),
};

/** In order of precedence: the first whose flag is set is used; the last is the default. */
export const OUTPUTS: readonly OutputFormat[] = [json, matrix, human];

export function reporterFor(flags: Readonly<Record<string, unknown>>, ctx: ReporterContext): Reporter {
  const format = OUTPUTS.find((f) => f.flag === undefined || flags[f.flag]) ?? human;
  return format.create(ctx);
}
