// Linear-relation candidates for --infer (src/symbolic/infer-linear.ts),
// on a small reference-counting spec: two holders take and drop references
// to two pages. "Nothing held is free" (a held page's refcount is positive)
// is not inductive alone: a state with one reference counted for two
// holders steps to a held page at refcount 0. What makes it inductive is
// the counting relation ref[p] = number of holders holding p, which only a
// linear candidate states. Tested against independent truth:
//  - fitLinear against relations computed by hand;
//  - every linear candidate holds in every state BFS reaches (from the full
//    sample), and what Houdini keeps from a 4-state sample (which proposes
//    false relations) holds in every reachable state too;
//  - the property is proven only with the linear candidates, and never in
//    the variant whose get is skipped (BFS: violated) or in a mutated model
//    whose put drops the reference of the wrong page.

import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem, type SymSystem } from '../src/symbolic/system.ts';
import { generateCandidates, leafValues, sampleStates } from '../src/symbolic/candidates.ts';
import { fitLinear, linearCandidates } from '../src/symbolic/infer-linear.ts';
import { Houdini } from '../src/symbolic/houdini.ts';
import { infer } from '../src/symbolic/infer.ts';
import { simplify, type ZBool, type ZExpr } from '../src/symbolic/z3.ts';

const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mmcheck-infer-linear-'));
afterAll(async () => {
  await disposeZ3();
  rmSync(dir, { recursive: true, force: true });
});

// Variants: counted (correct), skip-get (get skipped when the page is
// already referenced: two holders share one reference), wrong-put (put
// drops page 0's reference whatever the holder held: a mutated model).
const REFS_SPEC = `
import { array, bool, domain, int, model, optional, record, ref, spec } from '__API__';
const Page = domain('Page', 2);
const Holder = domain('Holder', 2);
export default spec({
  name: 'infer-refs',
  variants: { counted: { bug: '' }, 'skip-get': { bug: 'skip-get' }, 'wrong-put': { bug: 'wrong-put' } },
  model: (k: { bug: string }) => {
    const m = model(record({
      page: array(record({ ref: int(0, 3) }), Page),
      holder: array(record({ held: bool(), page: optional(ref(Page)) }), Holder),
    }));
    m.init({ page: [{ ref: 0 }, { ref: 0 }], holder: [{ held: false, page: null }, { held: false, page: null }] });
    m.action('get', {
      params: { h: Holder, p: Page },
      guard: (s, { h, p }) => !s.holder[h]!.held && s.page[p]!.ref < 3,
      apply: (s, n, { h, p }) => {
        n.holder[h]!.held = true;
        n.holder[h]!.page = p;
        if (!(k.bug === 'skip-get' && s.page[p]!.ref > 0)) n.page[p]!.ref = s.page[p]!.ref + 1;
      },
    });
    m.action('put', {
      params: { h: Holder },
      guard: (s, { h }) => s.holder[h]!.held,
      apply: (s, n, { h }) => {
        const p = k.bug === 'wrong-put' ? 0 : s.holder[h]!.page!;
        n.page[p]!.ref = s.page[p]!.ref > 0 ? s.page[p]!.ref - 1 : 0;
        n.holder[h]!.held = false;
        n.holder[h]!.page = null;
      },
    });
    m.always('HeldNotFree', (s) => s.holder.every((h) => !h.held || (h.page !== null && s.page[h.page]!.ref > 0)));
    return m;
  },
  expect: { '*': { HeldNotFree: 'holds' }, 'skip-get': { HeldNotFree: 'violated' }, 'wrong-put': { HeldNotFree: 'violated' } },
});
`;

async function refs(): Promise<Spec<any>> {
  const file = join(dir, 'refs.ts');
  writeFileSync(file, REFS_SPEC.replaceAll('__API__', API));
  return ((await import(file)) as { default: Spec<any> }).default;
}

async function holdsIn(sys: SymSystem, f: ZBool, state: unknown): Promise<boolean> {
  const vals = sys.enc.terms(state as never);
  const g = sys.z.substitute(f, ...sys.X.map((x, i) => [x, vals[i]!] as [ZExpr, ZExpr])) as ZBool;
  return sys.z.isTrue(await simplify(sys.z, g));
}

const verdict = (r: { properties: readonly { property: string; verdict: string }[] }) =>
  r.properties.find((p) => p.property === 'HeldNotFree')!.verdict;

