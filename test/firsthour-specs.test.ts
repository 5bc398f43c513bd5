// Spec files as a new user gets them wrong: one that does not load, one
// that does not type-check, two with the same name, next to one that is
// fine. The good one is still checked, each bad one is one error row, a
// mistyped name does not show another file's error, and a type error is
// reported with file:line:col before any search (and cached).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAll, discoverSpecs } from '../src/cli/discover.ts';
import { lookupCache } from '../src/cli/typecheck.ts';
import { ROOT, runCliInProcess as runCli } from './support/cli.ts';

// Inside the repository (under the ignored .tmp/), so that the specs import src/ as real ones do.
mkdirSync(join(ROOT, '.tmp'), { recursive: true });
const DIR = mkdtempSync(join(ROOT, '.tmp', 'firsthour-specs-'));
const OUT = join(DIR, 'out');

const good = (name: string, typo = '', bad = ''): string => `import { int, model, record, spec } from '../../src/index.ts';

export default spec({
  name: '${name}',
  variants: { only: {} },
  model: () => {
    const m = model(record({ counter: int(0, 2) }));
    m.init({ counter: 0 });
    m.action('inc', {
      guard: (s) => s.counter < 2,
      apply: (s, n) => {
        n.counter${typo} = s.counter + 1;${bad}
      },
    });
    m.always('Small', (s) => s.counter <= 2);
    return m;
  },
  expect: { '*': { Small: 'holds' } },
  deadlock: false,
});
`;

beforeAll(() => {
  // Node's API in a spec is fine (the type check's lean first pass must confirm before refusing).
  writeFileSync(join(DIR, 'a-good.ts'), good('tiny-good').replace("name: 'tiny-good'", "name: process.env.NO_SUCH_VAR ?? 'tiny-good'"));
  writeFileSync(join(DIR, 'broken.ts'), `import '../../src/index.ts';\nthrow new Error('broken on purpose');\n`);
  writeFileSync(join(DIR, 'twin.ts'), good('tiny-good'));
  writeFileSync(join(DIR, 'typo.ts'), good('tiny-typo', 'r'));
});
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const rel = (f: string): string => relative(ROOT, join(DIR, f));

describe('one broken file under specs/ does not disable the others', () => {
  it('the all-specs run checks the good spec and gives each bad file one error row; exit 2', async () => {
    const r = await runCli(['check', '--specs-dir', DIR, '--out', OUT]);
    expect(r.stdout, r.stderr).toMatch(/tiny-good \/ only +1\/1 ok/);
    expect(r.stdout).toContain('3 spec file(s) could not be checked:');
    expect(r.stdout).toContain(`!! ${rel('broken.ts')}: cannot load: broken on purpose`);
    expect(r.stdout).toContain(`!! ${rel('twin.ts')}: two specs are named 'tiny-good'`);
    expect(r.stdout).toContain(`!! ${rel('typo.ts')}: does not type-check`);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(`${rel('typo.ts')}:12:11 - error TS2551: Property 'counterr' does not exist`);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(2);
  });

  it('a spec found by name still runs; a mistyped name lists the broken files, not their errors', async () => {
    const ok = await runCli(['check', 'tiny-good', '--specs-dir', DIR, '--out', OUT, '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    const typo = await runCli(['check', 'tiny-goood', '--specs-dir', DIR, '--out', OUT]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown spec 'tiny-goood'");
    expect(typo.stderr).toContain('broken.ts');
    expect(typo.stderr).not.toContain('broken on purpose');
  });

  it('discoverSpecs (used by the test suite) leaves broken files out; discoverAll names them', async () => {
    expect((await discoverSpecs(DIR, ROOT)).map((f) => f.spec.name)).toEqual(['tiny-good', 'tiny-typo']);
    expect((await discoverAll(DIR, ROOT)).broken.map((b) => relative(DIR, b.file))).toEqual(['broken.ts', 'twin.ts']);
  });
});

describe('a spec that does not type-check', () => {
  it('is refused with file:line:col before any search, from the cache; an edit invalidates it; --no-typecheck runs it', async () => {
    const file = join(DIR, 'typo.ts');
    const r = await runCli(['check', file, '--out', OUT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${rel('typo.ts')}:12:11 - error TS2551: Property 'counterr' does not exist`);
    expect(r.stdout).not.toMatch(/states generated/);
    // The result is in the cache, keyed by content (it came from there if the all-specs run went first).
    const hit = lookupCache([file], ROOT);
    expect(hit.misses).toEqual([]);
    expect(hit.problems.get(file)!.map((p) => `${p.line}:${p.column} TS${p.code}`)).toEqual(['12:11 TS2551']);
    const anyway = await runCli(['check', file, '--out', OUT, '--no-typecheck']);
    // Then the sealed state refuses the write at run time, with the line.
    expect(anyway.stderr).toContain('Cannot add property counterr, object is not extensible');
    expect(anyway.stderr).toContain(`thrown at ${rel('typo.ts')}:12:`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('counterr', 'counter'));
    expect(lookupCache([file], ROOT).misses).toEqual([file]);
  });
});
