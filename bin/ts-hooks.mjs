// Module hooks that let Node run mmcheck's TypeScript (src/, models/, specs)
// without tsx. Registered by ./register-ts.mjs; they run in Node's loader
// thread.
//
// Why not tsx: its loader took ~0.4 CPU s of a 0.6 s start-up (its own
// bundle in two threads, tsconfig discovery, esbuild started on every run).
// These hooks do one thing: a .ts file becomes JavaScript by esbuild's
// type stripping (the options tsx uses, so stack positions map to the same
// line:column, which src/spec/site.ts relies on), cached on disk under a key
// made of the file's path, its exact content and the transform's options.
// An edited file has a new key, so a stale transform can never run; a hit
// reads two small files and never loads esbuild.
//
// Source maps cost Node a parse per module at load (~20% of start-up), and
// only the user's files need them (spec and model positions, thrown-at
// lines). mmcheck's own src/ gets them only with --debug, whose stack
// traces are of src/.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = process.env.MMCHECK_TS_CACHE || join(ROOT, '.tmp', 'ts-cache');
// Bump when the options below change: old entries then never match.
const FORMAT = 'mmcheck-ts/1';

function esbuildVersion() {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}
const KEY_PREFIX = `${FORMAT}\0${esbuildVersion()}\0${process.versions.node}\0`;
const OWN_SRC = join(ROOT, 'src') + sep;
let mapOwn = true;
// URL -> URL: the bundled CLI's src/index.ts is its bundle chunk (./use-bundles.mjs).
let redirect = {};

/** From register(): { mapOwn } says whether src/ gets source maps; { redirect } what to load instead. */
export function initialize(data) {
  if (data && typeof data.mapOwn === 'boolean') mapOwn = data.mapOwn;
  if (data && data.redirect) redirect = data.redirect;
}

let esbuild;
async function transform(source, file, map) {
  esbuild ??= await import('esbuild');
  const r = await esbuild.transform(source, {
    loader: 'ts',
    format: 'esm',
    target: `node${process.versions.node}`,
    sourcefile: file,
    // Inline, so the stack of an error in a spec names the .ts line and column.
    sourcemap: map ? 'inline' : false,
    minifyWhitespace: true,
    keepNames: true,
  });
  return r.code;
}

function cachePath(file, source, map) {
  const key = createHash('sha1').update(KEY_PREFIX).update(map ? 'map\0' : 'nomap\0').update(file).update('\0').update(source).digest('hex');
  return join(CACHE, key.slice(0, 2), `${key}.mjs`);
}

function remember(path, code) {
  try {
    mkdirSync(dirname(path), { recursive: true });
    // Write then rename: a concurrent run never reads half a file.
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, path);
  } catch {
    // A read-only checkout still runs; it only transforms again next time.
  }
}

const isTs = (url) => url.startsWith('file:') && /\.(ts|mts)$/.test(url.split('?')[0]);

export async function load(url, context, nextLoad) {
  if (!isTs(url)) return nextLoad(url, context);
  const file = fileURLToPath(url.split('?')[0]);
  const source = readFileSync(file, 'utf8');
  const map = mapOwn || !file.startsWith(OWN_SRC);
  const path = cachePath(file, source, map);
  let code;
  try {
    code = readFileSync(path, 'utf8');
  } catch {
    code = await transform(source, file, map);
    remember(path, code);
  }
  return { format: 'module', source: code, shortCircuit: true };
}

// What tsx also accepts and Node alone does not: `./x.js` naming x.ts (the
// NodeNext convention), and `./x` without an extension. Tried only after
// Node's own resolution failed, so correct specifiers cost nothing.
export async function resolve(specifier, context, nextResolve) {
  const r = await resolveTs(specifier, context, nextResolve);
  const to = redirect[r.url];
  return to === undefined ? r : { url: to, format: 'module', shortCircuit: true };
}

async function resolveTs(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!relative || e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    const tries = specifier.endsWith('.js')
      ? [specifier.slice(0, -3) + '.ts']
      : /\.[cm]?[jt]s$/.test(specifier)
        ? []
        : [specifier + '.ts', specifier + '/index.ts'];
    for (const t of tries) {
      try {
        return await nextResolve(t, context);
      } catch {
        // next candidate
      }
    }
    throw e;
  }
}
