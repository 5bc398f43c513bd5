// Counters(N, K), the reference model of ../shared/peers/Counters.tla and
// Counters.pml: N counters over 0..K, inc(i) while counter i is below K, one
// reset when all are at K. Closed forms: (K+1)^N distinct states,
// N*K*(K+1)^(N-1) + 2 generated (TLC's count), so engine counts are
// checked against arithmetic, not against themselves.

import { array, domain, int, model, record, spec } from '../../src/index.ts';

export interface CountersConfig {
  readonly N: number;
  readonly K: number;
}

export function countersModel({ N, K }: CountersConfig) {
  const Counter = domain('Counter', N);
  const m = model(record({ c: array(int(0, K), Counter) }));
  m.init({ c: Array(N).fill(0) });
  m.action('inc', {
    params: { i: Counter },
    guard: (s, { i }) => s.c[i]! < K,
    apply: (s, n, { i }) => {
      n.c[i] = s.c[i]! + 1;
    },
    actor: ({ i }) => `counter${i}`,
  });
  m.action('reset', {
    guard: (s) => s.c.every((v) => v === K),
    apply: (_s, n) => {
      for (let i = 0; i < N; i++) n.c[i] = 0;
    },
  });
  m.always('Bounded', (s) => s.c.every((v) => v <= K));
  m.sometimes('AllFull', (s) => s.c.every((v) => v === K));
  return m;
}

export default spec({
  name: 'counters',
  doc: 'N counters over 0..K with a global reset (peer reference model)',
  variants: {
    'n2-k3': { N: 2, K: 3 },
    'n3-k4': { N: 3, K: 4 },
    'n4-k5': { N: 4, K: 5 },
  },
  bounds: ({ N, K }) => `N=${N} counters, K=${K}`,
  model: countersModel,
  expect: { '*': { Bounded: 'holds', AllFull: 'holds' } },
});
