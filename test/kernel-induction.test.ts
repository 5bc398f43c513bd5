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
import { INDUCTIVE_DEVICE_EXCLUSIVE, INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, exclusivePagesAgree } from '../models/mm/inductive.ts';
import { PROP, exclusiveNotInherited } from '../models/mm/properties.ts';
import type { ROState } from '../models/mm/state.ts';

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

// ---- device-exclusive entries: P8 and P9 for all counts on the v6.15 design ----
//
// specs/mm/device/de-fork.ts with inductive-device-exclusive registered
// (test/fixtures/induction/de-fork.ts; models/mm/inductive.ts, conjuncts
// 19-28 in docs/kernel-induction.md). The explicit engine checks the
// strengthening in every reachable state of every variant (it holds exactly
// in the v6.15 designs whose fork keeps the child free of entries); the Z3
// proof runs with MMCHECK_PROOFS=1.

const deFork = ((await import('./fixtures/induction/de-fork.ts')) as { default: Spec<any> }).default;
const INV_DEV = INDUCTIVE_DEVICE_EXCLUSIVE;

/** The state a violation trace ends in. */
const lastState = (p: PropertyResult) => {
  const steps = p.trace!.steps as readonly { state: ROState }[];
  return steps.length ? steps[steps.length - 1]!.state : (p.trace!.initial as ROState);
};

describe('de-fork: the device-exclusive strengthening against every reachable state', () => {
  for (const v of ['v6.15', 'v6.15-copy-cpu']) {
    test(`${v}: inductive-device-exclusive, P8, P9 and P12 hold in every reachable state`, async () => {
      const r = await explore(deFork.build(v));
      for (const name of [INV_DEV, PROP.P8, PROP.P9, PROP.P12]) expect([name, prop(r, name).verdict]).toEqual([name, 'holds']);
    });
  }

  // Negative controls: the v8 thread's rejected designs give the child a
  // device-exclusive entry. The strengthening fails with P9's minimal trace,
  // and it is its entry conjunct (20) that the last state breaks.
  for (const v of ['v6.15-copy-de', 'v6.15-share-de']) {
    test(`${v}: the strengthening is violated where P9 is, by its entry conjunct`, async () => {
      const r = await explore(deFork.build(v));
      const inv = prop(r, INV_DEV);
      expect(inv.verdict).toBe('violated');
      expect(prop(r, PROP.P9).verdict).toBe('violated');
      expect(inv.trace!.steps.length).toBe(prop(r, PROP.P9).trace!.steps.length);
      const last = lastState(inv);
      expect(exclusivePagesAgree(last)).toBe(false);
      expect(exclusiveNotInherited(last)).toBe(false);
    });
  }

  // The old design (v5.14-v6.14) drops the mapcount of a page under an entry:
  // the strengthening fails there with P12's trace (I6), as the rework's
  // "refcount:2 mapcount:0" report says.
  test('v6.14: violated with P12 (the entry dropped the mapcount)', async () => {
    const r = await explore(deFork.build('v6.14'));
    expect(prop(r, INV_DEV).verdict).toBe('violated');
    expect(prop(r, INV_DEV).trace!.steps.length).toBe(prop(r, PROP.P12).trace!.steps.length);
  });
});

describe('de-fork v6.15: P8 and P9 proven for unbounded counts', () => {
  const built = deFork.build('v6.15');

  proof('inductive-device-exclusive is inductive and implies P8, P9 and P12', async () => {
    const names = [INV_DEV, PROP.P8, PROP.P9, PROP.P12];
    const r = await checkSymbolic(built, induction(INV_DEV, names));
    for (const name of names) {
      const p = prop(r, name);
      expect([name, p.verdict], JSON.stringify(p.coverage)).toEqual([name, 'holds']);
      expect(p.coverage, name).toMatchObject({ kind: 'inductive', k: 1, ints: 'unbounded' });
    }
  });

  proof('negative control: P8 alone is not inductive', async () => {
    const sys = await symbolicSystem(built, { unboundedInts: true });
    const p = sys.props.find((x) => x.entry.name === PROP.P8)!;
    expect(await kStepFails(sys, p.holds, 1, [])).toBe(true);
  });
});

describe('de-fork v6.15-copy-de (fork copies the entry): negative control', () => {
  proof('the strengthening is not proven: induction ends with a counterexample', async () => {
    const r = await checkSymbolic(deFork.build('v6.15-copy-de'), induction(INV_DEV, [INV_DEV, PROP.P9]));
    for (const name of [INV_DEV, PROP.P9]) {
      const p = prop(r, name);
      expect(p.verdict, name).not.toBe('holds');
      expect(['cti', 'violation'], name).toContain(p.trace?.kind);
    }
  });
});
