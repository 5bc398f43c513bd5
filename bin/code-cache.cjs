// Runs the CLI bundle (CommonJS, ./bundle.cjs) with a V8 code cache beside
// it, so that a run deserializes the bytecode of the functions the last run
// compiled instead of parsing and compiling the bundle again. Node 20 has no
// code cache for ES modules (module.enableCompileCache came in Node 22), so
// the CLI bundle is CommonJS, compiled here through vm.Script, as the
// v8-compile-cache package does.
//
// A cache is used only for the very text it was made from:
// - its file name holds V8's version and the architecture, and lies beside a
//   content-addressed bundle (./bundle.cjs), so an edit of src/ means
//   another bundle and another cache;
// - its header holds the SHA-1 of the compiled text and of the data. V8's own
//   check of a cache compares the source's length, not its text, and in a
//   release build does not checksum the data (a cache with a byte of its
//   data flipped is accepted: checked on Node 20): a bundle edited in place
//   (same length) or a damaged file would otherwise run stale or crash.
// A cache that is missing, of another text or damaged is ignored; the run
// then compiles as usual and writes a new cache as it exits (after the run,
// so that it holds the functions the run compiled, not only the top level).
// Written to a temporary file and renamed: a concurrent run reads the old
// file or the new one, never half of one. MMCHECK_CODE_CACHE=0: no cache
// (for the start-up bench's "before" row and the tests).

'use strict';

const { createHash } = require('node:crypto');
const { isAscii } = require('node:buffer');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const vm = require('node:vm');
// Module.createRequire: the node:module library would load Node's ES module loader.
const { createRequire } = module.constructor;

const HASH = 20; // bytes of a SHA-1
const sha1 = (x) => createHash('sha1').update(x).digest();

/** What the bundle calls instead of import() (./bundle.cjs says why). */
const DYNAMIC_IMPORT = '__mmcheckDynamicImport';
// Bare names resolve from here as from src/ (the same node_modules), and
// the bundle imports nothing by a relative path.
const dynamicImport = (specifier, options) => import(specifier, options);

// CommonJS's own wrapper, on a line of its own so that the bundle's line
// numbers in stack frames stay its own.
const HEAD = `(function (exports, require, module, __filename, __dirname, ${DYNAMIC_IMPORT}) {\n`;
const TAIL = '\n})';
/** What V8 compiles for the bundle `source` (and what its cache is of). */
const compiledText = (source) => HEAD + source + TAIL;
/** The SHA-1 of compiledText(bytes as UTF-8): hashed as bytes, which costs a fifth of hashing the string. */
const compiledTextHash = (bytes) => createHash('sha1').update(HEAD).update(bytes).update(TAIL).digest();


/** Where the code cache of the bundle `file` lies. */
function codeCachePath(file) {
  return `${file}.v8-${process.versions.v8}-${process.arch}.cache`;
}

/** The cache's data when it was made from the text whose SHA-1 is `textHash` and is intact; else undefined. */
function readCodeCache(path, textHash) {
  let buf;
  try {
    buf = readFileSync(path);
  } catch {
    return undefined;
  }
  if (buf.length <= 2 * HASH || !buf.subarray(0, HASH).equals(textHash)) return undefined;
  const data = buf.subarray(2 * HASH);
  return buf.subarray(HASH, 2 * HASH).equals(sha1(data)) ? data : undefined;
}

/** Best effort: a read-only tree or a full disk only means no cache next time. */
function writeCodeCache(path, textHash, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([textHash, sha1(data), data]));
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/**
 * Runs the CommonJS file `file` in this context, as Node's loader would,
 * named `filename` in stack frames; its calls of DYNAMIC_IMPORT are import()
 * here (Node's ES module loader, with any module hooks registered).
 */
function runCommonJs(file, filename) {
  const bytes = readFileSync(file);
  // esbuild writes ASCII (its default charset): then a byte is a character,
  // and a one-byte decode is several times cheaper than UTF-8's.
  const text = compiledText(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'));
  const textHash = compiledTextHash(bytes);
  const path = codeCachePath(file);
  const cachedData = process.env.MMCHECK_CODE_CACHE === '0' ? undefined : readCodeCache(path, textHash);
  const script = new vm.Script(text, { filename, lineOffset: -1, cachedData });
  if (process.env.MMCHECK_CODE_CACHE !== '0' && (cachedData === undefined || script.cachedDataRejected))
    process.once('exit', () => writeCodeCache(path, textHash, script.createCachedData()));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(filename), module, filename, dirname(filename), dynamicImport);
  return module.exports;
}

module.exports = { DYNAMIC_IMPORT, codeCachePath, compiledText, compiledTextHash, readCodeCache, runCommonJs, writeCodeCache };