describe('fitLinear', () => {
  const f = (bits: number[]) => ({ at: (s: number) => bits[s] as 0 | 1 });
  test('recovers y = 1 + 2a - b, using the earliest independent features', () => {
    const a = [0, 1, 0, 1, 1];
    const b = [0, 0, 1, 1, 0];
    const dup = a; // a duplicate column gets coefficient 0
    const y = (s: number) => 1 + 2 * a[s]! - b[s]!;
    expect(fitLinear([0, 1, 2, 3, 4], [f(a), f(dup), f(b)], y)).toEqual({ c0: 1, coef: [2, 0, -1] });
  });
  test('no fit when y is not affine in the features, or needs a fraction', () => {
    const a = [0, 1, 0, 1];
    const b = [0, 0, 1, 1];
    expect(fitLinear([0, 1, 2, 3], [f(a), f(b)], (s) => a[s]! * b[s]!)).toBeUndefined();
    expect(fitLinear([0, 1], [f([0, 1])], (s) => [0, 1][s]! / 2)).toBeUndefined();
  });
});

describe('linear candidates on a reference-counting spec', () => {
  test('the counting relation is generated, and every candidate holds in every reachable state', async () => {
    const built = (await refs()).build('counted');
    const sys = await symbolicSystem(built);
    const reach = sampleStates(built, 1e6);
    const bfs = await explore(built);
    expect(bfs.stats.kind === 'search' && bfs.stats.distinct).toBe(reach.length);
    const cands = linearCandidates(sys, reach.map((s) => leafValues(sys.enc.schema, s)));
    const names = cands.map((c) => c.name);
    // page[0].ref = [holder[0] holds page 0] + [holder[1] holds page 0], in some basis of the features.
    expect(names.some((n) => n.startsWith('page[0].ref === ') && n.includes('holder[0]') && n.includes('holder[1]'))).toBe(true);
    expect(cands.length).toBeGreaterThan(0);
    const all = sys.z.And(...cands.map((c) => c.term));
    for (const s of reach) if (!(await holdsIn(sys, all, s))) for (const c of cands) expect(await holdsIn(sys, c.term, s), c.name).toBe(true);
  });

  test('from a 4-state sample, Houdini drops the false relations; what it keeps holds everywhere', async () => {
    const built = (await refs()).build('counted');
    const sys = await symbolicSystem(built);
    const reach = sampleStates(built, 1e6);
    const cands = generateCandidates(sys, { maxStates: 4 });
    let falseSomewhere = 0;
    for (const c of cands) for (const s of reach) if (!(await holdsIn(sys, c.term, s))) { falseSomewhere++; break; }
    expect(falseSomewhere).toBeGreaterThan(0);
    const r = await new Houdini(sys, cands, { solverSeconds: [] }).run();
    expect(r.unknown ?? false).toBe(false);
    if (r.blocked) return; // nothing claimed
    const kept = sys.z.And(...cands.filter((c) => r.kept.includes(c.name)).map((c) => c.term));
    for (const s of reach) expect(await holdsIn(sys, kept, s)).toBe(true);
  });

  test('HeldNotFree: not inductive alone, proven for unbounded counts with the inferred count', async () => {
    const built = (await refs()).build('counted');
    expect(verdict(await explore(built))).toBe('holds');
    expect(verdict(await checkSymbolic(built, { engine: 'induction', ints: 'unbounded' }))).toBe('unknown');
    const r = await checkSymbolic(built, { engine: 'induction', infer: true });
    const p = r.properties.find((x) => x.property === 'HeldNotFree')!;
    expect(p.verdict).toBe('holds');
    expect(p.coverage).toMatchObject({ kind: 'inductive', k: 1, ints: 'unbounded' });
    const by = (p.coverage as unknown as { strengthenedBy: string[] }).strengthenedBy;
    expect(by.some((n) => /^page\[\d\]\.ref === .*\[holder/.test(n))).toBe(true);
  });

  test('without linear candidates the same inference does not prove it (they are what the proof needs)', async () => {
    const built = (await refs()).build('counted');
    const sys = await symbolicSystem(built);
    const r = await infer(sys, undefined, ['HeldNotFree'], { maxLinear: 0, solverSeconds: [] });
    expect(r.proven.has('HeldNotFree')).toBe(false);
  });

  for (const v of ['skip-get', 'wrong-put'])
    test(`${v} (BFS: violated) is never proven`, async () => {
      const built = (await refs()).build(v);
      expect(verdict(await explore(built))).toBe('violated');
      expect(verdict(await checkSymbolic(built, { engine: 'induction', infer: true }))).not.toBe('holds');
    });
});
