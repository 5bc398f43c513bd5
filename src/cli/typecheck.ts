// Type-checking specs before any search. A spec is TypeScript, but tsx only
// strips its types: `n.countr = 1` or a string written into an int would run
// and give a wrong verdict. So the CLI refuses a spec whose own files (the
// spec and what it imports, outside mmcheck's src/) have type errors, naming
// file:line:col.
//
// Type-checking costs seconds (the compiler, lib and @types files), a search
// often less, so results are cached under .tmp/typecheck/, one file per
// spec, keyed by the content hash of every source file the spec reaches, of
// tsconfig.json and by the compiler's version: a re-run of an unchanged spec
// reads a few small files and never loads the compiler.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type * as TS from 'typescript';
import { SpecError } from '../spec/errors.ts';
import type { BrokenSpec, FoundSpec } from './discover.ts';

// The compiler's namespace, as the dynamic import gives it (loaded only on a cache miss).
type Ts = typeof import('typescript');

/** One type error, at a place in a file. */
export interface TypeProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

export interface TypecheckResult {
  /** Per spec file (absolute path): its type errors, [] when it type-checks. */
  readonly problems: ReadonlyMap<string, readonly TypeProblem[]>;
  /** How many of the files were answered from the cache. */
  readonly cached: number;
}

interface CacheEntry {
  readonly key: string;
  readonly file: string;
  /** Every source file the spec reaches, with its content hash. */
  readonly deps: Readonly<Record<string, string>>;
  readonly problems: readonly TypeProblem[];
}

const FORMAT = 1;
const sha1 = (s: string | Buffer): string => createHash('sha1').update(s).digest('hex');
const hashOf = (file: string): string | undefined => (existsSync(file) ? sha1(readFileSync(file)) : undefined);

function toolKey(root: string): string {
  const require = createRequire(import.meta.url);
  const tsVersion = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version as string;
  return `${FORMAT}/${tsVersion}/${hashOf(join(root, 'tsconfig.json')) ?? '-'}`;
}

const cacheFile = (root: string, file: string): string => join(root, '.tmp', 'typecheck', `${sha1(file)}.json`);

function readCache(root: string, file: string, key: string): CacheEntry | undefined {
  try {
    const e = JSON.parse(readFileSync(cacheFile(root, file), 'utf8')) as CacheEntry;
    if (e.key !== key || e.file !== file) return undefined;
    for (const [dep, h] of Object.entries(e.deps)) if (hashOf(dep) !== h) return undefined;
    return e;
  } catch {
    return undefined;
  }
}

