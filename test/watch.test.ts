// --watch: a spec and the module it imports; editing the module re-checks
// the spec and prints only the verdict that changed; editing a file the spec
// does not import re-checks nothing; a broken edit is an error line, and
// fixing it says so.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { checkArgsOf, importClosure } from '../src/cli/watch.ts';
import { ROOT } from './support/cli.ts';

mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const DIR = mkdtempSync(join(ROOT, '.tmp', 'firsthour-watch-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const SPEC = `import { int, model, record, spec } from '../../src/index.ts';
import { LIMIT } from './limit.ts';

export default spec({
  name: 'watched',
  variants: { only: {} },
  model: () => {
    const m = model(record({ counter: int(0, 3) }));
    m.init({ counter: 0 });
    m.action('inc', { guard: (s) => s.counter < 3, apply: (s, n) => { n.counter = s.counter + 1; } });
    m.always('Small', (s) => s.counter <= LIMIT + 1);
    return m;
  },
  expect: { '*': { Small: 'holds' } },
  deadlock: false,
});
`;
/** How long one wait for the watcher's output may take. */
const WAIT_MS = 120_000;

const limit = (n: number | string): void => writeFileSync(join(DIR, 'limit.ts'), `export const LIMIT = ${n};\n`);

it('follows relative imports; passes options on', () => {
  writeFileSync(join(DIR, 'spec.ts'), SPEC);
  limit(2);
  expect([...importClosure(join(DIR, 'spec.ts'))].map((f) => f.slice(ROOT.length + 1)).sort()).toEqual(
    expect.arrayContaining([`${DIR.slice(ROOT.length + 1)}/limit.ts`, `${DIR.slice(ROOT.length + 1)}/spec.ts`, 'src/index.ts']),
  );
  expect(checkArgsOf({ variant: 'v', maxStates: 10, deadlock: false, typecheck: true, watch: true, json: true, witness: true })).toEqual([
    '--variant', 'v', '--max-states', '10', '--no-deadlock', '--witness',
  ]);
});

it('re-checks on save the spec a changed file reaches, printing only what changed', async () => {
  writeFileSync(join(DIR, 'other.ts'), 'export const X = 1;\n');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', join(DIR, 'spec.ts'), '--watch', '--no-typecheck', '--out', join(DIR, 'out')], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  // Event-driven: each wait ends as soon as the output shows what it waits
  // for (or the watcher exits), not at the next poll. The limit is generous:
  // every re-check is a new process (tsx, the CLI's imports), which on a
  // 2-core machine under load 20 takes tens of seconds; the watchdog
  // (test/support/watchdog.ts) still ends a file that hangs.
  let wake = (): void => {};
  const onOutput = (d: Buffer): void => {
    out += d;
    wake();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  let exited: number | null | undefined;
  child.on('exit', (code) => ((exited = code), wake()));
  const waitFor = (what: string | RegExp, from: number, ms = WAIT_MS): Promise<string> =>
    new Promise((res, rej) => {
      const timer = setTimeout(() => done(new Error(`no ${what} within ${ms / 1000} s in:\n${out}`)), ms);
      const done = (e?: Error): void => {
        clearTimeout(timer);
        wake = () => {};
        if (e) rej(e);
        else res(out.slice(from));
      };
      wake = () => {
        const seen = out.slice(from);
        if (typeof what === 'string' ? seen.includes(what) : what.test(seen)) done();
        else if (exited !== undefined) done(new Error(`the watcher exited (${exited}) before ${what}:\n${out}`));
      };
      wake();
    });
  try {
    await waitFor('waiting for changes', 0);
    expect(out).toContain('watched/only/Small: holds  ok');

    let at = out.length;
    limit(1);
    let seen = await waitFor(/1 verdict\(s\), 1 not as expected/, at);
    expect(seen).toContain('watched/only/Small: holds -> violated (3 steps)  UNEXPECTED (expected holds)');

    // A file the spec does not import: nothing is re-checked.
    at = out.length;
    writeFileSync(join(DIR, 'other.ts'), 'export const X = 2;\n');
    // (A negative check: on a slow machine it can only pass too easily, never
    // fail wrongly; a late event for other.ts would re-check nothing anyway.)
    await new Promise((r) => setTimeout(r, 1500));
    expect(out.slice(at)).not.toContain('re-checking');

    at = out.length;
    limit("'x' as any as number; throw new Error('half-edited')");
    seen = await waitFor('ERROR', at);
    expect(seen).toContain('half-edited');

    at = out.length;
    limit(2);
    seen = await waitFor(/1 verdict\(s\), 0 not as expected/, at);
    expect(seen).toContain('watched: loads again');
    expect(seen).toContain('watched/only/Small: holds  ok');
  } finally {
    child.kill('SIGINT');
  }
}, 280_000); // under the watchdog's 300 s, so a slow run fails here, with its output
