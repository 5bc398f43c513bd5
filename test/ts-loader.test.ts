// bin/mmcheck.js runs TypeScript through mmcheck's own module hooks
// (bin/ts-hooks.mjs) with a transform cache on disk. What must hold: an
// edited file is never run from a stale transform, the cache is used, and
// the import forms tsx accepted still resolve.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const WORK = mkdtempSync(join(ROOT, '.tmp', 'ts-loader-'));
const CACHE = join(WORK, 'cache');
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

function mmcheck(args: string[], pre: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [...pre, join(ROOT, 'bin/mmcheck.js'), ...args], {
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

it('an edited spec or helper runs as edited; the transforms are cached', async () => {
  const dir = join(WORK, 'edit');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'counter.ts');
  writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 3;\n');
  writeFileSync(file, counterSpec(dir, 3, './top.ts'));
  const args = ['check', file, '--json', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')];
  const first = await mmcheck(args);
  expect(first.code, first.stderr).toBe(0);
  expect(distinct(first.stdout)).toBe(4);
  expect(readdirSync(CACHE).length).toBeGreaterThan(0);

  // Same size, same mtime second: only the content differs.
  writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 5;\n');
  writeFileSync(file, counterSpec(dir, 5, './top.ts'));
  const second = await mmcheck(args);
  expect(second.code, second.stderr).toBe(0);
  expect(distinct(second.stdout)).toBe(6);
}, 120_000);

it('resolves ./x.js to x.ts and ./x without an extension, as tsx did', async () => {
  for (const [name, specifier] of [
    ['js-ext', './top.js'],
    ['no-ext', './top'],
  ] as const) {
    const dir = join(WORK, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'top.ts'), 'export const TOP: number = 2;\n');
    writeFileSync(join(dir, 'counter.ts'), counterSpec(dir, 2, specifier));
    const r = await mmcheck(['check', join(dir, 'counter.ts'), '--json', '--quiet', '--no-typecheck', '--out', join(WORK, 'out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(distinct(r.stdout)).toBe(3);
  }
}, 120_000);

it('a missing module is still a clear spec error, not a hang or a stack trace', async () => {
  const dir = join(WORK, 'missing');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'counter.ts'), counterSpec(dir, 2, './nowhere.ts'));
  const r = await mmcheck(['check', join(dir, 'counter.ts'), '--quiet', '--no-typecheck', '--out', join(WORK, 'out')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('cannot load');
  expect(r.stderr).not.toMatch(/^\s+at /m);
}, 120_000);

it('a default run loads no compiler, solver, parallel engine or HTML report (start-up)', async () => {
  const log = join(WORK, 'resolved.txt');
  const args = ['check', 'lost-update', '--quiet', '--out', join(WORK, 'out')];
  // The first run fills the transform cache (esbuild loads then); the second is the usual one.
  expect((await mmcheck(args)).code).toBe(0);
  writeFileSync(log, '');
  const r = await mmcheck(
    args,
    ['--import', join(ROOT, 'test/fixtures/startup/log-resolves.mjs')],
    { MMCHECK_RESOLVE_LOG: log },
  );
  expect(r.code, r.stderr).toBe(0);
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // The log works: the spec and the engine were resolved through it.
  expect(urls.some((u) => u.endsWith('/specs/classic/lost-update.ts'))).toBe(true);
  expect(urls.some((u) => u.endsWith('/src/explicit/search.ts'))).toBe(true);
  for (const heavy of ['/node_modules/typescript/', '/node_modules/ts-morph/', '/node_modules/z3-solver/', '/node_modules/esbuild/', '/src/symbolic/', '/src/explicit/parallel/', '/src/report/html.ts', '/src/cli/watch.ts'])
    expect(urls.filter((u) => u.includes(heavy)), heavy).toEqual([]);
}, 120_000);
