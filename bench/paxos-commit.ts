// PaxosCommit, ported from tlaplus/Examples
// (specifications/transaction_commit/PaxosCommit.tla, Gray and Lamport,
// "Consensus on Transaction Commit") with the model of PaxosCommit.cfg:
// RM = {r1, r2}, Acceptor = {a1, a2, a3}, the three 2-element majorities,
// Ballot = {0, 1}. TLC's counts for that model (the repository's
// manifest.json): 1,321,761 distinct states, 16,959,159 generated, depth 28.
// `npm run bench` checks both counts; they are not in `npm test` (the run is
// seconds, not milliseconds).
//
// msgs, the set of every message ever sent, is one boolean per possible
// message (messages are never removed, so a set of them is a bit each):
//   p1a[ins]                    phase1a, ins, bal 1 (bal ranges over Ballot \ {0})
//   p1b[ins][acc][bal+1][val]   phase1b with mbal 1: an acceptor sends 1b only
//                               when its mbal < the 1a's bal, and 1a's bal is 1
//   p2a[ins][bal][val]          phase2a; val prepared | aborted
//   p2b[ins][acc][bal][val]     phase2b
//   commit, abort
// A message outside these (mbal 0 in a 1b, say) cannot be sent by the spec;
// writing one would be an out-of-range index, which the engine reports.
//
// Generated counts equal TLC's only if every successor TLC enumerates is one
// transition here. TLC enumerates each witness of an existential in an
// action (also one without primes) and expands a universal into one
// conjunct per element, each enumerating its own existentials. Hence:
//   Phase1b(acc)   \E m \in msgs            -> one transition per (acc, ins)
//   Phase2b(acc)   \E m \in msgs            -> per (acc, ins, bal, val)
//   Phase2a(bal, rm) \E MS \in Majority, then \A ac \in MS : \E m \in mset
//                  (one 1b per acceptor and instance with mbal 1)
//                                           -> per (rm, MS)
//   Decide, abort: \E rm, and Decided(rm) = \E b, MS  -> per (rm, b, MS)
//   Decide, commit: \A rm : Decided(rm) = \E b, MS   -> per (b, MS) of each rm
// Steps that change nothing (a resent message, RMRcvCommitMsg by a committed
// RM) are transitions too: TLC counts them as generated.

import { array, bool, domain, enumOf, int, model, record, spec } from '../src/index.ts';

const RM = domain('RM', ['r1', 'r2']);
const Acceptor = domain('Acceptor', ['a1', 'a2', 'a3']);
const Majorities: readonly (readonly number[])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
];
const Majority = domain('Majority', ['a1a2', 'a1a3', 'a2a3']);
const BallotDom = domain('Ballot', ['b0', 'b1']);
const Val2 = domain('Val2', ['prepared', 'aborted']);

type AVal = 'prepared' | 'aborted' | 'none';
const VAL3: readonly AVal[] = ['prepared', 'aborted', 'none'];
const val3 = (v: AVal): number => (v === 'prepared' ? 0 : v === 'aborted' ? 1 : 2);

