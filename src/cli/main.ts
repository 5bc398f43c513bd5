// mmcheck check [spec] [options]: the command line. Arguments are parsed by
// commander; the engines and their options come from the engine registry
// (src/engines/registry.ts), the output formats from src/report/reporter.ts.
// Exit codes: 0 as expected, 1 unexpected verdict, 2 spec or usage error,
// 3 incomplete, 4 internal error (a bug in mmcheck), 5 trace files could not
// be written, 130 interrupted.
//
// Start-up is most of a small spec's run, so what only some options need
// (--html, --dump-graph, --watch, --replay) is imported when they are given.

import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { DEFAULT_ENGINE, ENGINES, engineNamed, engineOptions } from '../engines/registry.ts';
import type { StateGraph } from '../report/dot.ts';
import { shownPath } from '../report/human.ts';
import type { SpecOutcome } from '../report/outcome.ts';
import { reporterFor } from '../report/reporter.ts';
import { asExpected, type VerdictRow } from '../report/tables.ts';
import { indentWrap } from '../report/text.ts';
import { brokenSpecsReport } from './broken-specs.ts';
import { callerCwd, discoverAll, findSpec, type BrokenSpec } from './discover.ts';
import { refuseTypeErrors, splitByTypes } from './typecheck.ts';
import { describeFailure, EXIT, UsageError } from './errors.ts';
import { loadProgressLine, progressLine, type Progress } from './progress.ts';
import { checkSpec, selectVariants, type RunOptions } from './run.ts';
import { DEFAULT_OUT, GOLDEN_DIR, makeDir } from './trace-files.ts';
import { engineOptionsOf, traceOutput, type CheckFlags } from './flags.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** --html: the self-contained report of these outcomes. */
async function writeHtml(file: unknown, outcomes: readonly SpecOutcome[]): Promise<void> {
  if (typeof file !== 'string') return;
  const { htmlReport } = await import('../report/html.ts');
  try {
    writeFileSync(resolve(file), htmlReport(outcomes.map((o) => ({ name: o.found.spec.name, variants: o.variants }))));
  } catch (e) {
    throw new UsageError(`cannot write the HTML report ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  err(`mmcheck: HTML report written to ${shownPath(resolve(file))}\n`);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

let progress: Progress = progressLine(false);
let debug = false;
/**
 * Where the CLI writes. The process's own streams, or (tests) buffers: the
 * CLI then runs inside the test's process, with no process to start.
 */
export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  readonly env: NodeJS.ProcessEnv;
}
const PROCESS_IO: CliIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
};
let io: CliIo = PROCESS_IO;
const out = (s: string): void => io.stdout(s);
const err = (s: string): void => io.stderr(s);

/** Interrupted, then unexpected verdicts, then write failures, then undecided verdicts. */
function exitCodeOf(outcomes: readonly SpecOutcome[]): number {
  const runs = outcomes.flatMap((o) => o.variants);
  const rows: VerdictRow[] = runs.flatMap((v) => v.rows);
  if (runs.some((v) => v.run.status === 'interrupted')) return EXIT.interrupted;
  if (rows.some((r) => r.result.verdict !== 'unknown' && !asExpected(r))) return EXIT.unexpected;
  if (runs.some((v) => v.writeError)) return EXIT.io;
  if (rows.some((r) => r.result.verdict === 'unknown')) return EXIT.incomplete;
  return EXIT.ok;
}

async function runReplay(file: string, specArg: string | undefined, specsDir: string, f: CheckFlags): Promise<number> {
  const c = pc.createColors(!!process.stdout.isTTY && !f.json);
  const { replay } = await import('./replay.ts');
  const r = await replay(resolve(file), specArg, specsDir, ROOT);
  const shown = shownPath(resolve(file));
  if (f.json) {
    out(JSON.stringify({ replay: shown, ...r.header, steps: r.steps, reproduces: r.reproduces, reason: r.reason }, null, 2) + '\n');
  } else {
    const h = r.header;
    out(indentWrap(`replaying ${shown}: spec ${h.spec}, variant ${h.variant}, ${h.property} (${h.kind}, ${r.steps} steps)`, 0, undefined, 2).join('\n') + '\n');
    if (!f.quiet) out(r.log.map((l) => l + '\n').join(''));
    const verdict = indentWrap(r.reproduces ? `reproduces: ${r.reason}` : `does not reproduce: ${r.reason}`, 0, undefined, 2).join('\n');
    out((r.reproduces ? c.green(verdict) : c.red(verdict)) + '\n');
  }
  return r.reproduces ? EXIT.ok : EXIT.unexpected;
}

async function check(specArg: string | undefined, f: CheckFlags): Promise<number> {
  debug = !!f.debug;
  const specsDir = f.specsDir ? resolve(f.specsDir) : join(ROOT, 'specs');
  if (f.replay) return runReplay(f.replay, specArg, specsDir, f);

  const engine = engineNamed(f.engine);
  if (!engine) throw new UsageError(`unknown engine '${f.engine}' (${ENGINES.map((e) => e.name).join(', ')})`);
  const engineOpts = engineOptionsOf(engine, f);
  if (f.watch === true) {
    const files = specArg === undefined ? undefined : [(await findSpec(specArg, specsDir, ROOT)).file];
    const { checkArgsOf, watchSpecs } = await import('./watch.ts');
    return watchSpecs({ files, specsDir, checkArgs: checkArgsOf({ ...f }), print: (l) => out(l + '\n') });
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    // An interruptible engine stops at its next check and prints partial statistics;
    // the others cannot be stopped mid-query, so they (or a second ^C) exit now.
    if (interrupts > 1 || !engine.interruptible) {
      progress.clear();
      process.stderr.write('mmcheck: interrupted\n');
      process.exit(EXIT.interrupted);
    }
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await checkWith(specArg, f, engine, engineOpts, controller.signal);
  } finally {
    // In-process callers (tests) run check() many times in one process.
    process.off('SIGINT', onSigint);
  }
}

async function checkWith(
  specArg: string | undefined,
  f: CheckFlags,
  engine: NonNullable<ReturnType<typeof engineNamed>>,
  engineOpts: ReturnType<typeof engineOptionsOf>,
  signal: AbortSignal,
): Promise<number> {
  const specsDir = f.specsDir ? resolve(f.specsDir) : join(ROOT, 'specs');
  const { outDir, writers } = traceOutput(engine, f, specArg, ROOT);
  if (process.stderr.isTTY && !f.quiet) await loadProgressLine();
  progress = progressLine(!!process.stderr.isTTY && !f.quiet);
  let graph: StateGraph | undefined;
  const Graph = f.dumpGraph === undefined ? undefined : (await import('../report/dot.ts')).StateGraph;
  const opts: RunOptions = {
    variant: f.variant,
    engine,
    engineOptions: engineOpts,
    witness: !!f.witness,
    outDir,
    writers,
    root: ROOT,
    signal,
    engineHooks:
      Graph === undefined
        ? undefined
        : (built) => {
            graph = new Graph(built);
            const g = graph;
            return { onTransition: (s: unknown, t: { label: string }, n: unknown) => g.transition(s, t, n) };
          },
  };
  const c = pc.createColors(!!process.stdout.isTTY && !f.json);
  const reporter = reporterFor(f, {
    write: out,
    colors: c,
    progress,
    singleSpec: specArg !== undefined,
    outDir,
    quiet: !!f.quiet,
    traces: !!f.traces,
    stats: !!f.stats,
  });
  const hooks = {
    onVariantStart: (spec: string, variant: string) => reporter.progress(spec, variant),
    onProgress: reporter.progress,
    onVariantDone: reporter.variantDone,
  };

  const outcomes: SpecOutcome[] = [];
  let broken: BrokenSpec[] = [];
  if (specArg !== undefined) {
    const found = await findSpec(specArg, specsDir, ROOT);
    selectVariants(found, f.variant);
    if (f.typecheck !== false) await refuseTypeErrors(found.file, ROOT);
    if (f.dumpGraph !== undefined && f.variant === undefined && found.spec.variants.length > 1)
      throw new UsageError(`--dump-graph draws one variant: add --variant (${found.spec.variants.join(', ')})`);
    outcomes.push(await checkSpec(found, opts, hooks));
  } else {
    if (f.variant !== undefined) throw new UsageError('--variant needs a spec: mmcheck check <spec> --variant <name>');
    // A spec file that fails to load or to type-check is one error row; the others still run.
    const discovered = await discoverAll(specsDir, ROOT);
    const typed = f.typecheck !== false ? await splitByTypes(discovered.specs, ROOT) : { specs: discovered.specs, broken: [] };
    const specs = typed.specs;
    broken = [...discovered.broken, ...typed.broken];
    if (specs.length === 0 && broken.length === 0) throw new UsageError(`no specs found under ${shownPath(specsDir)}`);
    for (const found of specs) {
      const o = await checkSpec(found, opts, hooks);
      outcomes.push(o);
      if (o.variants.some((v) => v.run.status === 'interrupted')) break;
    }
  }
  // Only broken files: their rows, not an empty table that says all is as expected.
  if (outcomes.length || f.json || !broken.length) reporter.finish(outcomes);
  if (f.json) for (const b of broken) err(`mmcheck: ${shownPath(b.file)}: ${b.message}\n`);
  else out(brokenSpecsReport(broken, c, ROOT));
  await writeHtml(f.html, outcomes);
  let code = exitCodeOf(outcomes);
  // A spec that could not be checked is a spec error, whatever the others gave.
  if (broken.length && code !== EXIT.interrupted) code = EXIT.usage;
  for (const v of outcomes.flatMap((o) => o.variants))
    if (v.writeError) err(`mmcheck: I/O error: ${v.writeError}\n`);
  if (graph && f.dumpGraph !== undefined) {
    const file = resolve(f.dumpGraph);
    if (graph.overflow) {
      err(`mmcheck: --dump-graph: the state space has more than ${graph.size} states; not written (use --max-states to draw a part)\n`);
      return code === EXIT.ok ? EXIT.usage : code;
    }
    try {
      makeDir(resolve(file, '..'));
      writeFileSync(file, graph.toDot());
      if (!f.json) err(`state graph (${graph.size} states) written to ${shownPath(file)}\n`);
    } catch (e) {
      err(`mmcheck: I/O error: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      if (code === EXIT.ok || code === EXIT.incomplete) code = EXIT.io;
    }
  }
  return code;
}

