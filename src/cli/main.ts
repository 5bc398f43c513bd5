// mmcheck check [spec] [options]: the command line. Arguments are parsed by
// commander; this module maps outcomes to exit codes (0 as expected,
// 1 unexpected verdict, 2 spec or usage error, 3 incomplete, 130 interrupted).

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { SpecError } from '../spec/errors.ts';
import { SchemaError } from '../spec/schema.ts';
import { ValueRangeError } from '../state/codec.ts';
import { ItfError } from '../report/itf.ts';
import { asExpected, verdictMatrix, type VerdictRow } from '../report/tables.ts';
import { callerCwd, discoverAll, findSpec } from './discover.ts';
import { brokenSpecsReport } from './broken-specs.ts';
import { refuseTypeErrors, splitByTypes } from './typecheck.ts';
import { htmlReport } from '../report/html.ts';
import { checkArgsOf, watchSpecs } from './watch.ts';
import { EXIT, UsageError } from './errors.ts';
import { allSpecsReport, shownPath, variantReport, verdictSummary } from './human.ts';
import { specJson } from './json.ts';
import { progressLine, type Progress } from './progress.ts';
import { replay } from './replay.ts';
import { checkSpec, selectVariants, type Engine, type RunOptions, type SpecOutcome } from './run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CheckFlags {
  variant?: string;
  maxStates?: number;
  maxDepth?: number;
  maxMemory?: number;
  json?: boolean;
  quiet?: boolean;
  witness?: boolean;
  replay?: string;
  deadlock: boolean;
  matrix?: boolean;
  engine: Engine;
  depth?: number;
  k?: number;
  invariant?: string;
  ints?: 'bounded' | 'unbounded' | 'auto';
  out?: string;
  specsDir?: string;
  typecheck: boolean;
  html?: string;
  watch?: boolean;
}