function writeCache(root: string, e: CacheEntry): void {
  const to = cacheFile(root, e.file);
  try {
    mkdirSync(dirname(to), { recursive: true });
    // Write then rename: concurrent runs (the test suite) never read half a file.
    const tmp = `${to}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(e));
    renameSync(tmp, to);
  } catch {
    // A read-only checkout still type-checks; it only cannot remember.
  }
}

/** The files whose cached result is still valid, and the others. */
export function lookupCache(
  files: readonly string[],
  root: string,
  key = toolKey(root),
): { problems: Map<string, readonly TypeProblem[]>; misses: string[] } {
  const problems = new Map<string, readonly TypeProblem[]>();
  const misses: string[] = [];
  for (const f of files) {
    const hit = readCache(root, f, key);
    if (hit) problems.set(f, hit.problems);
    else misses.push(f);
  }
  return { problems, misses };
}

/**
 * Type-checks the spec files, each with everything it imports, under the
 * repository's tsconfig.json. Only errors in the user's files are reported:
 * not in mmcheck's own src/ (npm run typecheck keeps that clean), nor in
 * node_modules.
 */
export async function typecheckSpecs(files: readonly string[], root: string): Promise<TypecheckResult> {
  const key = toolKey(root);
  const { problems, misses } = lookupCache(files, root, key);
  if (misses.length) {
    const ts = (await import('typescript')).default;
    for (const [f, e] of compile(ts, misses, root)) {
      problems.set(f, e.problems);
      writeCache(root, { key, ...e });
    }
  }
  return { problems, cached: files.length - misses.length };
}

/** Cannot find name / module / namespace / type definitions / lib: what a missing @types/node or DOM lib gives. */
const MISSING_DECLARATION = new Set([2304, 2307, 2503, 2552, 2580, 2583, 2584, 2585, 2591, 2592, 2688, 2724, 2875]);

function compile(ts: Ts, roots: readonly string[], root: string): Map<string, Omit<CacheEntry, 'key'>> {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const options = { ...ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, root).options, noEmit: true };
  // Without @types/node and the DOM library the compiler reads a fraction of
  // the declarations. Specs rarely use Node's API or console; when one does,
  // a name or module is missing, and such errors are confirmed with the full
  // configuration before any is reported.
  const lean = options.lib ? {} : { lib: [ts.getDefaultLibFileName(options).replace('.full.d.ts', '.d.ts')] };
  let program = ts.createProgram(roots, { ...options, types: [], ...lean });
  let out = collect(ts, program, roots, root);
  if ([...out.values()].some((e) => e.problems.some((p) => MISSING_DECLARATION.has(p.code)))) {
    program = ts.createProgram(roots, options, undefined, program);
    out = collect(ts, program, roots, root);
  }
  return out;
}

function collect(ts: Ts, program: TS.Program, roots: readonly string[], root: string): Map<string, Omit<CacheEntry, 'key'>> {
  const own = join(root, 'src') + sep;
  const isUserFile = (f: string): boolean => !f.startsWith(own) && !f.split(/[\\/]/).includes('node_modules');
  const perFile = new Map<string, TypeProblem[]>();
  const problemsIn = (f: string): TypeProblem[] => {
    let p = perFile.get(f);
    if (p) return p;
    const sf = program.getSourceFile(f);
    p = [];
    if (sf) {
      const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
      for (const d of diags) {
        if (d.category !== ts.DiagnosticCategory.Error) continue;
        const { line, character } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
        p.push({ file: f, line: line + 1, column: character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') });
      }
    }
    perFile.set(f, p);
    return p;
  };
  const out = new Map<string, Omit<CacheEntry, 'key'>>();
  for (const r of roots) {
    const file = resolve(r);
    const deps: Record<string, string> = {};
    const problems: TypeProblem[] = [];
    for (const f of closure(ts, program, file)) {
      deps[f] = hashOf(f) ?? '-';
      if (isUserFile(f)) problems.push(...problemsIn(f));
    }
    out.set(r, { file: r, deps, problems });
  }
  return out;
}

/** The files a root reaches through imports, outside node_modules, itself first. */
function closure(ts: Ts, program: TS.Program, rootFile: string): string[] {
  const seen = new Set<string>();
  const todo = [rootFile];
  const options = program.getCompilerOptions();
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const sf = program.getSourceFile(f);
    if (!sf) continue;
    for (const imp of ts.preProcessFile(sf.text, true, true).importedFiles) {
      const r = ts.resolveModuleName(imp.fileName, f, options, ts.sys).resolvedModule;
      if (r && !r.isExternalLibraryImport && !r.resolvedFileName.endsWith('.d.ts')) todo.push(resolve(r.resolvedFileName));
    }
  }
  return [...seen].sort();
}

/** The errors as the compiler prints them, file:line:col first, paths relative to cwd. */
export function formatTypeProblems(problems: readonly TypeProblem[], cwd = process.cwd()): string {
  return problems
    .map((p) => {
      const [first, ...rest] = p.message.split('\n');
      return [`${relative(cwd, p.file) || p.file}:${p.line}:${p.column} - error TS${p.code}: ${first}`, ...rest.map((l) => `    ${l.trim()}`)].join('\n');
    })
    .join('\n');
}

function typeErrorMessage(file: string, problems: readonly TypeProblem[]): string {
  return (
    `${relative(process.cwd(), file) || file} does not type-check (--no-typecheck runs it anyway):\n` +
    formatTypeProblems(problems)
  );
}

/** A spec named on the command line: a SpecError listing its type errors, if any. */
export async function refuseTypeErrors(file: string, root: string): Promise<void> {
  const { problems } = await typecheckSpecs([file], root);
  const p = problems.get(file) ?? [];
  if (p.length) throw new SpecError(typeErrorMessage(file, p));
}

/** The all-specs run: the specs that type-check, and one broken entry per spec that does not. */
export async function splitByTypes(specs: readonly FoundSpec[], root: string): Promise<{ specs: FoundSpec[]; broken: BrokenSpec[] }> {
  const { problems } = await typecheckSpecs(
    specs.map((s) => s.file),
    root,
  );
  const ok: FoundSpec[] = [];
  const broken: BrokenSpec[] = [];
  for (const s of specs) {
    const p = problems.get(s.file) ?? [];
    if (p.length) broken.push({ file: s.file, message: typeErrorMessage(s.file, p) });
    else ok.push(s);
  }
  return { specs: ok, broken };
}
