// bin/code-cache.cjs: the CLI bundle runs with a V8 code cache. What must
// hold: a cache is never used for a text other than the one it was made from
// (V8's own check compares only the length: an in-place edit of the same
// length would run the old bytecode, which the test below shows would
// happen), a damaged cache is ignored and replaced, and edits of src/ or of
// a spec show in the next run.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript, no declarations
import { codeCachePath, compiledText, readCodeCache, writeCodeCache } from '../bin/code-cache.cjs';

const ROOT = join(import.meta.dirname, '..');
const WORK = mkdtempSync(join(ROOT, '.tmp', 'code-cache-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

// Each run below spawns mmcheck; an edit of src/ rebuilds the CLI bundle
// (about 2 CPU s). npm test keeps the cache's own promise (never used stale
// or damaged); CI's MMCHECK_PROOFS=1 step (.ci/run) also runs the edits of
// src/ and of the spec, and what a warm run loads.
const EVERY_CASE = process.env.MMCHECK_PROOFS === '1';
const inCi = (runs: boolean): string => (runs ? '' : ' [set MMCHECK_PROOFS=1]');

const sha1 = async (s: string | Buffer): Promise<Buffer> => (await import('node:crypto')).createHash('sha1').update(s).digest();

describe('the cache file', () => {
  it('gives its data only for the text it was made from, and only intact', async () => {
    const path = join(WORK, 'unit.cache');
    const text = await sha1('the text');
    const data = Buffer.from('some bytes V8 made', 'utf8');
    writeCodeCache(path, text, data);
    expect(readCodeCache(path, text)?.equals(data)).toBe(true);
    // Another text (an edited bundle): not used.
    expect(readCodeCache(path, await sha1('another text'))).toBeUndefined();
    const whole = readFileSync(path);
    // One byte of the data changed, header intact: not used.
    const flipped = Buffer.from(whole);
    flipped[flipped.length - 3]! ^= 0x40;
    writeFileSync(path, flipped);
    expect(readCodeCache(path, text)).toBeUndefined();
    // Cut short, cut to the header, empty, missing: not used.
    for (const cut of [whole.subarray(0, whole.length - 1), whole.subarray(0, 40), Buffer.alloc(0)]) {
      writeFileSync(path, cut);
      expect(readCodeCache(path, text)).toBeUndefined();
    }
    rmSync(path);
    expect(readCodeCache(path, text)).toBeUndefined();
  });
});

function mmcheck(
  root: string,
  args: string[],
  pre: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [...pre, join(root, 'bin/mmcheck.js'), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', MMCHECK_TS_CACHE: join(root, '.tmp', 'cache'), MMCHECK_BUNDLE: '1', MMCHECK_CODE_CACHE: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

describe('a run of the bundled CLI', () => {
  // A copy of the repository's code, so that src/, the spec and the bundle can be edited.
  const copy = join(WORK, 'copy');
  beforeAll(() => {
    for (const d of ['bin', 'src', 'specs']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(copy, f));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  });
  const bundles = join(copy, '.tmp', 'cache', 'bundles');
  const args = ['check', 'lost-update', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')];
  const run = () => mmcheck(copy, args);
  /** The one CLI bundle's main.cjs (content-addressed: a new one after an edit of src/). */
  const mainOf = (): string => {
    const dirs = readdirSync(bundles).filter((f) => /^cli-[0-9a-f]+$/.test(f));
    const newest = dirs.map((d) => join(bundles, d)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
    return join(newest, 'main.cjs');
  };
  const cacheStamp = (main: string): bigint => statSync(codeCachePath(main), { bigint: true }).mtimeNs;

  it('writes a cache, then uses it; a stale or damaged cache is never used', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('all 6 verdicts as expected');
    const main = mainOf();
    const written = cacheStamp(main);
    // Used: a run that uses the cache does not write it again.
    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(cacheStamp(main)).toBe(written);

    // The bundle edited in place, same length: V8 would accept the old
    // cache and print the old words; the text's hash refuses it.
    const text = readFileSync(main, 'utf8');
    expect(text).toContain('verdicts as expected');
    writeFileSync(main, text.replace('verdicts as expected', 'verdicts AS EXPECTED'));
    const edited = await run();
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('all 6 verdicts AS EXPECTED');
    expect(cacheStamp(main)).not.toBe(written);
    writeFileSync(main, text);

    // Damaged: garbage, and one byte of the data flipped under an intact header.
    for (const damage of [(b: Buffer) => Buffer.from('not a cache'), (b: Buffer) => ((b[b.length >> 1]! ^= 0x10), b)]) {
      const path = codeCachePath(main);
      // The cache of the restored text.
      expect((await run()).code).toBe(0);
      writeFileSync(path, damage(readFileSync(path)));
      const before = cacheStamp(main);
      const r = await run();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(first.stdout);
      // Replaced by a good one.
      expect(cacheStamp(main)).not.toBe(before);
      expect(readCodeCache(path, await sha1(compiledText(text)))).toBeDefined();
    }
  }, 180_000);

  it.runIf(EVERY_CASE)(`an edit of src/ or of the spec shows in the next run${inCi(EVERY_CASE)}`, async () => {
    const human = join(copy, 'src/report/human.ts');
    writeFileSync(human, readFileSync(human, 'utf8').replace('verdicts as expected', 'verdicts as EXPECTED'));
    const spec = join(copy, 'specs/classic/lost-update.ts');
    const specText = readFileSync(spec, 'utf8');
    expect(specText).toContain("'no lock'");
    writeFileSync(spec, specText.replace("'no lock'", "'NO LOCK'"));
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('all 6 verdicts as EXPECTED');
    expect(r.stdout).toContain('NO LOCK');
    // And again from the new bundle's cache.
    const again = await run();
    expect(again.stdout).toBe(r.stdout);
  }, 180_000);

  it.runIf(EVERY_CASE)(`a warm default run requires the two bundles and no compiler, solver, esbuild or ES module loader${inCi(EVERY_CASE)}`, async () => {
    const log = join(WORK, 'loaded.txt');
    expect((await run()).code).toBe(0);
    const r = await mmcheck(copy, args, ['-r', join(ROOT, 'test/fixtures/code-cache/loaded.cjs')], { MMCHECK_LOADED_LOG: log });
    expect(r.code, r.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // The log works: the CLI's public API and the spec's bundle were required.
    expect(loaded.filter((f) => /[\\/]bundles[\\/]cli-[0-9a-f]+[\\/]api\.cjs$/.test(f))).toHaveLength(1);
    expect(loaded.filter((f) => /[\\/]bundles[\\/]spec-[0-9a-f]+\.cjs$/.test(f))).toHaveLength(1);
    expect(loaded.filter((f) => /\.[cm]?ts$/.test(f))).toEqual([]);
    for (const heavy of ['typescript', 'ts-morph', 'z3-solver', 'esbuild', 'log-update'])
      expect(loaded.filter((f) => f.includes(`node_modules/${heavy}/`)), heavy).toEqual([]);
    // Node's ES module loader was not started (no module was imported).
    expect(loaded.filter((m) => /^builtin:NativeModule internal\/modules\/esm\/(translators|module_job|resolve)$/.test(m))).toEqual([]);
  }, 120_000);
});
