// Kernel invariants proven by induction for every count (docs/kernel-induction.md):
// on b2-rdma-fork under the current design (v5.19), the strengthening
// inductive-pin-exclusive (models/mm/inductive.ts) is inductive with refcount,
// mapcount, pin count and mmap_lock reader count as unbounded integers, and
// implies reference accounting (P12) and "pinned => AnonExclusive" (P6).
// The negative controls show the proofs can fail: P12 alone is not inductive
// (a counterexample to induction), and in v5.9-rc4, which shares pinned pages
// at fork, the same strengthening is violated (explicit engine) and not
// inductive (the CTI is fork's dup step). The same proof on b4-gup-fast-fork
// v5.19 (P6 through the gup_fast/fork race, write_protect_seq) takes longer
// and is in the bench (bench/symbolic.ts), which reports its verdict.

import { afterAll, describe, expect, test } from 'vitest';
import type { Spec } from '../src/spec/spec.ts';
import type { PropertyResult, RunResult } from '../src/spec/results.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { kStepFails } from '../src/symbolic/induction.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS } from '../models/mm/inductive.ts';
import { PROP } from '../models/mm/properties.ts';

afterAll(async () => {
  await disposeZ3();
});

const b2 = ((await import('../specs/mm/b2-rdma-fork.ts')) as { default: Spec<any> }).default;
/** Proven by plain induction for unbounded counts: alone, implied by the strengthening, or with proven lemmas. */
const UNBOUNDED = (strengthenedBy: string[] = []) => ({ kind: 'inductive', k: 1, ints: 'unbounded', strengthenedBy });

function prop(r: RunResult, name: string): PropertyResult {
  const p = r.properties.find((x) => x.property === name);
  expect(p, `no result for ${name}`).toBeDefined();
  return p!;
}

/** The sometimes witnesses are BMC's business, not induction's: depth 1 keeps the run short. */
/** Per-query limit below the test's own: a slow machine gives unknown, never a query cut off mid-run. */
const induction = (invariant: string, properties: string[]) =>
  ({ engine: 'induction', invariant, ints: 'unbounded', depth: 1, properties, timeout: 600 }) as const;

// The Z3 queries on the extended kernel model (notifiers, device-exclusive
// entries, the four-step COW fault) take 1-4 minutes each on a 2-core
// machine and up to 3 GB of Z3 memory, beyond what `npm test` may spend
// (3 minutes for the whole suite). They run when MMCHECK_PROOFS=1 is set:
//   MMCHECK_PROOFS=1 npx vitest run test/kernel-induction.test.ts
// The explicit-engine tests in this file always run.
const PROOFS = process.env.MMCHECK_PROOFS === '1';
const proof = (name: string, fn: () => Promise<void>) =>
  test.runIf(PROOFS)(name + (PROOFS ? '' : ' [Z3 proof: set MMCHECK_PROOFS=1]'), { timeout: 900_000 }, fn);

describe('b2-rdma-fork v5.19: proofs for all counts', () => {
  const built = b2.build('v5.19');

  test('the strengthenings hold in every reachable state (explicit engine)', async () => {
    const r = await explore(built);
    for (const name of [INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE, PROP.P6, PROP.P12])
      expect(prop(r, name).verdict, name).toBe('holds');
  });

  proof('inductive-pin-exclusive is inductive and implies P12 and P6 for unbounded counts', async () => {
    const names = [INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, PROP.P6, PROP.P7, PROP.P12];
    const r = await checkSymbolic(built, induction(INDUCTIVE_PIN_EXCLUSIVE, names));
    for (const name of names) {
      const p = prop(r, name);
      expect([name, p.verdict], JSON.stringify(p.coverage)).toEqual([name, 'holds']);
      expect(p.coverage, name).toMatchObject({ kind: 'inductive', k: 1, ints: 'unbounded' });
    }
    expect(prop(r, INDUCTIVE_PIN_EXCLUSIVE).coverage).toEqual(UNBOUNDED());
  });

  // The same step query as induction, on the cached translation with unbounded ints.
  const stepFails = async (name: string) => {
    const sys = await symbolicSystem(built, { unboundedInts: true });
    const p = sys.props.find((x) => x.entry.name === name);
    expect(p, name).toBeDefined();
    return kStepFails(sys, p!.holds, 1, []);
  };

  // With the conjuncts for the extended model (docs/kernel-induction.md,
  // items 13-18), inductive-refcounts alone is inductive again.
  proof('inductive-refcounts alone is inductive (P12 needs no more than it)', async () => {
    expect(await stepFails(INDUCTIVE_REFCOUNTS)).toBe(false);
  });

  proof('negative control: P12 alone is not inductive (a counterexample to induction exists)', async () => {
    expect(await stepFails(PROP.P12)).toBe(true);
  });
});

describe('b2-rdma-fork v5.9-rc4 (pinned pages shared at fork): negative control', () => {
  const built = b2.build('v5.9-rc4');

  test('the explicit engine finds inductive-pin-exclusive violated, with P6 trace length', async () => {
    const r = await explore(built);
    expect(prop(r, INDUCTIVE_PIN_EXCLUSIVE).verdict).toBe('violated');
    expect(prop(r, INDUCTIVE_PIN_EXCLUSIVE).trace!.steps.length).toBe(prop(r, PROP.P6).trace!.steps.length);
    expect(prop(r, INDUCTIVE_REFCOUNTS).verdict).toBe('holds');
  });

  proof('induction: not inductive, the CTI is fork sharing a pinned page', async () => {
    const r = await checkSymbolic(built, induction(INDUCTIVE_PIN_EXCLUSIVE, []));
    const p = prop(r, INDUCTIVE_PIN_EXCLUSIVE);
    expect(p.verdict).toBe('unknown');
    expect(p.trace?.kind).toBe('cti');
    expect(p.trace!.steps.map((s) => s.transition.label)).toEqual(['fork.dup']);
  });
});
