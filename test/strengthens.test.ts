// An invariant declared with `strengthens` (src/spec/model.ts) is the
// conjunction of the invariants it names and its own predicate. The
// explicit engine evaluates an included invariant once per state for both
// verdicts (property-tracker.ts); the symbolic engine translates the
// conjunction (system.ts). Checked against a twin written as one predicate,
// in the same model: same verdicts, same trace lengths, in both engines; a
// tracker that skipped either part would report a violated twin "holds".

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { int, model, record, spec } from '../src/index.ts';
import type { Spec } from '../src/spec/spec.ts';
import type { RunResult } from '../src/spec/results.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';

/** x counts to 5; y toggles while x < 4. `small` fails at x = 5 (depth 6), `calm` when y = 1 and x >= limit. */
function twinModel(limit: number, calls?: { small: number; whole: number }) {
  const m = model(record({ x: int(0, 5), y: int(0, 1) }));
  m.init({ x: 0, y: 0 });
  m.action('inc', { guard: (s) => s.x < 5, apply: (s, n) => void (n.x = s.x + 1) });
  m.action('flip', { guard: (s) => s.x < 4, apply: (s, n) => void (n.y = 1 - s.y) });
  m.always('small', (s) => {
    if (calls) calls.small++;
    return s.x <= 4;
  });
  m.always('calm', (s) => s.y === 0 || s.x < limit, { strengthens: ['small'] });
  m.always('calm-whole', (s) => {
    if (calls) calls.whole++;
    return s.x <= 4 && (s.y === 0 || s.x < limit);
  });
  return m;
}

function build(limit: number, calls?: { small: number; whole: number }) {
  return spec({
    name: 'strengthens',
    variants: { v: {} },
    model: () => twinModel(limit, calls),
    expect: { v: { small: 'violated', calm: 'violated', 'calm-whole': 'violated' } },
    deadlock: false,
  }).build('v');
}

function summary(r: RunResult) {
  return Object.fromEntries(r.properties.map((p) => [p.property, [p.verdict, p.trace?.steps.length ?? null]]));
}

describe('an invariant that strengthens another, explicit engine', () => {
  it('fails where its own predicate fails first, as its one-predicate twin', async () => {
    // y = 1 with x >= 2 is reached in 3 steps, before x = 5.
    const r = summary(await explore(build(2)));
    expect(r['calm']).toEqual(['violated', 3]);
    expect(r['calm']).toEqual(r['calm-whole']);
    expect(r['small']).toEqual(['violated', 5]);
  });

  it('fails where only the invariant it includes fails, as its twin', async () => {
    // With limit 9 its own predicate always holds: it fails with `small`.
    const r = summary(await explore(build(9)));
    expect(r['calm']).toEqual(['violated', 5]);
    expect(r['calm']).toEqual(r['calm-whole']);
    expect(r['small']).toEqual(r['calm']);
  });

  it('evaluates the included invariant once per state for both', async () => {
    const calls = { small: 0, whole: 0 };
    await explore(build(9, calls));
    // All three are open until the first state with x = 5: the twin is
    // evaluated once per state until then, and so is the included one.
    expect(calls.whole).toBeGreaterThan(5);
    expect(calls.small).toBe(calls.whole);
  });

  it('its predicate, as other engines call it, is the conjunction', () => {
    const calm = build(2).properties.find((p) => p.name === 'calm')!;
    const pred = calm.pred as (s: unknown) => unknown;
    expect(pred({ x: 5, y: 0 })).toBe(false);
    expect(pred({ x: 3, y: 1 })).toBe(false);
    expect(pred({ x: 1, y: 1 })).toBe(true);
  });

  it('a part that returns no boolean is the spec error it would be in one predicate', async () => {
    const m = model(record({ x: int(0, 1) }));
    m.init({ x: 0 });
    m.action('inc', { guard: (s) => s.x < 1, apply: (s, n) => void (n.x = 1) });
    m.always('base', (s) => s.x <= 1);
    m.always('odd', ((s: { x: number }) => (s.x === 1 ? 'yes' : true)) as any, { strengthens: ['base'] });
    const built = spec({ name: 'odd', variants: { v: {} }, model: () => m, expect: { v: { base: 'holds', odd: 'holds' } }, deadlock: false }).build('v');
    await expect(explore(built)).rejects.toThrow(/property odd returned yes, not a boolean/);
    expect((built.properties[1]!.pred as (s: unknown) => unknown)({ x: 1 })).toBe('yes');
  });

  it('names what is wrong with the declaration', () => {
    const attempt = (f: (m: ReturnType<typeof model>) => void) => () => {
      const m = model(record({ x: int(0, 1) }));
      m.init({ x: 0 });
      m.sometimes('seen', (s) => s.x === 0);
      f(m);
    };
    expect(attempt((m) => m.always('a', () => true, { strengthens: ['b'] }))).toThrow(
      /property a strengthens 'b', which is not a property declared before it/,
    );
    expect(attempt((m) => m.always('a', () => true, { strengthens: ['seen'] }))).toThrow(/which is not an invariant/);
    expect(attempt((m) => m.always('a', () => true, { strengthens: [] }))).toThrow(/must list the names/);
    expect(
      attempt((m) => {
        m.always('b', () => true);
        m.always('a', () => true, { strengthens: ['b', 'b'] });
      }),
    ).toThrow(/names a property twice/);
  });
});

