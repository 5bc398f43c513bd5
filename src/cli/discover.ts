// Finding specs: every *.ts under specs/ whose default export is a Spec, or a
// spec named on the command line (by name or by file path).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Spec } from '../spec/spec.ts';
import { SpecError } from '../spec/errors.ts';
import { UsageError } from './errors.ts';
import { importUserModule } from './user-modules.ts';

export interface FoundSpec {
  readonly spec: Spec<any>;
  /** The absolute path of the module that exports it. */
  readonly file: string;
}

function isSpec(x: unknown): x is Spec<any> {
  const s = x as Spec<any>;
  return (
    typeof s === 'object' && s !== null && typeof s.name === 'string' && Array.isArray(s.variants) && typeof s.build === 'function'
  );
}

/** Every .ts file under dir, sorted, so runs list specs in a stable order. */
export function specFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * Imports a module and returns its default export if that is a Spec. A module
 * that fails to load is the spec author's error (SpecError), with the first
 * stack frame inside the file when there is one.
 */
export async function loadSpecFile(file: string, root: string): Promise<Spec<any> | undefined> {
  let mod: { default?: unknown };
  try {
    mod = (await importUserModule(file)) as { default?: unknown };
  } catch (e) {
    const err = e as Error;
    const frame = String(err?.stack ?? '')
      .split('\n')
      .find((l) => l.includes(file));
    const name = err?.name && err.name !== 'Error' && !String(err.message).startsWith(err.name) ? `${err.name}: ` : '';
    throw new SpecError(
      `cannot load ${relative(root, file) || file}: ${name}${err?.message ?? String(e)}${frame ? `\n  ${frame.trim().split(file).join(relative(root, file) || file)}` : ''}`,
    );
  }
  return isSpec(mod.default) ? mod.default : undefined;
}

/** A file under specs/ that cannot be checked: it fails to load, or its name is taken. */
export interface BrokenSpec {
  readonly file: string;
  readonly message: string;
}

/**
 * All specs under specsDir, in file order, and the files that could not be
 * loaded: one broken file must not stop the others from being checked.
 * Spec names must be unique; a second file with a taken name is broken.
 */
export async function discoverAll(specsDir: string, root: string): Promise<{ specs: FoundSpec[]; broken: BrokenSpec[] }> {
  const specs: FoundSpec[] = [];
  const broken: BrokenSpec[] = [];
  for (const file of specFiles(specsDir)) {
    let spec: Spec<any> | undefined;
    try {
      spec = await loadSpecFile(file, root);
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      broken.push({ file, message: e.message });
      continue;
    }
    if (!spec) continue;
    const twin = specs.find((f) => f.spec.name === spec.name);
    if (twin) {
      broken.push({ file, message: `two specs are named '${spec.name}': ${relative(root, twin.file)} and ${relative(root, file)}` });
      continue;
    }
    specs.push({ spec, file });
  }
  return { specs, broken };
}

/** The specs under specsDir that load (discoverAll lists the ones that do not). */
export async function discoverSpecs(specsDir: string, root: string): Promise<FoundSpec[]> {
  return (await discoverAll(specsDir, root)).specs;
}

/**
 * The directory a relative path on the command line is relative to. Under
 * `npm run check`, npm runs the script in the package root and passes the
 * caller's directory as INIT_CWD; anywhere else (node bin/mmcheck.js, a
 * test spawning the CLI under npm test) it is the working directory.
 */
export function callerCwd(env: NodeJS.ProcessEnv = process.env): string {
  const init = env.INIT_CWD;
  if (env.npm_lifecycle_event === 'check' && init && existsSync(init) && statSync(init).isDirectory()) return init;
  return process.cwd();
}

const looksLikePath = (arg: string): boolean => arg.endsWith('.ts') || arg.includes('/') || arg.includes('\\');

/** The spec a command-line argument names: a file path, or a spec name under specsDir. */
export async function findSpec(arg: string, specsDir: string, root: string): Promise<FoundSpec> {
  const asPath = resolve(arg);
  if (looksLikePath(arg) || (existsSync(asPath) && statSync(asPath).isFile())) {
    if (!existsSync(asPath) || !statSync(asPath).isFile()) throw new UsageError(`no such spec file: ${arg}`);
    const spec = await loadSpecFile(asPath, root);
    if (!spec)
      throw new UsageError(`${arg} does not export a spec (it needs: export default spec({ ... }))`);
    return { spec, file: asPath };
  }
  // Fast path: a file named after the spec, then every file.
  const files = specFiles(specsDir);
  for (const file of files.filter((f) => basename(f, '.ts') === arg)) {
    const spec = await loadSpecFile(file, root);
    if (spec?.name === arg) return { spec, file };
  }
  const { specs: all, broken } = await discoverAll(specsDir, root);
  const hit = all.find((f) => f.spec.name === arg);
  if (hit) return hit;
  const names = all.map((f) => f.spec.name);
  // A broken file is named, not its error: it is not the spec asked for.
  const unloadable = broken.length
    ? `\n(${broken.length} file(s) could not be loaded: ${broken.map((b) => relative(specsDir, b.file)).join(', ')})`
    : '';
  throw new UsageError(
    `unknown spec '${arg}'. Specs under ${relative(root, specsDir) || specsDir}/: ${names.length ? names.join(', ') : '(none)'}` +
      unloadable +
      '\n(or give the path of a spec file)',
  );
}
