// Cached esbuild bundles of mmcheck's CLI and of each spec, so that a check
// starts without Node's module-hook thread, without one module load per
// source file, and without Node's ES module loader at all: every file a
// default run loads is CommonJS (see docs/performance.md).
//
// - The CLI bundle: src/cli/main.ts in one CommonJS file, run with a V8
//   code cache (./code-cache.cjs). What main.ts imports lazily (the
//   symbolic engines, --html, --watch, ...) stays lazy: esbuild runs it on
//   the first import(), V8 compiles a function when it is first called. The
//   bundle first puts src/index.ts's namespace on globalThis; api.cjs and
//   index.mjs beside it give that very object, so the public API a spec
//   uses is the module instance the CLI uses.
// - A spec bundle: the spec and every user file it imports (models/, its
//   helpers) in one CommonJS file with an inline source map, so stack
//   positions, `thrown at` lines and the call sites the symbolic engine
//   reads name the .ts line:column they do under per-file transforms. Its
//   import of src/index.ts is the CLI bundle's api.cjs. A spec that imports
//   another file of mmcheck's src/ cannot share that module with the CLI:
//   it gets a clear error (specs import only the public API).
// - Both begin with 'use strict': ES modules are strict code.
//
// Staleness: a bundle is used only when every input esbuild read for it
// (its metafile lists them) is unchanged. Unchanged means same size, mtime,
// ctime and inode; an input whose ctime is within RACY_NS of the build, or
// whose stat changed, is compared by content hash instead (as git does for
// "racily clean" index entries: file times are coarse, so an edit within
// the same tick as the build could leave them equal). A missing input means
// a rebuild. The key also holds the esbuild and Node versions, FORMAT and
// the text of this file and of ./code-cache.cjs.
// Outputs are content-addressed and written by rename, so concurrent runs
// never read half a bundle or a bundle that another run is replacing.

'use strict';

const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');
const { pathToFileURL } = require('node:url');
const { DYNAMIC_IMPORT } = require('./code-cache.cjs');

const ROOT = join(__dirname, '..') + sep;
const SRC = join(ROOT, 'src') + sep;
const INDEX = join(ROOT, 'src', 'index.ts');
const CACHE = process.env.MMCHECK_TS_CACHE || join(ROOT, '.tmp', 'ts-cache');
const BUNDLES = join(CACHE, 'bundles');
// Old manifests never match a new format (and see OWN_CODE below).
const FORMAT = 'mmcheck-bundle/2';
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
// This file and the runner decide what a bundle holds and how it is called:
// an edit of either is a new key, as a new esbuild or Node is.
const OWN_CODE = sha1(['bundle.cjs', 'code-cache.cjs'].map((f) => readFileSync(join(ROOT, 'bin', f), 'utf8')).join('\0'));
const TOOLS = `${FORMAT}\0${esbuildVersion()}\0${process.versions.node}\0${OWN_CODE}\0`;

/**
 * What a bundle was built from: [path, size, mtimeNs, ctimeNs, ino, sha1],
 * the hash of the text esbuild was given (stat after the read: a change in
 * between makes the two disagree, and the check below then rebuilds).
 */
function fingerprint(file, hashes) {
  const st = statSync(file, { bigint: true });
  const hash = hashes.get(file) ?? sha1(readFileSync(file, 'utf8'));
  return [file, String(st.size), String(st.mtimeNs), String(st.ctimeNs), String(st.ino), hash];
}

