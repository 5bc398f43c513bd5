// A model partial-order reduction is for: N worker threads, each doing K
// private steps (its own counter) and then one shared step (publish into
// a shared total). The private steps commute with everything and no
// property sees them; only the publish steps interleave. Unreduced, each
// worker is in one of K + 2 places (counting 0..K-1, about to publish,
// done) and the total is the number done: (K + 2)^N states, the count
// bench/por.ts checks. Not in specs/: it is a benchmark of the reduction.

import { array, domain, int, model, record, spec, thread } from '../src/index.ts';

export interface WorkersConfig {
  readonly N: number;
  readonly K: number;
}

export default spec({
  name: 'por-workers',
  doc: 'N workers with K private steps each, then one shared publish',
  variants: {
    'n3-k3': { N: 3, K: 3 },
    'n4-k4': { N: 4, K: 4 },
    'n5-k5': { N: 5, K: 5 },
  },
  bounds: ({ N, K }) => `N=${N} workers, K=${K} private steps each`,
  model: ({ N, K }: WorkersConfig) => {
    const W = domain('Worker', N);
    const m = model(record({ total: int(0, N), w: array(thread(['work', 'publish'], { c: int(0, K) }), W) }));
    m.init({ total: 0, w: Array.from({ length: N }, () => ({ pc: 'work' as const, c: 0 })) });
    m.thread('worker', {
      instances: W,
      at: (s, self) => s.w[self]!,
      steps: {
        work: {
          guard: (s, { self }) => s.w[self]!.c < K,
          apply: (s, n, { self }) => {
            n.w[self]!.c = s.w[self]!.c + 1;
            return s.w[self]!.c + 1 < K ? 'work' : 'publish';
          },
        },
        publish: {
          guard: (s) => s.total < N,
          apply: (s, n) => {
            n.total = s.total + 1;
          },
        },
      },
    });
    m.always('TotalBounded', (s) => s.total <= N);
    m.sometimes('AllPublished', (s) => s.total === N);
    return m;
  },
  expect: { '*': { TotalBounded: 'holds', AllPublished: 'holds' } },
});
