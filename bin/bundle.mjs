// Cached esbuild bundles of mmcheck's CLI and of each spec, so that a check
// starts without Node's module-hook thread and without one module load per
// source file (together ~60% of a small spec's start-up, see
// docs/performance.md).
//
// - The CLI bundle: src/cli/main.ts and src/index.ts as two entry points
//   with code splitting, so that what main.ts imports lazily (the symbolic
//   engines, --html, --watch, ...) stays lazy, in chunks of its own, and the
//   public API a spec imports is the very module instance the CLI uses.
// - A spec bundle: the spec and every user file it imports (models/, its
//   helpers) in one file with an inline source map, so stack positions,
//   `thrown at` lines and the call sites the symbolic engine reads name the
//   .ts line:column they do under per-file transforms. Its import of
//   src/index.ts points at the CLI bundle's index chunk. A spec that imports
//   another file of mmcheck's src/ cannot share that module with the CLI:
//   it gets a clear error (specs import only the public API).
//
// Staleness: a bundle is used only when every input esbuild read for it
// (its metafile lists them) is unchanged. Unchanged means same size, mtime,
// ctime and inode; an input whose ctime is within RACY_NS of the build, or
// whose stat changed, is compared by content hash instead (as git does for
// "racily clean" index entries: file times are coarse, so an edit within
// the same tick as the build could leave them equal). A missing input means
// a rebuild. The key also holds the esbuild and Node versions and FORMAT.
// Outputs are content-addressed and written by rename, so concurrent runs
// never read half a bundle or a bundle that another run is replacing.

import { createHash } from 'node:crypto';
import { isBuiltin } from 'node:module';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src') + sep;
const INDEX = join(ROOT, 'src', 'index.ts');
const CACHE = process.env.MMCHECK_TS_CACHE || join(ROOT, '.tmp', 'ts-cache');
const BUNDLES = join(CACHE, 'bundles');
// Bump when the build options below change: old manifests then never match.
const FORMAT = 'mmcheck-bundle/1';
// Coarse file times: a file changed this close to a build is checked by content.
const RACY_NS = 3_000_000_000n;

const sha1 = (x) => createHash('sha1').update(x).digest('hex');

function esbuildVersion() {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}
const TOOLS = `${FORMAT}\0${esbuildVersion()}\0${process.versions.node}\0`;

/**
 * What a bundle was built from: [path, size, mtimeNs, ctimeNs, ino, sha1],
 * the hash of the text esbuild was given (stat after the read: a change in
 * between makes the two disagree, and the check below then rebuilds).
 */
export function fingerprint(file, hashes) {
  const st = statSync(file, { bigint: true });
  const hash = hashes.get(file) ?? sha1(readFileSync(file, 'utf8'));
  return [file, String(st.size), String(st.mtimeNs), String(st.ctimeNs), String(st.ino), hash];
}

/** Exported for its test. */
export function unchanged(inputs, builtNs) {
  for (const [file, size, mtime, ctime, ino, hash] of inputs) {
    const st = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!st) return false;
    const same = String(st.size) === size && String(st.mtimeNs) === mtime && String(st.ctimeNs) === ctime && String(st.ino) === ino;
    if (same && st.ctimeNs + RACY_NS < builtNs) continue;
    let now;
    try {
      now = sha1(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
    if (now !== hash) return false;
  }
  return true;
}

function readManifest(path) {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8'));
    if (m.format !== FORMAT || !unchanged(m.inputs, BigInt(m.builtNs))) return undefined;
    for (const f of Object.values(m.outputs)) if (!existsSync(f)) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** Write then rename: a concurrent run never reads half a file. */
function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.json': 'json' };

/**
 * Reads every input for esbuild, so that the content hash kept for it is of
 * the very text bundled (a file edited during the build then never matches).
 * `import.meta.url` (and dirname, filename) of each bundled file stays that
 * of its source file: src/ finds the repository root, the worker script and
 * the compiler through it, and a spec may find its data files.
 */
function readInputs(hashes) {
  return {
    name: 'mmcheck-read-inputs',
    setup(build) {
      build.onLoad({ filter: /\.([cm]?[jt]s|json)$/ }, (args) => {
        const loader = LOADERS[args.path.slice(args.path.lastIndexOf('.'))];
        const text = readFileSync(args.path, 'utf8');
        hashes.set(args.path, sha1(text));
        if (!text.includes('import.meta')) return { contents: text, loader };
        const lit = (x) => JSON.stringify(x);
        return {
          loader,
          contents: text
            .replace(/\bimport\.meta\.url\b/g, lit(pathToFileURL(args.path).href))
            .replace(/\bimport\.meta\.dirname\b/g, lit(dirname(args.path)))
            .replace(/\bimport\.meta\.filename\b/g, lit(args.path)),
        };
      });
    },
  };
}

// The options of the per-file transform (bin/ts-hooks.mjs), so code means the same.
const COMMON = {
  bundle: true,
  write: false,
  metafile: true,
  format: 'esm',
  platform: 'node',
  target: `node${process.versions.node}`,
  packages: 'external',
  minifyWhitespace: true,
  keepNames: true,
  logLevel: 'silent',
  absWorkingDir: ROOT,
  // As the transform, which reads no tsconfig.json.
  tsconfigRaw: '{}',
};

let esbuild;
async function build(options) {
  esbuild ??= await import('esbuild');
  return esbuild.build({ ...COMMON, ...options });
}

const inputsOf = (metafile, hashes) => Object.keys(metafile.inputs).map((p) => fingerprint(resolve(ROOT, p), hashes));

/**
 * The CLI bundle, built when missing or stale: { main, index } as file URLs,
 * or undefined when it cannot be built (a syntax error in src/, a read-only
 * tree): the caller then runs the sources through the module hooks, which
 * report such errors as before.
 */
export async function cliBundle() {
  // The bundle imports mmcheck's dependencies by name, found from where it lies.
  if (!BUNDLES.startsWith(ROOT)) return undefined;
  const manifestPath = join(BUNDLES, `cli-${sha1(TOOLS + ROOT)}.json`);
  let m = readManifest(manifestPath);
  if (!m) {
    try {
      m = await buildCli(manifestPath);
    } catch {
      return undefined;
    }
  }
  return { main: pathToFileURL(m.outputs.main).href, index: pathToFileURL(m.outputs.index).href };
}

// Small CommonJS packages every run loads: bundled, so Node compiles them in
// the bundle instead of starting its CommonJS loader for each (~30 ms).
const BUNDLED_PACKAGES = new Set(['commander', 'picocolors']);
const bundleSomePackages = {
  name: 'mmcheck-bundled-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (BUNDLED_PACKAGES.has(args.path) || !args.importer.startsWith(ROOT)) return undefined;
      return { path: args.path, external: true };
    });
  },
};
// Bundled CommonJS requires Node's built-in modules through `require`.
const REQUIRE = "import{createRequire as __mmcheckRequire}from'node:module';const require=__mmcheckRequire(import.meta.url);";

