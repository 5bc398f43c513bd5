// Cross-check of the two engines on the kernel history: for every kernel
// spec, the variant whose shortest counterexample is shortest is checked by
// BMC (the same spec source, translated to Z3) to that length: every
// property BFS finds violated within it must be violated with the same
// minimal length, every witness within it found, and nothing BFS proves may
// be violated. One variant per spec keeps npm test fast; every violating
// variant to its longest counterexample is the bench sweep
// (bench/symbolic.ts, `npm run bench`). The all-paths spec fork-pin-cow-all
// is left to the bench: BMC to its violation depths takes minutes.

import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';

const dir = fileURLToPath(new URL('../specs/mm', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('fork-pin-cow-all'))
  .sort();

afterAll(async () => {
  await disposeZ3();
});

describe('BMC agrees with BFS on the kernel history', () => {
  it('finds the kernel specs', () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const f of files) {
    it(f, async () => {
      const spec = (await import(join(dir, f))).default as Spec;
      let pick: { variant: string; k: number; ex: Awaited<ReturnType<typeof explore>> } | undefined;
      for (const variant of spec.variants) {
        const ex = await explore(spec.build(variant));
        const lengths = ex.properties.filter((p) => p.verdict === 'violated').map((p) => p.trace!.steps.length);
        if (lengths.length === 0) continue;
        const k = Math.min(...lengths);
        if (!pick || k < pick.k) pick = { variant, k, ex };
      }
      expect(pick, `${f}: every kernel spec has a design that breaks it`).toBeDefined();
      const { variant, k, ex } = pick!;
      const sym = await checkSymbolic(spec.build(variant), { engine: 'bmc', depth: k });
      let compared = 0;
      for (const p of ex.properties) {
        const s = sym.properties.find((q) => q.property === p.property)!;
        const what = `${spec.name}/${variant}/${p.property}`;
        if (p.trace && p.trace.steps.length <= k) {
          expect(s.verdict, what).toBe(p.verdict);
          expect(s.trace?.steps.length, what).toBe(p.trace.steps.length);
          compared++;
        } else if (p.kind !== 'sometimes') {
          // BFS proved it over all reachable states, or its counterexample is longer: none within k.
          expect(s.verdict, what).not.toBe('violated');
        }
      }
      expect(compared, `${spec.name}/${variant}: a counterexample compared`).toBeGreaterThan(0);
    });
  }
});
