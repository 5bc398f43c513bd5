// Two-phase commit, as in Lamport's TwoPhase.tla (Gray and Lamport,
// "Consensus on Transaction Commit"): a transaction manager (TM) and resource
// managers (RMs). The message set of TwoPhase.tla is kept as booleans: one
// "Prepared" message per RM, one "Commit", one "Abort" (messages are never
// lost or removed, so a set of them is exactly a bit per possible message).
//
//   tmRcvPrepared(r)  TM in init receives r's Prepared: tmPrepared[r]
//   tmCommit          TM in init, every RM prepared: Commit sent
//   tmAbort           TM in init: Abort sent
//   rmPrepare(r)      r working: r prepared, Prepared(r) sent
//   rmChooseToAbort(r) r working: r aborted
//   rmRcvCommit(r)    Commit sent: r committed
//   rmRcvAbort(r)     Abort sent: r aborted
//
// One deliberate difference: in TwoPhase.tla the TM may receive a Prepared
// message again, and an RM may receive Commit or Abort again, when it has
// already acted on it; those steps change nothing (stuttering), so they are
// guarded off here (tmRcvPrepared needs r not yet in tmPrepared, rmRcvCommit
// needs r prepared, rmRcvAbort needs r working or prepared). In every
// reachable state a step these guards leave out would change nothing (with
// Commit sent every RM is prepared or committed; with Abort sent none is
// committed), so the states and the state-changing steps are exactly
// TwoPhase.tla's: with 3 RMs the 288 distinct states TLC reports for
// TwoPhase. Only the generated count differs from TLC's, by the self-loops
// left out. Without the self-loops the protocol ends: the TM has decided and
// every RM has committed or aborted. Those are the terminal states.
//
// Known answers (see test/classic.test.ts):
// - two-phase: Consistency holds; 288 distinct states; BFS depth 11: the
//   farthest states follow 3 prepares, 3 receipts by the TM, the decision
//   and 3 receipts by the RMs (10 steps, each changing a different field,
//   so none can be skipped: level 11).
// - prepared-may-abort (an RM may abort after it has prepared, which the
//   protocol forbids): Consistency is violated; the shortest trace has 9
//   steps: Commit needs all 3 prepared and received by the TM (7 steps),
//   then one RM commits and another aborts.

import { array, bool, domain, enumOf, model, record, spec } from '../../src/index.ts';

export interface TwoPhaseConfig {
  /** Number of resource managers. */
  readonly rms: number;
  /** Let a prepared RM abort on its own (breaks the protocol). */
  readonly preparedMayAbort: boolean;
}

export function twoPhaseModel({ rms, preparedMayAbort }: TwoPhaseConfig) {
  const RM = domain('RM', rms);
  const m = model(
    record({
      rmState: array(enumOf('working', 'prepared', 'committed', 'aborted'), RM),
      tmState: enumOf('init', 'committed', 'aborted'),
      tmPrepared: array(bool(), RM),
      /** The messages sent: Prepared(r) per RM, Commit, Abort. */
      msgPrepared: array(bool(), RM),
      msgCommit: bool(),
      msgAbort: bool(),
    }),
  );
  const rmState: 'working'[] = [];
  const tmPrepared: boolean[] = [];
  const msgPrepared: boolean[] = [];
  for (let i = 0; i < rms; i++) {
    rmState.push('working');
    tmPrepared.push(false);
    msgPrepared.push(false);
  }
  m.init({ rmState, tmState: 'init', tmPrepared, msgPrepared, msgCommit: false, msgAbort: false });

  m.action('tmRcvPrepared', {
    params: { r: RM },
    actor: 'TM',
    guard: (s, { r }) => s.tmState === 'init' && s.msgPrepared[r]! && !s.tmPrepared[r],
    apply: (_s, n, { r }) => {
      n.tmPrepared[r] = true;
    },
  });
  m.action('tmCommit', {
    actor: 'TM',
    guard: (s) => s.tmState === 'init' && s.tmPrepared.every((p) => p),
    apply: (_s, n) => {
      n.tmState = 'committed';
      n.msgCommit = true;
    },
  });
  m.action('tmAbort', {
    actor: 'TM',
    guard: (s) => s.tmState === 'init',
    apply: (_s, n) => {
      n.tmState = 'aborted';
      n.msgAbort = true;
    },
  });
  m.action('rmPrepare', {
    params: { r: RM },
    actor: ({ r }) => RM.names[r]!,
    guard: (s, { r }) => s.rmState[r] === 'working',
    apply: (_s, n, { r }) => {
      n.rmState[r] = 'prepared';
      n.msgPrepared[r] = true;
    },
  });
  m.action('rmChooseToAbort', {
    params: { r: RM },
    actor: ({ r }) => RM.names[r]!,
    guard: (s, { r }) =>
      s.rmState[r] === 'working' || (preparedMayAbort && s.rmState[r] === 'prepared'),
    apply: (_s, n, { r }) => {
      n.rmState[r] = 'aborted';
    },
  });
  m.action('rmRcvCommit', {
    params: { r: RM },
    actor: ({ r }) => RM.names[r]!,
    guard: (s, { r }) => s.msgCommit && s.rmState[r] === 'prepared',
    apply: (_s, n, { r }) => {
      n.rmState[r] = 'committed';
    },
  });
  m.action('rmRcvAbort', {
    params: { r: RM },
    actor: ({ r }) => RM.names[r]!,
    guard: (s, { r }) => s.msgAbort && (s.rmState[r] === 'working' || s.rmState[r] === 'prepared'),
    apply: (_s, n, { r }) => {
      n.rmState[r] = 'aborted';
    },
  });

  m.terminal(
    (s) => s.tmState !== 'init' && s.rmState.every((r) => r === 'committed' || r === 'aborted'),
  );
  m.always(
    'Consistency',
    (s) => !(s.rmState.some((r) => r === 'committed') && s.rmState.some((r) => r === 'aborted')),
    { doc: 'no RM has committed while another has aborted' },
  );
  m.sometimes('AllCommitted', (s) => s.rmState.every((r) => r === 'committed'));
  m.sometimes('AllAborted', (s) => s.rmState.every((r) => r === 'aborted'));
  return m;
}

export default spec({
  name: 'two-phase-commit',
  doc: "Two-phase commit (Lamport's TwoPhase.tla) with 3 resource managers",
  variants: {
    'two-phase': { rms: 3, preparedMayAbort: false },
    'prepared-may-abort': { rms: 3, preparedMayAbort: true },
  },
  variantDocs: {
    'two-phase': 'the protocol as in TwoPhase.tla',
    'prepared-may-abort': 'an RM aborts on its own after preparing (broken)',
  },
  bounds: ({ rms }) => `${rms} resource managers`,
  model: twoPhaseModel,
  expect: {
    '*': { Consistency: 'holds', AllCommitted: 'holds', AllAborted: 'holds' },
    'prepared-may-abort': { Consistency: 'violated' },
  },
});