async function buildCli(manifestPath) {
  // Before anything is read: an input changed after this is within RACY_NS.
  const builtNs = BigInt(Date.now()) * 1_000_000n;
  const hashes = new Map();
  const tmpOut = join(BUNDLES, 'cli-out');
  const r = await build({
    entryPoints: { main: join(ROOT, 'src/cli/main.ts'), index: INDEX },
    splitting: true,
    outdir: tmpOut,
    chunkNames: 'chunk-[hash]',
    packages: undefined,
    banner: { js: REQUIRE },
    plugins: [bundleSomePackages, readInputs(hashes)],
  });
  const inputs = inputsOf(r.metafile, hashes);
  // Frames in the bundle are mmcheck's own code: named under src/ (which
  // src/spec/throw-site.ts skips when it looks for the user's line), not
  // under the cache, where they would pass for user code.
  const files = r.outputFiles.map((f) => ({
    name: relative(tmpOut, f.path),
    text: `${f.text}\n//# sourceURL=${pathToFileURL(join(SRC, `bundled.${basename(f.path)}`)).href}\n`,
  }));
  const dir = join(BUNDLES, `cli-${sha1(files.map((f) => `${f.name}\0${f.text}`).join('\0'))}`);
  if (!existsSync(join(dir, 'main.js'))) {
    const tmpDir = `${dir}.${process.pid}.tmp`;
    rmSync(tmpDir, { recursive: true, force: true });
    for (const f of files) writeAtomic(join(tmpDir, f.name), f.text);
    try {
      renameSync(tmpDir, dir);
    } catch {
      // Another run put the same content there first.
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  const m = { format: FORMAT, builtNs: String(builtNs), inputs, outputs: { main: join(dir, 'main.js'), index: join(dir, 'index.js') } };
  writeAtomic(manifestPath, JSON.stringify(m));
  return m;
}

/** Why a spec bundle could not be made from the spec's own code (shown to the user). */
export class SpecBundleError extends Error {}


/**
 * The URL of a bundle of the spec `file` and the user files it imports, its
 * import of src/index.ts bound to the CLI bundle's `index` chunk. Throws
 * SpecBundleError when the spec imports another module of src/. Undefined
 * when the spec imports a package, which must be found from the spec's
 * directory, not from the cache. Any other failure (a missing or broken
 * file) is left to the caller. In both cases the caller imports the file
 * through the module hooks, so that it runs, or fails with the error it
 * always gave.
 */
export async function specBundle(file, index) {
  const manifestPath = join(BUNDLES, `spec-${sha1(`${TOOLS}${file}\0${index}`)}.json`);
  const m = readManifest(manifestPath) ?? (await buildSpec(file, index, manifestPath));
  return m.outputs.spec === undefined ? undefined : pathToFileURL(m.outputs.spec).href;
}

async function buildSpec(file, index, manifestPath) {
  const builtNs = BigInt(Date.now()) * 1_000_000n;
  const hashes = new Map();
  let internal;
  let pkg;
  const publicApiOnly = {
    name: 'mmcheck-public-api',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length) return r;
        if (r.external) {
          if (!isBuiltin(r.path)) pkg ??= args.path;
          return r;
        }
        if (!r.path.startsWith(SRC)) return r;
        if (r.path === INDEX) return { path: index, external: true };
        internal ??= { importer: args.importer, path: r.path };
        return { path: index, external: true };
      });
    },
  };
  const outfile = join(BUNDLES, 'spec-out.mjs');
  const r = await build({
    entryPoints: [file],
    outfile,
    sourcemap: 'inline',
    plugins: [publicApiOnly, readInputs(hashes)],
  });
  if (internal)
    throw new SpecBundleError(
      `${relative(process.cwd(), internal.importer) || internal.importer} imports mmcheck's internal module ` +
        `${relative(ROOT, internal.path)}: specs and models import only the public API, src/index.ts ` +
        '(or run with MMCHECK_BUNDLE=0)',
    );
  let outputs = {};
  if (!pkg) {
    const text = r.outputFiles.find((f) => f.path === outfile).text;
    outputs = { spec: join(BUNDLES, `spec-${sha1(text)}.mjs`) };
    if (!existsSync(outputs.spec)) writeAtomic(outputs.spec, text);
  }
  const m = { format: FORMAT, builtNs: String(builtNs), inputs: inputsOf(r.metafile, hashes), outputs };
  writeAtomic(manifestPath, JSON.stringify(m));
  return m;
}
