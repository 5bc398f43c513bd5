// Peterson's mutual exclusion for two processes, written as in the PlusCal
// version (Lamport, "A PlusCal User's Manual"): each process loops through
//
//   flag:  flag[self] := TRUE
//   turn:  turn := other
//   wait:  await ~flag[other] \/ turn = self
//   cs:    (critical section; a process is in it while its pc is cs)
//   exit:  flag[self] := FALSE, back to the start
//
// Known answers (worked out by hand, see test/classic.test.ts):
// - peterson: MutualExclusion holds. The flags are functions of the pcs
//   (flag[i] iff pc[i] /= flag), so a state is (pc0, pc1, turn), and 26 of
//   the 5 * 5 * 2 = 50 are reachable:
//   . both at flag or turn: 4 pc pairs, either turn: 8;
//   . one (i) at flag or turn, the other past its turn step: 12 pc pairs,
//     turn = i (the other set it so, and if i gave the turn back since, i
//     is stuck at wait while the other stays inside): 12;
//   . both past their turn steps: (wait, wait) with either turn, and one at
//     wait with the other at cs or exit, turn = the one inside: 2 + 4 = 6;
//     both at cs or exit is what MutualExclusion rules out.
//   8 + 12 + 6 = 26.
// - turn-first (turn set before flag, a classic mistake): MutualExclusion is
//   violated; both processes must each take their three entry steps, so the
//   shortest trace has exactly 6 steps:
//     p0.turn (turn=1), p1.turn (turn=0), p1.flag, p1.wait (flag[0] false),
//     p0.flag, p0.wait (turn=0): both in cs.
// - flag-only (raise the flag, wait for the other's to drop; no turn):
//   safe, but both raising their flags is a deadlock, reached in 2 steps.
//   Reachable: the 4 * 4 pc pairs less the 4 with both at cs or exit: 12.
// - turn-first: no constraint is left; all 50 (pc0, pc1, turn) are reachable.
// CanEnter witnesses that the critical section is reachable at all (3 steps,
// 2 in flag-only), so MutualExclusion does not hold vacuously.

import { array, bool, domain, model, record, ref, spec, thread } from '../../src/index.ts';

export type PetersonProtocol = 'peterson' | 'turn-first' | 'flag-only';

export interface PetersonConfig {
  readonly protocol: PetersonProtocol;
}

const Proc = domain('Proc', ['p0', 'p1']);

function other(self: number): number {
  return 1 - self;
}

export function petersonModel({ protocol }: PetersonConfig) {
  const m = model(
    record({
      flag: array(bool(), Proc),
      turn: ref(Proc),
      proc: array(thread(['flag', 'turn', 'wait', 'cs', 'exit']), Proc),
    }),
  );
  const first = protocol === 'turn-first' ? 'turn' : 'flag';
  m.init({ flag: [false, false], turn: 0, proc: [{ pc: first }, { pc: first }] });

  if (protocol === 'peterson') {
    m.thread('proc', {
      instances: Proc,
      at: (s, self) => s.proc[self]!,
      steps: {
        flag: {
          apply: (_s, n, { self }) => {
            n.flag[self] = true;
          },
        },
        turn: {
          apply: (_s, n, { self }) => {
            n.turn = other(self);
          },
        },
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
  } else if (protocol === 'turn-first') {
    m.thread('proc', {
      instances: Proc,
      at: (s, self) => s.proc[self]!,
      steps: {
        turn: {
          apply: (_s, n, { self }) => {
            n.turn = other(self);
          },
        },
        flag: {
          apply: (_s, n, { self }) => {
            n.flag[self] = true;
          },
        },
        wait: { guard: (s, { self }) => !s.flag[other(self)] || s.turn === self },
        cs: {},
        exit: {
          apply: (_s, n, { self }) => {
            n.flag[self] = false;
            return 'turn';
          },
        },
      },
    });
  } else {
    m.thread('proc', {
      instances: Proc,
      at: (s, self) => s.proc[self]!,
      steps: {
        flag: {
          apply: (_s, n, { self }) => {
            n.flag[self] = true;
          },
        },
        wait: { guard: (s, { self }) => !s.flag[other(self)] },
        cs: {},
        exit: {
          apply: (_s, n, { self }) => {
            n.flag[self] = false;
            return 'flag';
          },
        },
      },
    });
  }

  m.always('MutualExclusion', (s) => !(s.proc[0]!.pc === 'cs' && s.proc[1]!.pc === 'cs'), {
    doc: 'never both processes in the critical section',
  });
  m.sometimes('CanEnter', (s) => s.proc.some((p) => p.pc === 'cs'), {
    doc: 'some process reaches the critical section',
  });
  return m;
}

export default spec({
  name: 'peterson',
  doc: "Peterson's mutual exclusion for two processes, and two broken attempts",
  variants: {
    peterson: { protocol: 'peterson' },
    'turn-first': { protocol: 'turn-first' },
    'flag-only': { protocol: 'flag-only' },
  },
  variantDocs: {
    peterson: 'Peterson 1981: raise the flag, then give the turn away',
    'turn-first': 'the turn is given away before the flag is raised (broken)',
    'flag-only': 'flags without a turn variable: safe but deadlocks',
  },
  bounds: () => '2 processes, entry protocol repeated forever',
  model: petersonModel,
  expect: {
    '*': { MutualExclusion: 'holds', CanEnter: 'holds', deadlockFree: 'holds' },
    'turn-first': { MutualExclusion: 'violated' },
    'flag-only': { deadlockFree: 'violated' },
  },
});
