// The modelling subset from one source (src/symbolic/subset.ts): the doc's
// "Translated" and "Not translated" lists are generated from its tables, and
// every error the translator raises for a construct outside the subset takes
// its advice from the same table.

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  CONSTRUCTS_DOC_BEGIN,
  CONSTRUCTS_DOC_END,
  OUTSIDE,
  OUTSIDE_DOC_BEGIN,
  OUTSIDE_DOC_END,
  SUBSET_SUMMARY,
  TRANSLATED,
  constructsDoc,
  outsideDoc,
} from '../src/symbolic/subset.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { fixture, oneSpec, removeFixtures, symbolic } from './symbolic-harness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs/symbolic.md');

afterAll(async () => {
  removeFixtures();
  await disposeZ3();
});

describe('docs/symbolic.md and the subset tables', () => {
  for (const [name, begin, end, generate] of [
    ['Translated', CONSTRUCTS_DOC_BEGIN, CONSTRUCTS_DOC_END, constructsDoc],
    ['Not translated', OUTSIDE_DOC_BEGIN, OUTSIDE_DOC_END, outsideDoc],
  ] as const)
    test(`the "${name}" list is the table's`, () => {
      const text = readFileSync(DOC, 'utf8');
      const a = text.indexOf(begin);
      const b = text.indexOf(end);
      expect(a, `${begin} in docs/symbolic.md`).toBeGreaterThanOrEqual(0);
      expect(b).toBeGreaterThan(a);
      const inDoc = text.slice(a, b + end.length);
      if (process.env.MMCHECK_UPDATE_DOCS === '1' && inDoc !== generate()) writeFileSync(DOC, text.replace(inDoc, generate()));
      else expect(inDoc, 'regenerate with MMCHECK_UPDATE_DOCS=1 npx vitest run test/seam-subset.test.ts').toBe(generate());
    });

  test('the summary errors append names every translated construct', () => {
    for (const c of TRANSLATED) expect(SUBSET_SUMMARY).toContain(c.summary);
  });

  test('every construct of the table is one the translator raises, and no advice is written outside it', () => {
    const dir = join(ROOT, 'src/symbolic');
    const source = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'subset.ts')
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    // A call's last argument is the construct's key (the compiler checks it is one).
    const used = new Set([...source.matchAll(/outside\([^;]*?'(\w+)'\s*,?\s*\)/gs)].map((m) => m[1]!));
    expect([...used].filter((k) => !(k in OUTSIDE))).toEqual([]);
    expect(Object.keys(OUTSIDE).filter((k) => !used.has(k))).toEqual([]);
  });
});

describe('an error outside the subset gives the table advice', () => {
  test('`new Array(n)` with a state-dependent n: the table entry for new', async () => {
    const sp = await fixture({
      'spec.ts': oneSpec('seam-new', 'x: int(0, 1)', '{ x: 0 }',
        `m.action('inc', { guard: (s) => s.x < 1, apply: (s, n) => { n.x = new Array(s.x).length; } });
         m.always('P', (s) => s.x <= 1);`, 'deadlock: false,'),
    });
    const o = await symbolic(sp.build('v'), { engine: 'bmc', depth: 1 });
    expect('error' in o && o.error).toMatch(/spec\.ts:\d+:\d+: `new` is outside the modelling subset/);
    expect('error' in o && o.error).toContain(OUTSIDE.newExpr.instead);
  });

  test('a state-dependent loop: the table entry for loops', async () => {
    const sp = await fixture({
      'spec.ts': oneSpec('seam-loop', 'x: int(0, 3)', '{ x: 3 }',
        `m.action('drain', { guard: (s) => s.x > 0, apply: (s, n) => { let k = s.x; while (k > 0) k--; n.x = k; } });
         m.always('P', (s) => s.x <= 3);`, 'deadlock: false,'),
    });
    const o = await symbolic(sp.build('v'), { engine: 'bmc', depth: 1 });
    expect('error' in o && o.error).toContain(`; ${OUTSIDE.stateLoop.instead}`);
  });
});

describe("the result of filter: errors name it and give filter's advice (issue 7)", () => {
  // The old message for arr.filter(...)[k] printed `.0` and appended the
  // advice for arrays, which does not apply to filter's result.
  const spec = (prop: string) =>
    oneSpec('seam-filter', 'a: array(int(0, 1), 3), x: int(0, 2)', '{ a: [0, 1, 1], x: 0 }',
      `m.action('step', { guard: (s) => s.x < 2, apply: (s, n) => { n.x = s.x + 1; } });
       m.always('P', (s) => ${prop});`, 'deadlock: false,');

  test('[k] with a constant k is translated', async () => {
    const sp = await fixture({ 'spec.ts': spec('s.a.filter((v) => v === 1)[0] === 1') });
    const o = await symbolic(sp.build('v'), { engine: 'bmc', depth: 3 });
    expect('verdicts' in o && o.verdicts.P).toBe('holds');
  });

  test('[k] with a state-dependent k: the filter advice, not the advice for arrays', async () => {
    const sp = await fixture({ 'spec.ts': spec('s.a.filter((v) => v === 1)[s.x] !== 0') });
    const o = await symbolic(sp.build('v'), { engine: 'bmc', depth: 3 });
    const msg = 'error' in o ? o.error : '';
    expect(msg).toMatch(/spec\.ts:\d+:\d+: indexing the result of filter with .* is outside the modelling subset/);
    expect(msg).toContain(OUTSIDE.filteredRead.instead);
    expect(msg).not.toContain(OUTSIDE.index.instead);
  });

  test('another field of the result: named as a field, with the filter advice', async () => {
    const sp = await fixture({ 'spec.ts': spec('(s.a.filter((v) => v === 1) as any).size !== 5') });
    const o = await symbolic(sp.build('v'), { engine: 'bmc', depth: 3 });
    const msg = 'error' in o ? o.error : '';
    expect(msg).toMatch(/\.size of the result of filter is outside the modelling subset/);
    expect(msg).toContain(OUTSIDE.filteredRead.instead);
  });
});
