// The Coffee Can problem (Scholten, via Dijkstra and Gries), ported from
// tlaplus/Examples specifications/CoffeeCan/CoffeeCan.tla with its
// CoffeeCan100Beans.cfg: MaxBeanCount = 100, Spec == Init /\ [][Next]_can
// /\ WF_can(Next). The initial states are every can with 1..100 beans
// (TLA+'s Init == can \in {c \in Can : ...}): initWhere, 5,150 states.
// Termination (one bean left) is UNCHANGED can: a step that changes
// nothing, so TLC generates it (and so does mmcheck) but it is stuttering,
// and ENABLED <<Next>>_can is false there: the last bean stutters for ever.
//
// TerminationHypothesis is `IF white even THEN <>(one black) ELSE <>(one
// white)` evaluated in the initial state; the parity of white never changes
// (LoopInvariant), so it is <>(the last bean has the colour the parity says).
// TLC 2.20 on the original: 5,150 distinct states, 20,002 generated, depth
// 1 (every reachable can is initial); all properties hold. Variant
// 'unfair' drops WF_can(Next): a can may stop with many beans (stuttering
// from the first initial state, which has 2 beans), so
// EventuallyTerminates and TerminationHypothesis are violated.

import { int, model, record, spec } from '../../src/index.ts';

export function coffeeCanModel({ max, fair }: { max: number; fair: boolean }) {
  const m = model(record({ black: int(0, max), white: int(0, max) }));
  const beans = (s: { readonly black: number; readonly white: number }): number => s.black + s.white;
  m.initWhere((s) => beans(s) >= 1 && beans(s) <= max);
  m.action('pickSameColorWhite', {
    guard: (s) => beans(s) > 1 && s.white >= 2,
    apply: (s, n) => {
      n.black = s.black + 1;
      n.white = s.white - 2;
    },
  });
  m.action('pickSameColorBlack', {
    guard: (s) => beans(s) > 1 && s.black >= 2,
    apply: (s, n) => void (n.black = s.black - 1),
  });
  m.action('pickDifferentColor', {
    guard: (s) => beans(s) > 1 && s.black >= 1 && s.white >= 1,
    apply: (s, n) => void (n.black = s.black - 1),
  });
  m.action('termination', { guard: (s) => beans(s) === 1, apply: () => {} });
  if (fair)
    m.fair('weak', 'Next', { actions: ['pickSameColorWhite', 'pickSameColorBlack', 'pickDifferentColor', 'termination'] });

  m.transition('MonotonicDecrease', (s, n) => (s.black === n.black && s.white === n.white) || beans(n) < beans(s));
  m.transition('LoopInvariant', (s, n) => (s.white % 2 === 0) === (n.white % 2 === 0));
  m.eventually('EventuallyTerminates', (s) => beans(s) === 1);
  m.eventually('TerminationHypothesis', (s) =>
    s.white % 2 === 0 ? s.black === 1 && s.white === 0 : s.black === 0 && s.white === 1,
  );
  return m;
}

export default spec({
  name: 'coffee-can',
  doc: 'The Coffee Can problem, from tlaplus/Examples',
  variants: { beans100: { max: 100, fair: true }, unfair: { max: 100, fair: false } },
  variantDocs: { beans100: 'CoffeeCan100Beans.cfg, WF_can(Next)', unfair: '100 beans, no fairness' },
  bounds: ({ max }) => `at most ${max} beans`,
  model: coffeeCanModel,
  expect: {
    '*': { MonotonicDecrease: 'holds', LoopInvariant: 'holds', EventuallyTerminates: 'holds', TerminationHypothesis: 'holds' },
    unfair: { EventuallyTerminates: 'violated', TerminationHypothesis: 'violated' },
  },
});
