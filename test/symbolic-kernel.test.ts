// Cross-check of the two engines on the kernel history: for every kernel
// spec and every variant where BFS finds a violation, BMC (the same spec
// source, translated to Z3) must find exactly the same violations with the
// same minimal lengths, and agree on every witness within that depth. The
// all-paths spec fork-pin-cow-all is left out: BMC to its violation depths
// takes minutes, which is a benchmark, not a test.

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
  for (const f of files) {
    it(f, async () => {
      const spec = (await import(join(dir, f))).default as Spec;
      let checked = 0;
      for (const variant of spec.variants) {
        const built = spec.build(variant);
        const ex = await explore(built);
        const lengths = ex.properties.filter((p) => p.verdict === 'violated').map((p) => p.trace!.steps.length);
        if (lengths.length === 0) continue;
        const k = Math.max(...lengths);
        const sym = await checkSymbolic(built, { engine: 'bmc', depth: k });
        for (const p of ex.properties) {
          const s = sym.properties.find((q) => q.property === p.property)!;
          const what = `${spec.name}/${variant}/${p.property}`;
          if (p.trace && p.trace.steps.length <= k) {
            expect(s.verdict, what).toBe(p.verdict);
            expect(s.trace?.steps.length, what).toBe(p.trace.steps.length);
          } else if (p.kind !== 'sometimes') {
            // BFS proved it over all reachable states; BMC must find nothing within k.
            expect(s.verdict, what).not.toBe('violated');
          }
        }
        checked++;
      }
      expect(checked, 'every kernel spec has a design that breaks it').toBeGreaterThan(0);
    });
  }
});
