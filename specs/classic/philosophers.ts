// Dining philosophers (Dijkstra): N philosophers round a table, fork i
// between philosopher i-1 and philosopher i; philosopher i's left fork is i,
// its right fork i+1 (mod N). Each philosopher loops forever:
//
//   takeFirst:  await the first fork free, take it
//   takeSecond: await the second fork free, take it
//   eat:        (eating while the pc is here) put both forks down, repeat
//
// Known answers (worked out by hand, see test/classic.test.ts):
// - left-first (everyone takes the left fork first): deadlockFree is
//   violated. A deadlock needs every philosopher blocked; one blocked at
//   takeFirst means its neighbour holds both forks and can eat, so in a
//   deadlock all N wait at takeSecond holding their left fork: exactly N
//   steps, one takeFirst each.
// - ordered (each takes its lower-numbered fork first, so philosopher N-1
//   takes fork 0 first): the forks are acquired in one global order, so
//   there is no cycle of waiting and deadlockFree holds.
// Reachable states: the forks held follow from the pcs, every pc vector
// whose fork holdings do not overlap is reachable (take the forks in any
// order; nobody gives one up), so the count is a transfer-matrix trace:
// 14 (N=3) and 82 (N=5) for left-first, 12 and 70 for ordered.

import { array, domain, model, optional, record, ref, spec, thread } from '../../src/index.ts';

export interface PhilosophersConfig {
  /** Number of philosophers (and forks). */
  readonly N: number;
  /** Take the lower-numbered fork first (else the left one). */
  readonly ordered: boolean;
}

function leftFork(self: number): number {
  return self;
}

function rightFork(self: number, N: number): number {
  return (self + 1) % N;
}

function firstFork(self: number, N: number, ordered: boolean): number {
  const l = leftFork(self);
  const r = rightFork(self, N);
  return ordered && r < l ? r : l;
}

function secondFork(self: number, N: number, ordered: boolean): number {
  const l = leftFork(self);
  const r = rightFork(self, N);
  return ordered && r < l ? l : r;
}

export function philosophersModel({ N, ordered }: PhilosophersConfig) {
  const Phil = domain('Phil', N);
  const Fork = domain('Fork', N);
  const m = model(
    record({
      /** Who holds each fork. */
      fork: array(optional(ref(Phil)), Fork),
      phil: array(thread(['takeFirst', 'takeSecond', 'eat']), Phil),
    }),
  );
  const phil: { pc: 'takeFirst' }[] = [];
  const fork: null[] = [];
  for (let i = 0; i < N; i++) {
    phil.push({ pc: 'takeFirst' });
    fork.push(null);
  }
  m.init({ fork, phil });

  m.thread('phil', {
    instances: Phil,
    at: (s, self) => s.phil[self]!,
    steps: {
      takeFirst: {
        guard: (s, { self }) => s.fork[firstFork(self, N, ordered)] === null,
        apply: (_s, n, { self }) => {
          n.fork[firstFork(self, N, ordered)] = self;
        },
      },
      takeSecond: {
        guard: (s, { self }) => s.fork[secondFork(self, N, ordered)] === null,
        apply: (_s, n, { self }) => {
          n.fork[secondFork(self, N, ordered)] = self;
        },
      },
      eat: {
        apply: (_s, n, { self }) => {
          n.fork[leftFork(self)] = null;
          n.fork[rightFork(self, N)] = null;
          return 'takeFirst';
        },
      },
    },
  });

  m.always(
    'NeighboursNeverEatTogether',
    (s) => {
      for (let i = 0; i < N; i++) {
        if (s.phil[i]!.pc === 'eat' && s.phil[rightFork(i, N)]!.pc === 'eat') return false;
      }
      return true;
    },
    { doc: 'philosophers i and i+1 share fork i+1, so never eat at once' },
  );
  m.always(
    'EaterHoldsBothForks',
    (s) => {
      for (let i = 0; i < N; i++) {
        if (s.phil[i]!.pc === 'eat' && !(s.fork[leftFork(i)] === i && s.fork[rightFork(i, N)] === i)) return false;
      }
      return true;
    },
    { doc: 'a philosopher eats only with both its forks in hand' },
  );
  m.sometimes('SomeoneEats', (s) => s.phil.some((p) => p.pc === 'eat'));
  return m;
}

export default spec({
  name: 'philosophers',
  doc: 'Dining philosophers: left fork first deadlocks, ordered forks do not',
  variants: {
    'left-first': { N: 3, ordered: false },
    ordered: { N: 3, ordered: true },
    'left-first-5': { N: 5, ordered: false },
    'ordered-5': { N: 5, ordered: true },
  },
  variantDocs: {
    'left-first': 'everyone takes the left fork first (deadlocks)',
    ordered: 'forks taken in increasing number: the last philosopher takes the right one first',
    'left-first-5': 'left-first with five philosophers',
    'ordered-5': 'ordered with five philosophers',
  },
  bounds: ({ N }) => `${N} philosophers, eating repeatedly`,
  model: philosophersModel,
  expect: {
    '*': { NeighboursNeverEatTogether: 'holds', EaterHoldsBothForks: 'holds', SomeoneEats: 'holds' },
    'left-first': { deadlockFree: 'violated' },
    'left-first-5': { deadlockFree: 'violated' },
  },
});
