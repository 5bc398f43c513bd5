// The liveness row of npm run bench: Counters (N=6, K=9 by default:
// 1,000,000 states) with a leads-to property under weak fairness of every
// inc(i) and of reset, beside the same model with no temporal property, so
// the figures show what the fair-cycle pass costs in time and memory.
// Counter 0 at 0 leads to counter 0 at K: weak fairness of inc(0) forces it
// (inc(0) stays enabled until counter 0 is full), so the property holds and
// the pass must visit the whole graph.

import { spec } from '../src/index.ts';
import { countersModel } from '../specs/classic/counters.ts';

const N = Number(process.env.BENCH_LIVE_N ?? 6);
const K = Number(process.env.BENCH_LIVE_K ?? 9);

export default spec({
  name: 'counters-liveness',
  variants: { safety: { N, K, live: false }, 'leads-to': { N, K, live: true } },
  bounds: ({ N, K }) => `N=${N} counters, K=${K}`,
  model: ({ N, K, live }) => {
    const m = countersModel({ N, K });
    if (live) {
      m.fair('weak', 'Inc', { actions: ['inc'], per: ['i'] });
      m.fair('weak', 'Reset', { actions: ['reset'] });
      m.leadsTo('Refills', (s) => s.c[0] === 0, (s) => s.c[0] === K);
    }
    return m;
  },
  expect: { '*': { Bounded: 'holds', AllFull: 'holds' }, 'leads-to': { Refills: 'holds' } },
});
