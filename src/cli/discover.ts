// Finding specs: every *.ts under specs/ whose default export is a Spec, or a
// spec named on the command line (by name or by file path).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Spec } from '../spec/spec.ts';
import { SpecError } from '../spec/errors.ts';
import { UsageError } from './errors.ts';

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
    mod = await import(pathToFileURL(file).href);
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

/** All specs under specsDir, in file order. Spec names must be unique. */
export async function discoverSpecs(specsDir: string, root: string): Promise<FoundSpec[]> {
  const out: FoundSpec[] = [];
  for (const file of specFiles(specsDir)) {
    const spec = await loadSpecFile(file, root);
    if (!spec) continue;
    const twin = out.find((f) => f.spec.name === spec.name);
    if (twin)
      throw new SpecError(
        `two specs are named '${spec.name}': ${relative(root, twin.file)} and ${relative(root, file)}`,
      );
    out.push({ spec, file });
  }
  return out;
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
  const all = await discoverSpecs(specsDir, root);
  const hit = all.find((f) => f.spec.name === arg);
  if (hit) return hit;
  const names = all.map((f) => f.spec.name);
  throw new UsageError(
    `unknown spec '${arg}'. Specs under ${relative(root, specsDir) || specsDir}/: ${names.length ? names.join(', ') : '(none)'}` +
      '\n(or give the path of a spec file)',
  );
}