function addEngineOptions(cmd: Command): Command {
  for (const { option, engines } of engineOptions()) {
    const desc = `${option.description} (--engine ${engines.join(', ')})`;
    const v = option.value;
    const o = new Option(option.flag, desc);
    if (v.kind === 'positive-int') o.argParser(positiveInt);
    else if (v.kind === 'choice') o.choices(v.choices);
    cmd.addOption(o);
  }
  return cmd;
}

function program(result: { code: number }): Command {
  const prog = new Command('mmcheck')
    .description('Model checker for concurrency designs in Linux memory management')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showSuggestionAfterError(true)
    // One line and a hint, not the whole help (which buried the message).
    .showHelpAfterError('(add --help for the options)');
  const check_ = prog
    .command('check')
    .description('check one spec (by name or file path), or every spec under specs/')
    .argument('[spec]', 'spec name or path to a spec file; none: every spec under specs/')
    .option('--variant <name>', 'check only this variant')
    .addOption(
      new Option('--engine <engine>', `checking engine: ${ENGINES.map((e) => `${e.name}: ${e.summary}`).join('; ')}`)
        .choices(ENGINES.map((e) => e.name))
        .default(DEFAULT_ENGINE),
    );
  addEngineOptions(check_)
    .option('--json', 'print one JSON document on stdout')
    .option('--matrix', 'print the property x variant verdict matrix in markdown')
    .option('--quiet', 'no progress line, no statistics, no race diagrams')
    .option('--traces', 'print the race diagram of every counterexample (default: only unexpected ones)')
    .option('--stats', 'print the full statistics and TLC\'s closing lines of each run')
    .option('--witness', 'also write a trace for each sometimes property that holds')
    .option('--replay <file.json>', 're-execute an ITF trace and say whether it still reproduces')
    .option('--out <dir>', `trace directory (default: ${DEFAULT_OUT}/ at the repository root)`)
    .option('--update-goldens', `rewrite the golden ${GOLDEN_DIR}/ (explicit engine, counterexamples only)`)
    .option('--dump-graph <file.dot>', 'write the state graph of one variant as Graphviz DOT (small state spaces)')
    .option('--specs-dir <dir>', 'where specs are discovered (default: specs/ at the repository root)')
    .option('--debug', 'when mmcheck itself fails (exit 4), print the stack trace')
    .option('--no-typecheck', 'check specs even when they do not type-check')
    .option('--html <file>', 'also write a self-contained HTML report (verdicts, traces with a step slider)')
    .option('--watch', 're-check on save: only the specs a changed file reaches; print what changed')
    .exitOverride()
    .action(async (specArg: string | undefined, flags: CheckFlags) => {
      result.code = await check(specArg, flags);
    });
  return prog;
}

/** The whole CLI: argv as process.argv has it; returns the exit code. */
export async function main(argv: string[], with_: CliIo = PROCESS_IO): Promise<number> {
  io = with_;
  const result = { code: EXIT.ok as number };
  debug = argv.includes('--debug');
  // Relative paths are the caller's, also under `npm run check` (which runs in the package root).
  process.chdir(callerCwd(io.env));
  try {
    await program(result).parseAsync(argv);
    return result.code;
  } catch (e) {
    progress.clear();
    if (e instanceof CommanderError) {
      // Commander has printed its message and a hint to --help.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code, text } = describeFailure(e, debug);
    err(text);
    return code;
  }
}

// Imported by the tests (test/support/cli.ts sets this flag) it only exports main.
if (!(globalThis as { [k: symbol]: unknown })[Symbol.for('mmcheck.cli.embedded')]) void main(process.argv).then((code) => process.exit(code));
