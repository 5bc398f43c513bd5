// The cone of influence (src/symbolic/slicing.ts): the leaves a property
// depends on, transitively through the guards and written terms of the
// transitions that write them. Checked on a fixture where the violation
// depends on a field only pulled in transitively (c reaches a through b,
// under a guard on g), and a field nothing reads (d) stays out.

import { afterAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Spec } from '../src/spec/spec.ts';
import { explore } from '../src/explicit/explore.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import { symbolicSystem } from '../src/symbolic/system.ts';
import { coneOfInfluence } from '../src/symbolic/slicing.ts';

const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mmcheck-slicing-'));
afterAll(async () => {
  await disposeZ3();
  rmSync(dir, { recursive: true, force: true });
});

const SPEC = `
import { bool, int, model, record, spec } from '__API__';
export default spec({
  name: 'slicing-chain',
  variants: { v: {} },
  model: () => {
    const m = model(record({ a: int(0, 3), b: int(0, 3), c: int(0, 3), g: bool(), d: int(0, 3) }));
    m.init({ a: 0, b: 0, c: 0, g: false, d: 0 });
    m.action('c', { guard: (s) => s.c < 3, apply: (s, n) => { n.c = s.c + 1; } });
    m.action('b', { apply: (s, n) => { n.b = s.c; } });
    m.action('open', { apply: (_s, n) => { n.g = true; } });
    m.action('a', { guard: (s) => s.g, apply: (s, n) => { n.a = s.b; } });
    m.action('d', { guard: (s) => s.d < 3, apply: (s, n) => { n.d = s.d + 1; } });
    m.always('SmallA', (s) => s.a < 2);
    return m;
  },
  expect: { '*': { SmallA: 'violated' } },
});
`;

test('the cone of a property takes what reaches it transitively, and nothing else', async () => {
  const file = join(dir, 'spec.ts');
  writeFileSync(file, SPEC.replaceAll('__API__', API));
  const built = ((await import(file)) as { default: Spec<any> }).default.build('v');
  // The violation needs c (through b, into a, once g is set): BFS finds it in 5 steps.
  const bfs = await explore(built);
  expect(bfs.properties.find((p) => p.property === 'SmallA')!.trace!.steps.map((s) => s.transition.label).sort()).toEqual(
    ['a', 'b', 'c', 'c', 'open'],
  );
  const sys = await symbolicSystem(built);
  const p = sys.props.find((q) => q.entry.name === 'SmallA')!;
  const cone = coneOfInfluence(sys, [p.holds]);
  const names = cone.leaves.map((i) => sys.enc.leaves[i]!.path);
  expect(names.sort()).toEqual(['a', 'b', 'c', 'g']);
  const labels = cone.transitions.map((i) => sys.trans[i]!.t.label);
  expect(labels.sort()).toEqual(['a', 'b', 'c', 'open']);
  // A seed on d alone: d and its own transition.
  const dLeaf = sys.enc.leaves.findIndex((l) => l.path === 'd');
  expect(coneOfInfluence(sys, [sys.X[dLeaf]!]).leaves).toEqual([dLeaf]);
});
