// --infer on the kernel models, with no hand-written strengthening: the
// run is limited to P6 and P12, so the inductive-* properties of
// models/mm/inductive.ts are no candidates. Houdini finds the counting
// relations (page refcount = PTEs + GUP and path references, pins = the
// FOLL_PIN ones; src/symbolic/infer-linear.ts) and the control facts
// itself. Tested against independent truth: the inferred invariant holds in
// every state BFS reaches, and a design BFS finds violated (v5.9-rc4 shares
// a pinned page at fork) is never proven. Minutes of Z3 on a busy machine:
// with MMCHECK_PROOFS=1, as test/kernel-induction.test.ts.
//   MMCHECK_PROOFS=1 npx vitest run test/infer-kernel.test.ts

import { afterAll, describe, expect, test } from 'vitest';
import type { Spec } from '../src/spec/spec.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem, type SymSystem } from '../src/symbolic/system.ts';
import { sampleStates } from '../src/symbolic/candidates.ts';
import { infer } from '../src/symbolic/infer.ts';
import { simplify, type ZBool, type ZExpr } from '../src/symbolic/z3.ts';
import { PROP } from '../models/mm/properties.ts';

afterAll(async () => {
  await disposeZ3();
});

const PROOFS = process.env.MMCHECK_PROOFS === '1';
const proof = (name: string, fn: () => Promise<void>) =>
  test.runIf(PROOFS)(name + (PROOFS ? '' : ' [Z3 proof: set MMCHECK_PROOFS=1]'), { timeout: 1_800_000 }, fn);

const b2 = ((await import('../specs/mm/b2-rdma-fork.ts')) as { default: Spec<any> }).default;
const TARGETS = [PROP.P6, PROP.P12];

async function holdsIn(sys: SymSystem, f: ZBool, state: unknown): Promise<boolean> {
  const vals = sys.enc.terms(state as never);
  const g = sys.z.substitute(f, ...sys.X.map((x, i) => [x, vals[i]!] as [ZExpr, ZExpr])) as ZBool;
  return sys.z.isTrue(await simplify(sys.z, g));
}

describe('b2-rdma-fork: P6 and P12 by --infer, no strengthening given', () => {
  proof('v5.19: both proven for unbounded counts; the proof names inferred counting relations', async () => {
    const built = b2.build('v5.19');
    const r = await checkSymbolic(built, { engine: 'induction', infer: true, properties: TARGETS, depth: 1 });
    for (const name of TARGETS) {
      const p = r.properties.find((x) => x.property === name)!;
      expect([name, p.verdict]).toEqual([name, 'holds']);
      expect(p.coverage).toMatchObject({ kind: 'inductive', k: 1, ints: 'unbounded' });
      const by = (p.coverage as unknown as { strengthenedBy: string[] }).strengthenedBy;
      expect(by.every((n) => !n.startsWith('inductive-'))).toBe(true);
    }
    const p6 = r.properties.find((x) => x.property === PROP.P6)!;
    expect((p6.coverage as unknown as { strengthenedBy: string[] }).strengthenedBy.some((n) => /^(.* => )?page\[\d\]\.(ref|pins) === .*\[/.test(n))).toBe(true);
  });

  proof('v5.19: the inferred invariant holds in every reachable state', async () => {
    const built = b2.build('v5.19');
    const sys = await symbolicSystem(built);
    const r = await infer(sys, undefined, TARGETS, { solverSeconds: [] });
    expect(r.invariant).toBeDefined();
    const inv = r.invariant!.of(sys);
    const reach = sampleStates(built, 1e6);
    const bfs = await explore(built);
    expect(bfs.stats.kind === 'search' && bfs.stats.distinct).toBe(reach.length);
    for (const s of reach) expect(await holdsIn(sys, inv, s)).toBe(true);
  });

  proof('v5.9-rc4 (BFS: P6 violated): --infer never proves P6', async () => {
    const built = b2.build('v5.9-rc4');
    const bfs = await explore(built);
    expect(bfs.properties.find((p) => p.property === PROP.P6)!.verdict).toBe('violated');
    const r = await checkSymbolic(built, { engine: 'induction', infer: true, properties: [PROP.P6], depth: 1 });
    expect(r.properties.find((p) => p.property === PROP.P6)!.verdict).not.toBe('holds');
  });
});
