// Die Hard's jug puzzle, as in Lamport's DieHard.tla: a big and a small jug,
// a tap and a drain; measure exactly 4 gallons. "The big jug never holds 4"
// is the invariant a solution violates, so the checker's counterexample is
// the solution, and BFS makes it the shortest one.
//
// Known answers (worked out by hand, see test/classic.test.ts):
// - jugs 5 and 3: violated; the only shortest solution takes 6 steps:
//   fillBig, bigToSmall, emptySmall, bigToSmall, fillBig, bigToSmall
//   (0,0) (5,0) (2,3) (2,0) (0,2) (5,2) (4,3).
//   Reachable: the 16 states where one jug is empty or full; BFS depth 8.
// - jugs 6 and 3: holds; every amount is a multiple of gcd(6,3) = 3, so
//   the reachable states are the 6 with big in {0,3,6}, small in {0,3}.
// As in DieHard.tla the actions have no guards: filling a full jug is a step
// that changes nothing, and TLC counts it among the generated states
// (generated = 1 + 6 * distinct).

import { int, model, record, spec } from '../../src/index.ts';

export interface JugsConfig {
  /** Capacity of the big jug, in gallons. */
  readonly big: number;
  /** Capacity of the small jug. */
  readonly small: number;
  /** The amount the puzzle asks for in the big jug. */
  readonly goal: number;
}

export function jugsModel({ big, small, goal }: JugsConfig) {
  const m = model(record({ big: int(0, big), small: int(0, small) }));
  m.init({ big: 0, small: 0 });
  m.action('fillSmall', {
    actor: 'jugs',
    apply: (_s, n) => {
      n.small = small;
    },
  });
  m.action('fillBig', {
    actor: 'jugs',
    apply: (_s, n) => {
      n.big = big;
    },
  });
  m.action('emptySmall', {
    actor: 'jugs',
    apply: (_s, n) => {
      n.small = 0;
    },
  });
  m.action('emptyBig', {
    actor: 'jugs',
    apply: (_s, n) => {
      n.big = 0;
    },
  });
  m.action('smallToBig', {
    actor: 'jugs',
    doc: 'pour the small jug into the big one until the big is full or the small empty',
    apply: (s, n) => {
      const room = big - s.big;
      const poured = s.small < room ? s.small : room;
      n.big = s.big + poured;
      n.small = s.small - poured;
    },
  });
  m.action('bigToSmall', {
    actor: 'jugs',
    doc: 'pour the big jug into the small one until the small is full or the big empty',
    apply: (s, n) => {
      const room = small - s.small;
      const poured = s.big < room ? s.big : room;
      n.big = s.big - poured;
      n.small = s.small + poured;
    },
  });
  m.always('NotSolved', (s) => s.big !== goal, { doc: `the big jug never holds ${goal}` });
  m.sometimes('BothFull', (s) => s.big === big && s.small === small);
  return m;
}

export default spec({
  name: 'diehard',
  doc: "Die Hard jugs: can the big jug be made to hold the goal amount?",
  variants: {
    'jugs-5-3': { big: 5, small: 3, goal: 4 },
    'jugs-6-3': { big: 6, small: 3, goal: 4 },
  },
  variantDocs: {
    'jugs-5-3': 'the film: 5 and 3 gallon jugs, 4 gallons wanted (solvable)',
    'jugs-6-3': '6 and 3 gallon jugs: only multiples of 3 can be measured',
  },
  bounds: ({ big, small }) => `jugs of ${big} and ${small} gallons`,
  model: jugsModel,
  expect: {
    '*': { BothFull: 'holds' },
    'jugs-5-3': { NotSolved: 'violated' },
    'jugs-6-3': { NotSolved: 'holds' },
  },
});
