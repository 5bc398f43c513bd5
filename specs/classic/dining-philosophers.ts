// The Chandy-Misra "hygienic" dining philosophers, ported from
// tlaplus/Examples specifications/DiningPhilosophers/DiningPhilosophers.tla
// (a PlusCal algorithm) with its DiningPhilosophers.cfg: NP = 5, `fair
// process Philosopher`, invariant ExclusiveAccess, property NobodyStarves
// == \A p: []<>(~hungry[p]).
//
// Each philosopher is a thread that never finishes (Loop, Eat, Think),
// weakly fair per instance as `fair process` is. The Loop step changes
// nothing when a hungry philosopher holds no dirty fork and cannot eat: that
// step is stuttering, so it does not make the process ENABLED in TLA+'s sense
// (ENABLED <<Philosopher(p)>>_vars), and mmcheck judges it the same way.
// TLC 2.20 on the original: 67 distinct states, 336 generated, depth 29,
// every property holds; mmcheck counts the same (test/liveness.test.ts). Variant 'unfair' drops the fairness: NobodyStarves is
// violated (everybody may stop).

import { array, bool, domain, model, record, ref, spec, thread } from '../../src/index.ts';

export function philosophersModel({ np, fair }: { np: number; fair: boolean }) {
  const P = domain('P', Array.from({ length: np }, (_, i) => `p${i + 1}`));
  // Philosopher i (0-based) has left fork i and right fork i+1 (mod np).
  const left = (p: number): number => p;
  const right = (p: number): number => (p + 1) % np;
  const leftPhil = (p: number): number => (p + np - 1) % np;
  const rightPhil = (p: number): number => (p + 1) % np;
  const m = model(
    record({
      forks: array(record({ holder: ref(P), clean: bool() }), np),
      hungry: array(bool(), P),
      phil: array(thread(['Loop', 'Eat', 'Think'], {}, { forever: true }), P),
    }),
  );
  // Each fork starts with the lower-numbered adjacent philosopher, dirty.
  m.init({
    forks: Array.from({ length: np }, (_, f) => ({ holder: f === 1 ? 0 : f, clean: false })),
    hungry: Array.from({ length: np }, () => true),
    phil: Array.from({ length: np }, () => ({ pc: 'Loop' as const })),
  });
  const canEat = (s: any, p: number): boolean =>
    s.forks[left(p)].holder === p && s.forks[right(p)].holder === p && s.forks[left(p)].clean && s.forks[right(p)].clean;
  m.thread('phil', {
    instances: P,
    fairness: fair ? 'weak' : 'unfair',
    at: (s, self) => s.phil[self]!,
    steps: {
      Loop: {
        apply: (s, n, { self }) => {
          const l = s.forks[left(self)]!;
          const r = s.forks[right(self)]!;
          if (l.holder === self && !l.clean) n.forks[left(self)] = { holder: leftPhil(self), clean: true };
          else if (r.holder === self && !r.clean) n.forks[right(self)] = { holder: rightPhil(self), clean: true };
          // CanEat is judged on the state before the step, as the PlusCal translation does.
          if (s.hungry[self]) return canEat(s, self) ? 'Eat' : 'Loop';
          return 'Think';
        },
      },
      Eat: {
        apply: (_s, n, { self }) => {
          n.hungry[self] = false;
          n.forks[left(self)]!.clean = false;
          n.forks[right(self)]!.clean = false;
          return 'Loop';
        },
      },
      Think: {
        apply: (_s, n, { self }) => {
          n.hungry[self] = true;
          return 'Loop';
        },
      },
    },
  });
  const shareFork = (p: number, q: number): boolean =>
    [left(p), right(p)].some((f) => f === left(q) || f === right(q));
  m.always('ExclusiveAccess', (s) =>
    s.phil.every((a, p) => s.phil.every((b, q) => p === q || !shareFork(p, q) || !(a.pc === 'Eat' && b.pc === 'Eat'))),
  );
  P.names.forEach((name, p) => m.infinitelyOften(`NobodyStarves_${name}`, (s) => !s.hungry[p]));
  return m;
}

const all = (np: number, v: 'holds' | 'violated'): Record<string, 'holds' | 'violated'> =>
  Object.fromEntries(Array.from({ length: np }, (_, i) => [`NobodyStarves_p${i + 1}`, v]));

export default spec({
  name: 'dining-philosophers',
  doc: 'Chandy-Misra hygienic dining philosophers (PlusCal, fair processes), from tlaplus/Examples',
  variants: { np5: { np: 5, fair: true }, unfair: { np: 5, fair: false } },
  variantDocs: { np5: 'DiningPhilosophers.cfg: NP = 5, fair process', unfair: 'NP = 5, processes not fair' },
  bounds: ({ np }) => `${np} philosophers`,
  model: philosophersModel,
  expect: {
    '*': { ExclusiveAccess: 'holds', ...all(5, 'holds') },
    unfair: all(5, 'violated'),
  },
});
