// bin/mmcheck.js runs a cached bundle of the CLI and of each spec
// (bin/bundle.mjs), or with MMCHECK_BUNDLE=0 (and --debug) the sources
// through mmcheck's own module hooks (bin/ts-hooks.mjs) with a transform
// cache on disk. What must hold in both: an edited or deleted file is never
// run from a stale bundle or transform, the cache is used, the import forms
// tsx accepted still resolve, and errors point at the same .ts lines.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const WORK = mkdtempSync(join(ROOT, '.tmp', 'ts-loader-'));
const CACHE = join(WORK, 'cache');
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

function mmcheck(
  args: string[],
  pre: string[] = [],
  env: NodeJS.ProcessEnv = {},
  root = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [...pre, join(root, 'bin/mmcheck.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', MMCHECK_TS_CACHE: CACHE, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

/** A spec whose counter goes up to `top`: `top + 1` distinct states. */
function counterSpec(dir: string, top: number, helper: string): string {
  const index = relative(dir, join(ROOT, 'src/index.ts')).split('\\').join('/');
  return `import { int, model, record, spec } from '${index}';
import { TOP } from '${helper}';
export default spec({
  name: 'loader-counter',
  variants: { only: {} },
  model: () => {
    const m = model(record({ x: int(0, ${top}) }));
    m.init({ x: 0 });
    m.action('step', { guard: (s) => s.x < TOP, apply: (s, n) => { n.x = s.x + 1; } });
    m.sometimes('Top', (s) => s.x === TOP);
    return m;
  },
  expect: { '*': { Top: 'holds' } },
  deadlock: false,
});
`;
}

const distinct = (stdout: string): number => JSON.parse(stdout).results[0].distinctStates;

// Every case spawns mmcheck (about 1 CPU second each, up to 3.5 with the
// symbolic front end): npm test keeps one case of each kind of staleness
// (an edited and a deleted file, bundled; an edited file through the hooks)
// and of each error path; CI's MMCHECK_PROOFS=1 step (.ci/run) runs the
// rest too: the deleted file through the hooks, an edited file of src/ (a
// copy of the repository and two cold CLI bundles), the front end's import
// of the user's modules, and what a run through the hooks loads.
const EVERY_CASE = process.env.MMCHECK_PROOFS === '1';
const inCi = (runs: boolean): string => (runs ? '' : ' [set MMCHECK_PROOFS=1]');

const MODES = [
  ['bundled', '1'],
  ['through the module hooks', '0'],
] as const;

describe.each(MODES)('%s', (mode, bundle) => {
  const env = { MMCHECK_BUNDLE: bundle };
  const base = join(WORK, bundle === '1' ? 'bundled' : 'hooks');

  it('an edited spec or helper runs as edited; the cache is used', async () => {
    const dir = join(base, 'edit');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'counter.ts');
    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 3;\n');
    writeFileSync(file, counterSpec(dir, 3, './top.ts'));
    const args = ['check', file, '--json', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')];
    const first = await mmcheck(args, [], env);
    expect(first.code, first.stderr).toBe(0);
    expect(distinct(first.stdout)).toBe(4);
    expect(readdirSync(CACHE).length).toBeGreaterThan(0);

    // Same size, same mtime second: only the content differs.
    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 5;\n');
    writeFileSync(file, counterSpec(dir, 5, './top.ts'));
    const second = await mmcheck(args, [], env);
    expect(second.code, second.stderr).toBe(0);
    expect(distinct(second.stdout)).toBe(6);

    // Only the helper the spec imports changes (same size again).
    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 4;\n');
    const third = await mmcheck(args, [], env);
    expect(third.code, third.stderr).toBe(0);
    expect(distinct(third.stdout)).toBe(5);
  }, 120_000);

  const deletedHere = bundle === '1' || EVERY_CASE;
  it.runIf(deletedHere)(`a deleted helper is an error, never a stale run; restored, it runs as restored${inCi(deletedHere)}`, async () => {
    const dir = join(base, 'deleted');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'counter.ts');
    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 2;\n');
    writeFileSync(file, counterSpec(dir, 5, './top.ts'));
    const args = ['check', file, '--json', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')];
    const first = await mmcheck(args, [], env);
    expect(first.code, first.stderr).toBe(0);
    expect(distinct(first.stdout)).toBe(3);

    unlinkSync(join(dir, 'top.ts'));
    const gone = await mmcheck(args, [], env);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('cannot load');
    expect(gone.stderr).not.toMatch(/^\s+at /m);

    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 3;\n');
    const back = await mmcheck(args, [], env);
    expect(back.code, back.stderr).toBe(0);
    expect(distinct(back.stdout)).toBe(4);
  }, 120_000);

  // Through the hooks (--debug only since bundles), the cache tests above suffice.
  it.runIf(bundle === '1')('resolves ./x.js to x.ts and ./x without an extension, as tsx did', async () => {
    for (const [name, specifier] of [
      ['js-ext', './top.js'],
      ['no-ext', './top'],
    ] as const) {
      const dir = join(base, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 2;\n');
      writeFileSync(join(dir, 'counter.ts'), counterSpec(dir, 2, specifier));
      const r = await mmcheck(['check', join(dir, 'counter.ts'), '--json', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')], [], env);
      expect(r.code, r.stderr).toBe(0);
      expect(distinct(r.stdout)).toBe(3);
    }
  }, 120_000);

  // Bundled, a spec that does not build is imported through the hooks: this covers both.
  it.runIf(bundle === '1')('a missing module is still a clear spec error, not a hang or a stack trace', async () => {
    const dir = join(base, 'missing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'counter.ts'), counterSpec(dir, 2, './nowhere.ts'));
    const r = await mmcheck(['check', join(dir, 'counter.ts'), '--quiet', '--no-typecheck', '--out', join(WORK, 'out')], [], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot load');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);

  it.runIf(bundle === '1')('errors in a spec name its .ts line and column', async () => {
    const thrown = await mmcheck(['check', 'test/fixtures/specs/throwing-action.ts', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')], [], env);
    expect(thrown.code).toBe(2);
    // The `throw` in the action's apply, as the source file has it.
    expect(thrown.stderr).toContain('thrown at test/fixtures/specs/throwing-action.ts:13:30');
    const load = await mmcheck(['check', 'test/fixtures/specs/load-error.ts', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')], [], env);
    expect(load.code).toBe(2);
    expect(load.stderr).toContain('test/fixtures/specs/load-error.ts:5:13');
  }, 120_000);
});

it('bundled: a spec that imports an internal module of src/ gets a clear error', async () => {
  const dir = join(WORK, 'internal');
  mkdirSync(dir, { recursive: true });
  const errors = relative(dir, join(ROOT, 'src/spec/errors.ts')).split('\\').join('/');
  const text = counterSpec(dir, 2, './top.ts')
    .replace("import { TOP } from './top.ts';", `import { SpecError } from '${errors}';\nconst TOP = SpecError === undefined ? 1 : 2;`);
  writeFileSync(join(dir, 'counter.ts'), text);
  const r = await mmcheck(['check', join(dir, 'counter.ts'), '--quiet', '--no-typecheck', '--out', join(WORK, 'out')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("imports mmcheck's internal module src/spec/errors.ts");
  expect(r.stderr).not.toMatch(/^\s+at /m);
}, 120_000);

it.runIf(EVERY_CASE)(`bundled: an edited or deleted file of src/ is never run from a stale CLI bundle${inCi(EVERY_CASE)}`, async () => {
  // A copy of the repository's code, so that its src/ can be edited.
  const copy = join(WORK, 'copy');
  for (const d of ['bin', 'src', 'specs']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(copy, f));
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const args = ['check', 'lost-update', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')];
  // The cache inside the copy: a CLI bundle finds its packages from where it lies.
  const cache = join(copy, '.tmp', 'cache');
  const run = () => mmcheck(args, [], { MMCHECK_TS_CACHE: cache }, copy);
  const first = await run();
  expect(first.code, first.stderr).toBe(0);
  expect(first.stdout).toContain('verdicts as expected');
  // It ran bundled.
  expect(readdirSync(join(cache, 'bundles')).filter((f) => /^cli-[0-9a-f]+$/.test(f))).toHaveLength(1);

  const human = join(copy, 'src/report/human.ts');
  writeFileSync(human, readFileSync(human, 'utf8').replace('verdicts as expected', 'verdicts AS EXPECTED'));
  const edited = await run();
  expect(edited.code, edited.stderr).toBe(0);
  expect(edited.stdout).toContain('verdicts AS EXPECTED');

  // A module the CLI imports is gone: an error (from the sources, as always), not the last bundle.
  unlinkSync(join(copy, 'src/report/text.ts'));
  const gone = await run();
  expect(gone.code).not.toBe(0);
  expect(gone.stdout).not.toContain('verdicts');
  expect(gone.stderr).toContain('text.ts');
}, 120_000);

// npm test runs --por in process (test/por.test.ts).
it.runIf(EVERY_CASE)(`bundled: the symbolic front end loads the user's modules (--por reduces)${inCi(EVERY_CASE)}`, async () => {
  const args = ['check', 'lost-update', '--variant', 'racy', '--por', '--json', '--quiet', '--out', join(WORK, 'out')];
  const r = await mmcheck(args);
  expect(r.code, r.stderr).toBe(0);
  // 37 states without --por, which is what a run gives when the footprints
  // cannot be computed (the front end cannot import the spec's modules).
  expect(distinct(r.stdout)).toBeLessThan(37);
}, 120_000);

it('bundled: a file changed within the build\'s clock tick is compared by content', async () => {
  // @ts-expect-error: plain JavaScript, no declarations
  const { fingerprint, unchanged } = await import('../bin/bundle.cjs');
  const dir = join(WORK, 'racy');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'top.ts');
  writeFileSync(file, 'export const TOP = 1;\n');
  const built = fingerprint(file, new Map());
  writeFileSync(file, 'export const TOP = 2;\n');
  // As if the stat had not changed (a coarse clock): the content decides.
  const sameStat = [...fingerprint(file, new Map()).slice(0, 5), built[5]];
  const now = BigInt(Date.now()) * 1_000_000n;
  expect(unchanged([sameStat], now)).toBe(false);
  // Long after the build an equal stat is trusted (that is the fast path).
  expect(unchanged([sameStat], now + 60_000_000_000n)).toBe(true);
  expect(unchanged([fingerprint(file, new Map())], now)).toBe(true);
  unlinkSync(file);
  expect(unchanged([built], now)).toBe(false);
});

/** The module URLs a run of lost-update resolves (a second, warm run). */
async function resolvedBy(env: NodeJS.ProcessEnv): Promise<string[]> {
  const log = join(WORK, `resolved-${env.MMCHECK_BUNDLE}.txt`);
  const args = ['check', 'lost-update', '--quiet', '--out', join(WORK, 'out')];
  // The first run fills the caches (esbuild loads then); the second is the usual one.
  expect((await mmcheck(args, [], env)).code).toBe(0);
  writeFileSync(log, '');
  const r = await mmcheck(args, ['--import', join(ROOT, 'test/fixtures/startup/log-resolves.mjs')], { ...env, MMCHECK_RESOLVE_LOG: log });
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const HEAVY_PACKAGES = ['/node_modules/typescript/', '/node_modules/ts-morph/', '/node_modules/z3-solver/', '/node_modules/esbuild/'];

// npm test checks the default (bundled) run below.
it.runIf(EVERY_CASE)(`through the hooks, a default run loads no compiler, solver, parallel engine or HTML report${inCi(EVERY_CASE)}`, async () => {
  const urls = await resolvedBy({ MMCHECK_BUNDLE: '0' });
  // The log works: the spec and the engine were resolved through it.
  expect(urls.some((u) => u.endsWith('/specs/classic/lost-update.ts'))).toBe(true);
  expect(urls.some((u) => u.endsWith('/src/explicit/search.ts'))).toBe(true);
  for (const heavy of [...HEAVY_PACKAGES, '/src/symbolic/', '/src/explicit/parallel/', '/src/report/html.ts', '/src/cli/watch.ts'])
    expect(urls.filter((u) => u.includes(heavy)), heavy).toEqual([]);
}, 120_000);

it('bundled, a warm default run loads no .ts file, no compiler, solver or esbuild', async () => {
  const urls = await resolvedBy({ MMCHECK_BUNDLE: '1' });
  // The CLI and spec bundles are CommonJS (required, not resolved by this
  // log): test/code-cache.test.ts checks what a bundled run loads.
  expect(urls.filter((u) => /\.[cm]?ts$/.test(u))).toEqual([]);
  for (const heavy of HEAVY_PACKAGES) expect(urls.filter((u) => u.includes(heavy)), heavy).toEqual([]);
}, 120_000);
