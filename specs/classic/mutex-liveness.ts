// Starvation under fairness, on the smallest models where the answer can
// be worked out by hand (and TLC agrees: test/liveness.test.ts runs the
// TLA+ versions in test/fixtures/tla when a TLC jar is given).
//
// lock-*: two workers loop for ever: `try` waits for a free lock and takes
// it, `cs` releases it. A waiter starves when the other worker keeps taking
// the lock back:
// - lock-unfair: nothing is promised, a worker may simply stop: A waits for
//   ever from the initial state (a lasso of 0 steps, then stuttering), and
//   nobody enters at all (Entering, AEnters violated).
// - lock-weak: weak fairness per worker. B takes the lock, releases it,
//   takes it again...: A's step is enabled only while the lock is free, so
//   not continuously, and weak fairness lets A starve (AEnters violated: a
//   cycle of 2 steps after B's first). Somebody always enters (Entering holds).
// - lock-strong: strong fairness per worker: A is enabled infinitely often,
//   so it must eventually be taken. Both hold.
// peterson-*: Peterson's algorithm (as specs/classic/peterson.ts). With weak
// fairness per process a waiting process enters (its wait step stays
// enabled once the other has given it the turn): AEnters holds. Unfair:
// violated by stuttering.

import { array, bool, domain, model, record, ref, spec, thread, type Fairness } from '../../src/index.ts';

const Worker = domain('Worker', ['A', 'B']);

type Kind = 'lock' | 'peterson';

function lockModel(fairness: Fairness) {
  const m = model(
    record({
      locked: bool(),
      w: array(thread(['try', 'cs'], {}, { forever: true }), Worker),
    }),
  );
  m.init({ locked: false, w: [{ pc: 'try' }, { pc: 'try' }] });
  m.thread('worker', {
    instances: Worker,
    fairness,
    at: (s, self) => s.w[self]!,
    steps: {
      try: {
        guard: (s) => !s.locked,
        apply: (_s, n) => {
          n.locked = true;
        },
        kernel: 'spin_lock()',
      },
      cs: {
        apply: (_s, n) => {
          n.locked = false;
          return 'try';
        },
        kernel: 'spin_unlock()',
      },
    },
  });
  m.leadsTo('AEnters', (s) => s.w[0]!.pc === 'try', (s) => s.w[0]!.pc === 'cs', { doc: 'a waiting A gets the lock' });
  m.infinitelyOften('Entering', (s) => s.locked, { doc: 'somebody holds the lock again and again' });
  m.eventually('SomeEnters', (s) => s.locked);
  return m;
}

function petersonModel(fairness: Fairness) {
  const other = (i: number): number => 1 - i;
  const m = model(
    record({
      flag: array(bool(), Worker),
      turn: ref(Worker),
      w: array(thread(['flag', 'turn', 'wait', 'cs', 'exit'], {}, { forever: true }), Worker),
    }),
  );
  m.init({ flag: [false, false], turn: 0, w: [{ pc: 'flag' }, { pc: 'flag' }] });
  m.thread('proc', {
    instances: Worker,
    fairness,
    at: (s, self) => s.w[self]!,
    steps: {
      flag: { apply: (_s, n, { self }) => void (n.flag[self] = true) },
      turn: { apply: (_s, n, { self }) => void (n.turn = other(self)) },
      wait: { guard: (s, { self }) => !s.flag[other(self)] || s.turn === self },
      cs: {},
      exit: {
        apply: (_s, n, { self }) => {
          n.flag[self] = false;
          return 'flag';
        },
      },
    },
  });
  m.leadsTo('AEnters', (s) => s.w[0]!.pc === 'wait', (s) => s.w[0]!.pc === 'cs', { doc: 'a waiting A enters' });
  m.infinitelyOften('Entering', (s) => s.w.some((x) => x.pc === 'cs'));
  m.eventually('SomeEnters', (s) => s.w.some((x) => x.pc === 'cs'));
  return m;
}

export default spec({
  name: 'mutex-liveness',
  doc: 'Starvation of a lock waiter without fairness, with weak and with strong fairness; Peterson with weak fairness',
  variants: {
    'lock-unfair': { kind: 'lock' as Kind, fairness: 'unfair' as Fairness },
    'lock-weak': { kind: 'lock' as Kind, fairness: 'weak' as Fairness },
    'lock-strong': { kind: 'lock' as Kind, fairness: 'strong' as Fairness },
    'peterson-unfair': { kind: 'peterson' as Kind, fairness: 'unfair' as Fairness },
    'peterson-weak': { kind: 'peterson' as Kind, fairness: 'weak' as Fairness },
  },
  bounds: () => '2 workers looping for ever',
  model: ({ kind, fairness }) => (kind === 'lock' ? lockModel(fairness) : petersonModel(fairness)),
  expect: {
    '*': { AEnters: 'holds', Entering: 'holds', SomeEnters: 'holds' },
    'lock-unfair': { AEnters: 'violated', Entering: 'violated', SomeEnters: 'violated' },
    'lock-weak': { AEnters: 'violated' },
    'peterson-unfair': { AEnters: 'violated', Entering: 'violated', SomeEnters: 'violated' },
  },
});