/** Exported for its test. */
function unchanged(inputs, builtNs) {
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

// The one module of src/ that imports .ts files itself at run time: the
// symbolic front end (symbolic engines, --por) loads the user's modules. In
// the bundled CLI, evaluating it first registers the module hooks
// (./use-bundles.cjs), with src/index.ts bound to the bundle's index.mjs.
const IMPORTS_TS = join(ROOT, 'src', 'symbolic', 'instrument.ts');
const NEED_TS_HOOKS = "globalThis[Symbol.for('mmcheck.needTsHooks')]?.();\n";

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
        const read = readFileSync(args.path, 'utf8');
        hashes.set(args.path, sha1(read));
        const text = args.path === IMPORTS_TS ? NEED_TS_HOOKS + read : read;
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

async function build(options) {
  // Loaded only to build (its service process is started on first use).
  return require('esbuild').build({ ...COMMON, ...options });
}

const inputsOf = (metafile, hashes) => Object.keys(metafile.inputs).map((p) => fingerprint(resolve(ROOT, p), hashes));

/**
 * The CLI bundle, built when missing or stale: { main, api, index }: the
 * path of the CLI (CommonJS, run by ./code-cache.cjs), the path of the
 * public API as a CommonJS module (what spec bundles require) and the file
 * URL of it as an ES module (what the user's modules import through the
 * module hooks); or undefined when it cannot be built (a syntax error in
 * src/, a read-only tree): the caller then runs the sources through the
 * module hooks, which report such errors as before.
 */
async function cliBundle() {
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
  return { main: m.outputs.main, api: m.outputs.api, index: pathToFileURL(m.outputs.index).href };
}

// Small CommonJS packages every run loads: bundled, so Node compiles them in
// the bundle instead of starting its CommonJS loader for each (~30 ms).
const BUNDLED_PACKAGES = new Set(['commander', 'picocolors']);
const bundleSomePackages = {
  name: 'mmcheck-bundled-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      // commander requires child_process (and with it net, dgram, streams:
      // ~10 ms) only to run executable subcommands, which mmcheck has none of.
      if (args.path === 'node:child_process' && args.importer.includes(`${sep}commander${sep}`))
        return { path: 'child_process', namespace: VIRTUAL };
      if (BUNDLED_PACKAGES.has(args.path) || !args.importer.startsWith(ROOT)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// ES modules are strict code; the CommonJS esbuild makes of them is not,
// unless it says so (a write to a frozen object would then pass silently).
const STRICT = "'use strict';";

// Modules of the CLI bundle that are no file: its entry point, and the
// child_process that commander gets, loaded when first used.
const VIRTUAL = 'mmcheck-virtual';
const API = "Symbol.for('mmcheck.api')";
const virtualModules = {
  name: 'mmcheck-virtual-modules',
  setup(b) {
    b.onResolve({ filter: /^cli-entry$/ }, () => ({ path: 'cli-entry', namespace: VIRTUAL }));
    b.onResolve({ filter: /^api$/, namespace: VIRTUAL }, () => ({ path: 'api', namespace: VIRTUAL }));
    const contents = {
      // The public API first, as one object that api.cjs and index.mjs give
      // (one instance of it: what the CLI uses is what a spec imports), then
      // the CLI, which runs at once.
      'cli-entry': `import 'api';\nimport ${JSON.stringify(join(ROOT, 'src/cli/main.ts'))};\n`,
      api: `import * as api from ${JSON.stringify(INDEX)};\nglobalThis[${API}] = api;\n`,
      child_process: "let cp;\nmodule.exports = new Proxy({}, { get: (_, k) => (cp ??= require('node:child_process'))[k] });\n",
    };
    b.onLoad({ filter: /.*/, namespace: VIRTUAL }, (args) => ({ contents: contents[args.path], resolveDir: ROOT, loader: 'js' }));
  },
};

const API_MODULE = `'use strict';\nconst api = globalThis[${API}];\nif (api === undefined) throw new Error('mmcheck: the CLI bundle is not loaded');\nmodule.exports = api;\n`;

/** The public API as an ES module: the CLI bundle's object, under the export names of src/index.ts. */
async function indexModule() {
  const r = await build({ entryPoints: [INDEX], outfile: join(BUNDLES, 'index-out.mjs') });
  const names = Object.values(r.metafile.outputs)[0].exports;
  const lines = [`const api = globalThis[${API}];`, "if (api === undefined) throw new Error('mmcheck: the CLI bundle is not loaded');"];
  names.forEach((n, i) => lines.push(`const _${i} = api[${JSON.stringify(n)}];`));
  lines.push(`export { ${names.map((n, i) => `_${i} as ${JSON.stringify(n)}`).join(', ')} };`);
  return lines.join('\n') + '\n';
}

/**
 * import() calls the bundle makes (packages, the user's modules by URL) go
 * through the function ./code-cache.cjs passes in as DYNAMIC_IMPORT: V8 does
 * not keep a script's dynamic-import callback across its code cache, and a
 * plain import() in a script compiled from a cache throws "A dynamic import
 * callback was not specified". What esbuild leaves as import() is only
 * these calls (it has bundled every import of a file of src/); one that
 * follows a dot would be a method named import, and then the build fails
 * (the sources then run through the module hooks).
 */
function routeDynamicImports(text) {
  if (new RegExp(`\\b${DYNAMIC_IMPORT}\\b`).test(text) || /[.#]\s*import\s*\(/.test(text))
    throw new Error(`the CLI bundle has ${DYNAMIC_IMPORT} or a method named import`);
  return text.replace(/(?<![\w$.#])import\s*\(/g, `${DYNAMIC_IMPORT}(`);
}

async function buildCli(manifestPath) {
  // Before anything is read: an input changed after this is within RACY_NS.
  const builtNs = BigInt(Date.now()) * 1_000_000n;
  const hashes = new Map();
  const [r, index] = await Promise.all([
    build({
      entryPoints: { main: 'cli-entry' },
      // CommonJS, for the V8 code cache (./code-cache.cjs). What main.ts
      // imports lazily stays lazy: esbuild puts it in the same file but
      // runs it on the first import(); Node compiles a function only when
      // it is first called.
      format: 'cjs',
      banner: { js: STRICT },
      outdir: join(BUNDLES, 'cli-out'),
      packages: undefined,
      plugins: [virtualModules, bundleSomePackages, readInputs(hashes)],
    }),
    indexModule(),
  ]);
  const inputs = Object.keys(r.metafile.inputs)
    .filter((p) => !p.startsWith(`${VIRTUAL}:`))
    .map((p) => fingerprint(resolve(ROOT, p), hashes));
  const files = [
    { name: 'main.cjs', text: routeDynamicImports(r.outputFiles[0].text) },
    { name: 'index.mjs', text: index },
    { name: 'api.cjs', text: API_MODULE },
  ];
  const dir = join(BUNDLES, `cli-${sha1(files.map((f) => `${f.name}\0${f.text}`).join('\0'))}`);
  if (!existsSync(join(dir, 'main.cjs'))) {
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
  const m = { format: FORMAT, builtNs: String(builtNs), inputs, outputs: { main: join(dir, 'main.cjs'), api: join(dir, 'api.cjs'), index: join(dir, 'index.mjs') } };
  writeAtomic(manifestPath, JSON.stringify(m));
  return m;
}

/** Why a spec bundle could not be made from the spec's own code (shown to the user). */
class SpecBundleError extends Error {}


/**
 * The path of a bundle of the spec `file` and the user files it imports
 * (CommonJS, required: no ES module loader to start), its import of
 * src/index.ts bound to the CLI bundle's public API, `api`. Throws
 * SpecBundleError when the spec imports another module of src/. Undefined
 * when the spec imports a package, which must be found from the spec's
 * directory, not from the cache. Any other failure (a missing or broken
 * file, a top-level await, which CommonJS cannot hold) is left to the caller. In both cases the caller imports the file
 * through the module hooks, so that it runs, or fails with the error it
 * always gave.
 */
async function specBundle(file, api) {
  const manifestPath = join(BUNDLES, `spec-${sha1(`${TOOLS}${file}\0${api}`)}.json`);
  const m = readManifest(manifestPath) ?? (await buildSpec(file, api, manifestPath));
  return m.outputs.spec;
}

async function buildSpec(file, api, manifestPath) {
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
          if (!require('node:module').isBuiltin(r.path)) pkg ??= args.path;
          return r;
        }
        if (!r.path.startsWith(SRC)) return r;
        if (r.path === INDEX) return { path: api, external: true };
        internal ??= { importer: args.importer, path: r.path };
        return { path: api, external: true };
      });
    },
  };
  const outfile = join(BUNDLES, 'spec-out.cjs');
  const r = await build({
    entryPoints: [file],
    outfile,
    format: 'cjs',
    banner: { js: STRICT },
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
    outputs = { spec: join(BUNDLES, `spec-${sha1(text)}.cjs`) };
    if (!existsSync(outputs.spec)) writeAtomic(outputs.spec, text);
  }
  const m = { format: FORMAT, builtNs: String(builtNs), inputs: inputsOf(r.metafile, hashes), outputs };
  writeAtomic(manifestPath, JSON.stringify(m));
  return m;
}

module.exports = { cliBundle, fingerprint, routeDynamicImports, specBundle, SpecBundleError, unchanged };