const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const fixtureDir = mkdtempSync(join(tmpdir(), 'mmcheck-strengthens-'));

afterAll(async () => {
  await disposeZ3();
  rmSync(fixtureDir, { recursive: true, force: true });
});

// The symbolic engine reads predicates from source: a spec file.
const SPEC = `
import { int, model, record, spec } from '__API__';
export default spec({
  name: 'strengthens-sym',
  variants: { twice: { limit: 2 }, never: { limit: 9 } },
  model: (c: { limit: number }) => {
    const m = model(record({ x: int(0, 5), y: int(0, 1) }));
    m.init({ x: 0, y: 0 });
    m.action('inc', { guard: (s) => s.x < 5, apply: (s, n) => { n.x = s.x + 1; } });
    m.action('flip', { guard: (s) => s.x < 4, apply: (s, n) => { n.y = 1 - s.y; } });
    m.always('small', (s) => s.x <= 4);
    m.always('calm', (s) => s.y === 0 || s.x < c.limit, { strengthens: ['small'] });
    m.always('calm-whole', (s) => s.x <= 4 && (s.y === 0 || s.x < c.limit));
    m.always('bounded', (s) => s.y <= 1, { strengthens: ['small'] });
    m.always('bounded-whole', (s) => s.x <= 4 && s.y <= 1);
    return m;
  },
  expect: { '*': { small: 'violated', calm: 'violated', 'calm-whole': 'violated', bounded: 'violated', 'bounded-whole': 'violated' } },
  deadlock: false,
});
`;

async function symSpec(): Promise<Spec<any>> {
  const dir = mkdtempSync(join(fixtureDir, 'f-'));
  writeFileSync(join(dir, 'spec.ts'), SPEC.replaceAll('__API__', API));
  return ((await import(join(dir, 'spec.ts'))) as { default: Spec<any> }).default;
}

describe('an invariant that strengthens another, symbolic engine', () => {
  it('BMC finds it violated at the depth of its twin, and of BFS', async () => {
    const sp = await symSpec();
    for (const v of ['twice', 'never']) {
      const built = sp.build(v);
      const ex = summary(await explore(built));
      const bmc = summary(await checkSymbolic(built, { engine: 'bmc', depth: 6 }));
      for (const [p, q] of [
        ['calm', 'calm-whole'],
        ['bounded', 'bounded-whole'],
      ] as const) {
        expect(bmc[p], `${v} ${p}`).toEqual(bmc[q]);
        expect(bmc[p], `${v} ${p}`).toEqual(ex[p]);
      }
    }
  });
});