/** --html: the self-contained report of these outcomes. */
function writeHtml(file: string | undefined, outcomes: readonly SpecOutcome[]): void {
  if (!file) return;
  try {
    writeFileSync(resolve(file), htmlReport(outcomes.map((o) => ({ name: o.found.spec.name, variants: o.variants }))));
  } catch (e) {
    throw new UsageError(`cannot write the HTML report ${file}: ${(e as Error).message}`);
  }
  process.stderr.write(`mmcheck: HTML report written to ${shownPath(resolve(file))}\n`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

let progress: Progress = progressLine(false);
const out = (s: string): void => void process.stdout.write(s);

function exitCodeOf(outcomes: readonly SpecOutcome[]): number {
  const runs = outcomes.flatMap((o) => o.variants);
  const rows: VerdictRow[] = runs.flatMap((v) => v.rows);
  if (runs.some((v) => v.run.status === 'interrupted')) return EXIT.interrupted;
  if (rows.some((r) => r.result.verdict !== 'unknown' && !asExpected(r))) return EXIT.unexpected;
  if (rows.some((r) => r.result.verdict === 'unknown')) return EXIT.incomplete;
  return EXIT.ok;
}

async function check(specArg: string | undefined, f: CheckFlags): Promise<number> {
  const specsDir = f.specsDir ? resolve(f.specsDir) : join(ROOT, 'specs');
  const outDir = f.out ? resolve(f.out) : join(ROOT, 'counterexamples');
  const c = pc.createColors(!!process.stdout.isTTY && !f.json);

  if (f.replay) {
    const r = await replay(resolve(f.replay), specArg, specsDir, ROOT);
    if (f.json) {
      out(JSON.stringify({ replay: shownPath(resolve(f.replay)), ...r.header, steps: r.steps, reproduces: r.reproduces, reason: r.reason }, null, 2) + '\n');
    } else {
      const h = r.header;
      out(`replaying ${shownPath(resolve(f.replay))}: spec ${h.spec}, variant ${h.variant}, ${h.property} (${h.kind}, ${r.steps} steps)\n`);
      if (!f.quiet) out(r.log.map((l) => l + '\n').join(''));
      out(r.reproduces ? c.green(`reproduces: ${r.reason}\n`) : c.red(`does not reproduce: ${r.reason}\n`));
    }
    return r.reproduces ? EXIT.ok : EXIT.unexpected;
  }

  if (f.watch) {
    const files = specArg === undefined ? undefined : [(await findSpec(specArg, specsDir, ROOT)).file];
    return watchSpecs({ files, specsDir, checkArgs: checkArgsOf({ ...f }), print: (l) => out(l + '\n') });
  }

  if (f.engine === 'explicit' && (f.depth !== undefined || f.k !== undefined))
    throw new UsageError(`--depth and --k apply to --engine bmc and --engine induction, not to the explicit engine (use --max-depth)`);
  if (f.engine !== 'induction' && (f.invariant !== undefined || f.ints !== undefined))
    throw new UsageError(`--invariant and --ints apply to --engine induction`);

  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    // The explicit engine stops at its next check and prints partial statistics;
    // the symbolic engine cannot be stopped mid-query, so it (or a second ^C) exits now.
    if (interrupts > 1 || f.engine !== 'explicit') {
      progress.clear();
      process.stderr.write('mmcheck: interrupted\n');
      process.exit(EXIT.interrupted);
    }
    controller.abort();
  });
  progress = progressLine(!!process.stderr.isTTY && !f.quiet);
  const opts: RunOptions = {
    variant: f.variant,
    maxStates: f.maxStates,
    maxDepth: f.maxDepth,
    maxMemoryMB: f.maxMemory,
    deadlock: f.deadlock === false ? false : undefined,
    witness: !!f.witness,
    engine: f.engine,
    depth: f.depth,
    k: f.k,
    invariant: f.invariant,
    ints: f.ints,
    outDir,
    root: ROOT,
    signal: controller.signal,
  };
  const hooks = {
    onVariantStart: (spec: string, variant: string) => progress.show(spec, variant),
    onProgress: (spec: string, variant: string, p: Parameters<Progress['show']>[2]) => progress.show(spec, variant, p),
  };

  if (specArg !== undefined) {
    const found = await findSpec(specArg, specsDir, ROOT);
    selectVariants(found, f.variant);
    if (f.typecheck) await refuseTypeErrors(found.file, ROOT);
    const streaming = !f.json && !f.matrix;
    const outcome = await checkSpec(found, opts, {
      ...hooks,
      onVariantDone: (o) => {
        progress.clear();
        if (streaming) out(variantReport(o, c, { quiet: !!f.quiet, diagrams: 'all' }) + '\n');
      },
    });
    writeHtml(f.html, [outcome]);
    if (f.json) out(JSON.stringify(specJson(outcome), null, 2) + '\n');
    else {
      if (f.matrix) out(verdictMatrix(found.spec.name, outcome.variants.flatMap((v) => v.rows)) + '\n');
      out(verdictSummary(outcome.variants.flatMap((v) => v.rows), c) + '\n');
    }
    return exitCodeOf([outcome]);
  }

  if (f.variant !== undefined) throw new UsageError('--variant needs a spec: mmcheck check <spec> --variant <name>');
  const discovered = await discoverAll(specsDir, ROOT);
  const typed = f.typecheck ? await splitByTypes(discovered.specs, ROOT) : { specs: discovered.specs, broken: [] };
  const specs = typed.specs;
  const broken = [...discovered.broken, ...typed.broken];
  if (specs.length === 0 && broken.length === 0) throw new UsageError(`no specs found under ${shownPath(specsDir)}`);
  const outcomes: SpecOutcome[] = [];
  for (const found of specs) {
    const o = await checkSpec(found, opts, { ...hooks, onVariantDone: () => progress.clear() });
    outcomes.push(o);
    if (o.variants.some((v) => v.run.status === 'interrupted')) break;
  }
  progress.clear();
  writeHtml(f.html, outcomes);
  const errors = broken.map((b) => ({ file: shownPath(b.file), message: b.message }));
  if (f.json) out(JSON.stringify({ specs: outcomes.map(specJson), ...(errors.length ? { errors } : {}) }, null, 2) + '\n');
  else {
    if (f.matrix) for (const o of outcomes) out(verdictMatrix(o.found.spec.name, o.variants.flatMap((v) => v.rows)) + '\n');
    if (outcomes.length) {
      out(allSpecsReport(outcomes, c, !!f.quiet));
      out(verdictSummary(outcomes.flatMap((o) => o.variants.flatMap((v) => v.rows)), c) + '\n');
    }
    out(brokenSpecsReport(broken, c, ROOT));
  }
  // A spec that could not be checked is a spec error, whatever the others gave.
  const code = exitCodeOf(outcomes);
  return broken.length && code !== EXIT.interrupted ? EXIT.usage : code;
}