export function paxosCommitModel() {
  const rms = RM.size;
  const accs = Acceptor.size;
  const m = model(
    record({
      rmState: array(enumOf('working', 'prepared', 'committed', 'aborted'), RM),
      aState: array(
        array(record({ mbal: int(0, 1), bal: int(-1, 1), val: enumOf('prepared', 'aborted', 'none') }), Acceptor),
        RM,
      ),
      p1a: array(bool(), RM),
      p1b: array(array(array(array(bool(), 3), 3), Acceptor), RM),
      p2a: array(array(array(bool(), 2), 2), RM),
      p2b: array(array(array(array(bool(), 2), 2), Acceptor), RM),
      commit: bool(),
      abort: bool(),
    }),
  );
  const f = (n: number) => Array.from({ length: n }, () => false);
  m.init({
    rmState: Array.from({ length: rms }, () => 'working' as const),
    aState: Array.from({ length: rms }, () =>
      Array.from({ length: accs }, () => ({ mbal: 0, bal: -1, val: 'none' as AVal })),
    ),
    p1a: f(rms),
    p1b: Array.from({ length: rms }, () => Array.from({ length: accs }, () => [f(3), f(3), f(3)])),
    p2a: Array.from({ length: rms }, () => [f(2), f(2)]),
    p2b: Array.from({ length: rms }, () => Array.from({ length: accs }, () => [f(2), f(2)])),
    commit: false,
    abort: false,
  });
  type S = Parameters<Parameters<typeof m.always>[1]>[0];

  m.action('RMPrepare', {
    params: { rm: RM },
    guard: (s, { rm }) => s.rmState[rm] === 'working',
    apply: (_s, n, { rm }) => {
      n.rmState[rm] = 'prepared';
      n.p2a[rm]![0]![0] = true;
    },
  });
  m.action('RMChooseToAbort', {
    params: { rm: RM },
    guard: (s, { rm }) => s.rmState[rm] === 'working',
    apply: (_s, n, { rm }) => {
      n.rmState[rm] = 'aborted';
      n.p2a[rm]![0]![1] = true;
    },
  });
  m.action('RMRcvCommitMsg', {
    params: { rm: RM },
    guard: (s) => s.commit,
    apply: (_s, n, { rm }) => {
      n.rmState[rm] = 'committed';
    },
  });
  m.action('RMRcvAbortMsg', {
    params: { rm: RM },
    guard: (s) => s.abort,
    apply: (_s, n, { rm }) => {
      n.rmState[rm] = 'aborted';
    },
  });
  m.action('Phase1a', {
    params: { rm: RM },
    apply: (_s, n, { rm }) => {
      n.p1a[rm] = true;
    },
  });
  // The 1b message of acceptor ac for instance rm (mbal 1), as [bal, val], or undefined.
  const oneB = (s: S, rm: number, ac: number): [number, number] | undefined => {
    const byBal = s.p1b[rm]![ac]!;
    for (let b = 0; b < 3; b++) for (let v = 0; v < 3; v++) if (byBal[b]![v]) return [b - 1, v];
    return undefined;
  };
  m.action('Phase2a', {
    params: { rm: RM, ms: Majority },
    guard: (s, { rm, ms }) => {
      if (s.p2a[rm]![1]![0] || s.p2a[rm]![1]![1]) return false;
      return Majorities[ms]!.every((ac) => oneB(s, rm, ac) !== undefined);
    },
    apply: (s, n, { rm, ms }) => {
      let maxbal = -1;
      let val = 1; // aborted
      for (const ac of Majorities[ms]!) {
        const [bal, v] = oneB(s, rm, ac)!;
        if (bal > maxbal) {
          maxbal = bal;
          val = v;
        }
      }
      if (val === 2) throw new Error('a 1b message with a ballot carries no value');
      n.p2a[rm]![1]![val] = true;
    },
  });
  const decidedBy = (s: S, rm: number, b: number, ms: number, v: number): boolean =>
    Majorities[ms]!.every((ac) => s.p2b[rm]![ac]![b]![v]);
  m.action('DecideCommit', {
    params: { b1: BallotDom, ms1: Majority, b2: BallotDom, ms2: Majority },
    guard: (s, { b1, ms1, b2, ms2 }) => decidedBy(s, 0, b1, ms1, 0) && decidedBy(s, 1, b2, ms2, 0),
    apply: (_s, n) => {
      n.commit = true;
    },
  });
  m.action('DecideAbort', {
    params: { rm: RM, b: BallotDom, ms: Majority },
    guard: (s, { rm, b, ms }) => decidedBy(s, rm, b, ms, 1),
    apply: (_s, n) => {
      n.abort = true;
    },
  });
  m.action('Phase1b', {
    params: { acc: Acceptor, ins: RM },
    guard: (s, { acc, ins }) => s.p1a[ins]! && s.aState[ins]![acc]!.mbal < 1,
    apply: (s, n, { acc, ins }) => {
      const a = s.aState[ins]![acc]!;
      n.aState[ins]![acc]!.mbal = 1;
      n.p1b[ins]![acc]![a.bal + 1]![val3(a.val)] = true;
    },
  });
  m.action('Phase2b', {
    params: { acc: Acceptor, ins: RM, bal: BallotDom, val: Val2 },
    guard: (s, { acc, ins, bal, val }) => s.p2a[ins]![bal]![val]! && s.aState[ins]![acc]!.mbal <= bal,
    apply: (_s, n, { acc, ins, bal, val }) => {
      const a = n.aState[ins]![acc]!;
      a.mbal = bal;
      a.bal = bal;
      a.val = VAL3[val]!;
      n.p2b[ins]![acc]![bal]![val] = true;
    },
  });

  // TCommit's TCConsistent, which PaxosCommit implements.
  m.always('TCConsistent', (s) => !(s.rmState.includes('committed') && s.rmState.includes('aborted')));
  m.sometimes('Committed', (s) => s.rmState.every((r) => r === 'committed'));
  return m;
}

export default spec({
  name: 'paxos-commit',
  doc: 'PaxosCommit.tla (tlaplus/Examples) with PaxosCommit.cfg: 2 RMs, 3 acceptors, ballots 0..1',
  variants: { tlc: {} },
  bounds: () => 'RM = {r1, r2}, Acceptor = {a1, a2, a3}, Ballot = {0, 1}',
  model: () => paxosCommitModel(),
  expect: { tlc: { TCConsistent: 'holds' } },
});

/** TLC's figures for PaxosCommit.cfg (manifest.json of tlaplus/Examples). */
export const TLC_COUNTS = { distinct: 1_321_761, generated: 16_959_159, depth: 28 };
