// Counters at benchmark size (BENCH_N, BENCH_K; default N=7, K=9:
// 10,000,000 distinct states), the size quoted for SPIN and TLC.

import { spec } from '../src/index.ts';
import { countersModel } from '../specs/classic/counters.ts';

const N = Number(process.env.BENCH_N ?? 7);
const K = Number(process.env.BENCH_K ?? 9);

export default spec({
  name: 'counters-bench',
  variants: { bench: { N, K } },
  bounds: ({ N, K }) => `N=${N} counters, K=${K}`,
  model: countersModel,
  expect: { bench: { Bounded: 'holds', AllFull: 'holds' } },
});