function program(result: { code: number }): Command {
  const prog = new Command('mmcheck')
    .description('Model checker for concurrency designs in Linux memory management')
    .exitOverride()
    .showSuggestionAfterError(true)
    // One line and a hint, not the whole help (which buried the message).
    .showHelpAfterError('(add --help for the options)');
  prog
    .command('check')
    .description('check one spec (by name or file path), or every spec under specs/')
    .argument('[spec]', 'spec name or path to a spec file; none: every spec under specs/')
    .option('--variant <name>', 'check only this variant')
    .option('--max-states <n>', 'stop (incomplete) after n distinct states', positiveInt)
    .option('--max-depth <n>', 'explore at most n BFS levels (initial states are level 1)', positiveInt)
    .option('--max-memory <MB>', 'stop (incomplete) when resident memory exceeds this', positiveInt)
    .option('--json', 'print one JSON document on stdout')
    .option('--quiet', 'no progress line, no statistics, no race diagrams')
    .option('--witness', 'also write a trace for each sometimes property that holds')
    .option('--replay <file.json>', 're-execute an ITF trace and say whether it still reproduces')
    .option('--no-deadlock', 'do not check deadlock freedom')
    .option('--matrix', 'print the variant x property verdict matrix in markdown')
    .addOption(new Option('--engine <engine>', 'checking engine').choices(['explicit', 'bmc', 'induction']).default('explicit'))
    .option('--depth <k>', 'bounded model checking depth (--engine bmc)', positiveInt)
    .option('--k <k>', 'k for k-induction (--engine induction)', positiveInt)
    .option('--invariant <property>', 'an always property to use as the inductive strengthening (--engine induction)')
    .addOption(
      new Option('--ints <mode>', 'int fields as mathematical integers or within their ranges (--engine induction)').choices([
        'auto',
        'unbounded',
        'bounded',
      ]),
    )
    .option('--out <dir>', 'counterexample directory (default: counterexamples/ at the repository root)')
    .option('--specs-dir <dir>', 'where specs are discovered (default: specs/ at the repository root)')
    .option('--no-typecheck', 'check specs even when they do not type-check')
    .option('--watch', 're-check on save: only the specs a changed file reaches; print what changed')
    .option('--html <file>', 'also write a self-contained HTML report (verdicts, traces with a step slider)')
    .exitOverride()
    .action(async (specArg: string | undefined, flags: CheckFlags) => {
      result.code = await check(specArg, flags);
    });
  return prog;
}

/** Errors in the user's input or spec: the message alone, no stack. */
function isUserError(e: unknown): e is Error {
  return (
    e instanceof SpecError ||
    e instanceof UsageError ||
    e instanceof SchemaError ||
    e instanceof ValueRangeError ||
    e instanceof ItfError
  );
}

async function main(argv: string[]): Promise<number> {
  const result = { code: EXIT.ok as number };
  // Relative paths are the caller's, also under `npm run check` (which runs in the package root).
  process.chdir(callerCwd());
  try {
    await program(result).parseAsync(argv);
    return result.code;
  } catch (e) {
    progress.clear();
    if (e instanceof CommanderError) {
      // Commander has printed its message and the help, which lists what exists.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isUserError(e)) {
      process.stderr.write(`mmcheck: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(
      `mmcheck: internal error (a bug in mmcheck, not in your spec; please report it with this output):\n` +
        `${(e as Error)?.stack ?? String(e)}\n`,
    );
    return EXIT.usage;
  }
}

process.exit(await main(process.argv));
