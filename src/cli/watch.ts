// --watch: re-check on save. Watches every spec's file and the files it
// imports (models/, helpers; relative imports, followed recursively); on a
// change it re-checks only the specs that reach the changed file, and prints
// only the verdicts that changed (and spec errors as they appear and go).
//
// Each check runs in a child process (`check <file> --json`): a fresh module
// graph sees the edited files (ES modules cannot be unloaded), and a spec
// that loops or crashes cannot take the watcher with it. The child is the
// mmcheck command itself (bin/mmcheck.js), so a re-check starts from the
// cached bundles (rebuilt for what was edited, bin/bundle.cjs) instead of
// transforming every source file again: ~0.2 s of start-up instead of ~1 s.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specFiles } from './discover.ts';

const BIN = fileURLToPath(new URL('../../bin/mmcheck.js', import.meta.url));
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The file an import specifier names, as Node with tsx resolves relative ones. */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const f of [base, `${base}.ts`, base.replace(/\.js$/, '.ts'), resolve(base, 'index.ts')])
    if (existsSync(f) && statSync(f).isFile()) return f;
  return undefined;
}

/** A spec file and every file it reaches through relative imports, outside node_modules. */
export function importClosure(file: string): Set<string> {
  const seen = new Set<string>();
  const todo = [resolve(file)];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || f.split(/[\\/]/).includes('node_modules')) continue;
    seen.add(f);
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(f, (m[1] ?? m[2])!);
      if (target) todo.push(target);
    }
  }
  return seen;
}

/** One verdict as the JSON output gives it. */
interface Verdict {
  readonly verdict: string;
  readonly expected?: string;
  readonly asExpected: boolean;
  readonly traceLength: number | null;
}

type SpecState = { readonly spec: string; readonly verdicts: ReadonlyMap<string, Verdict> } | { readonly error: string };

export interface WatchOptions {
  /** Spec files to watch; none: every spec file under specsDir (files added later too). */
  readonly files?: readonly string[];
  readonly specsDir: string;
  /** Options passed on to every check (the command line without the spec and --watch). */
  readonly checkArgs: readonly string[];
  readonly print: (line: string) => void;
  /** Milliseconds to wait for more changes before re-checking (editors write several times). */
  readonly debounceMs?: number;
}

function checkOnce(file: string, args: readonly string[]): Promise<SpecState> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, 'check', file, ...args, '--json', '--quiet'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', () => {
      try {
        const doc = JSON.parse(stdout) as { spec: string; results: (Verdict & { variant: string; property: string })[] };
        res({ spec: doc.spec, verdicts: new Map(doc.results.map((r) => [`${r.variant}/${r.property}`, r])) });
      } catch {
        res({ error: stderr.trim().replace(/^mmcheck: /, '') || 'the check printed no result' });
      }
    });
  });
}

const shown = (v: Verdict | undefined): string =>
  !v ? 'none' : v.verdict === 'violated' && v.traceLength !== null ? `violated (${v.traceLength} steps)` : v.verdict;

/** Lines for what changed between two results of one spec. */
export function changes(name: string, before: SpecState | undefined, after: SpecState): string[] {
  if ('error' in after) {
    return before && 'error' in before && before.error === after.error ? [] : [`${name}: ERROR ${after.error}`];
  }
  const out: string[] = [];
  if (before && 'error' in before) out.push(`${name}: loads again`);
  const old = before && 'verdicts' in before ? before.verdicts : new Map<string, Verdict>();
  for (const [k, v] of after.verdicts) {
    const o = old.get(k);
    if (o && o.verdict === v.verdict && o.traceLength === v.traceLength && o.asExpected === v.asExpected) continue;
    const mark = v.asExpected ? 'ok' : `UNEXPECTED (expected ${v.expected ?? 'nothing'})`;
    out.push(`${name}/${k}: ${o ? `${shown(o)} -> ` : ''}${shown(v)}  ${mark}`);
  }
  for (const k of old.keys()) if (!after.verdicts.has(k)) out.push(`${name}/${k}: gone`);
  return out;
}

function summary(states: ReadonlyMap<string, SpecState>): string {
  let n = 0;
  let bad = 0;
  let errors = 0;
  for (const s of states.values()) {
    if ('error' in s) errors++;
    else for (const v of s.verdicts.values()) (n++, v.asExpected || bad++);
  }
  return `${n} verdict(s), ${bad} not as expected${errors ? `, ${errors} spec file(s) with errors` : ''}`;
}

/** Runs until the process is interrupted; resolves never. */
export async function watchSpecs(o: WatchOptions): Promise<never> {
  const print = o.print;
  const specs = (): string[] => (o.files ? o.files.map((f) => resolve(f)) : specFiles(o.specsDir));
  const states = new Map<string, SpecState>();
  const closures = new Map<string, Set<string>>();
  const name = (f: string): string => relative(process.cwd(), f) || f;

  const recheck = async (files: readonly string[]): Promise<void> => {
    const results = await Promise.all(files.map(async (f) => [f, await checkOnce(f, o.checkArgs)] as const));
    let changed = 0;
    for (const [f, s] of results) {
      const lines = changes('spec' in s ? s.spec : name(f), states.get(f), s);
      changed += lines.length;
      lines.forEach(print);
      states.set(f, s);
      closures.set(f, importClosure(f));
    }
    if (!changed) print(`no verdict changed (${files.length} spec file(s) re-checked)`);
    print(summary(states));
  };

  print(`watching ${specs().length} spec file(s); checking ...`);
  await recheck(specs());

  // Directories, not files: editors that save by rename replace the file a watcher holds.
  const watchers = new Map<string, FSWatcher>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const onChange = (file: string): void => {
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const changedFiles = pending;
      pending = new Set();
      running = running.then(async () => {
        const all = specs();
        const affected = all.filter((f) => !closures.has(f) || [...changedFiles].some((c) => closures.get(f)!.has(c)));
        for (const f of [...states.keys()]) if (!all.includes(f)) (states.delete(f), print(`${name(f)}: removed`));
        if (!affected.length) return;
        print(`changed: ${[...changedFiles].map(name).join(', ')}; re-checking ${affected.map(name).join(', ')}`);
        await recheck(affected);
        watchDirs();
      });
    }, o.debounceMs ?? 200);
  };
  const watchDirs = (): void => {
    const dirs = new Set<string>([...closures.values()].flatMap((c) => [...c].map((f) => dirname(f))));
    if (!o.files) for (const f of specFiles(o.specsDir)) dirs.add(dirname(f));
    for (const d of dirs) {
      if (watchers.has(d)) continue;
      try {
        watchers.set(d, watch(d, (_event, fileName) => fileName && String(fileName).endsWith('.ts') && onChange(resolve(d, String(fileName)))));
      } catch {
        // A directory that vanished: its files count as changed when they come back.
      }
    }
  };
  watchDirs();
  print('waiting for changes (^C to stop)');
  return new Promise<never>(() => {});
}

/** Options that do not pass on to each check: the watcher's own, and what it asks of the child itself. */
const NOT_PASSED = new Set(['watch', 'json', 'quiet', 'matrix', 'replay', 'specsDir', 'traces', 'stats', 'updateGoldens', 'dumpGraph']);

/** The parsed options (commander's camelCase) back as command-line arguments for each check. */
export function checkArgsOf(flags: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(flags)) {
    if (NOT_PASSED.has(k) || v === undefined || v === true && (k === 'deadlock' || k === 'typecheck')) continue;
    const opt = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (v === false) out.push(`--no-${opt.slice(2)}`);
    else if (v === true) out.push(opt);
    else out.push(opt, String(v));
  }
  return out;
}
