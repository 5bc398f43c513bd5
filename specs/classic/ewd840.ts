// Dijkstra's termination detection on a ring (EWD 840), ported from
// tlaplus/Examples specifications/ewd840/EWD840.tla (Merz), with its
// EWD840.cfg: N = 3, Spec == Init /\ [][Next]_vars /\ WF_vars(System),
// invariants TerminationDetection and Inv, property Liveness ==
// terminated ~> terminationDetected. No deadlock check (CHECK_DEADLOCK FALSE).
//
// Every action is split as TLC splits it, so generated counts compare: one
// successor per value of an \E, and one per true disjunct of a guard (TLC
// explores `tcolor = "black" \/ color[0] = "black"` as two branches, so a
// state where both hold yields the same successor twice): the `why`
// parameters below. TLC 2.20 on the original (N = 3): 302 distinct states,
// 2,001 generated, depth 9, no error (Liveness holds);
// test/liveness.test.ts checks mmcheck's figures against these.
// Variant 'unfair' drops WF_vars(System): Liveness is violated (nodes may
// all be passive and the token never move), as TLC also reports.

import { array, bool, domain, enumOf, int, model, record, ref, spec } from '../../src/index.ts';

export interface Ewd840Config {
  readonly n: number;
  readonly fair: boolean;
}

const Color = enumOf('white', 'black');

export function ewd840Model({ n, fair }: Ewd840Config) {
  const Node = domain('Node', n);
  const m = model(
    record({
      active: array(bool(), Node),
      color: array(Color, Node),
      tpos: ref(Node),
      tcolor: Color,
    }),
  );
  // Init: the token is black, everything else takes any type-correct value.
  m.initWhere((s) => s.tcolor === 'black');

  m.action('initiateProbe', {
    params: { why: enumOf('tokenBlack', 'nodeBlack') },
    guard: (s, { why }) => s.tpos === 0 && (why === 'tokenBlack' ? s.tcolor === 'black' : s.color[0] === 'black'),
    apply: (_s, x) => {
      x.tpos = n - 1;
      x.tcolor = 'white';
      x.color[0] = 'white';
    },
    actor: 'token',
  });
  m.action('passToken', {
    params: { i: int(1, n - 1), why: enumOf('passive', 'nodeBlack', 'tokenBlack') },
    guard: (s, { i, why }) =>
      s.tpos === i &&
      (why === 'passive' ? !s.active[i] : why === 'nodeBlack' ? s.color[i] === 'black' : s.tcolor === 'black'),
    apply: (s, x, { i }) => {
      x.tpos = i - 1;
      x.tcolor = s.color[i] === 'black' ? 'black' : s.tcolor;
      x.color[i] = 'white';
    },
    actor: 'token',
  });
  m.action('sendMsg', {
    params: { i: Node, j: Node },
    guard: (s, { i, j }) => s.active[i]! && j !== i,
    apply: (s, x, { i, j }) => {
      x.active[j] = true;
      if (j > i) x.color[i] = 'black';
    },
    actor: 'env',
  });
  m.action('deactivate', {
    params: { i: Node },
    guard: (s, { i }) => s.active[i]!,
    apply: (_s, x, { i }) => {
      x.active[i] = false;
    },
    actor: 'env',
  });
  // WF_vars(System): System == InitiateProbe \/ \E i: PassToken(i).
  if (fair) m.fair('weak', 'System', { actions: ['initiateProbe', 'passToken'] });

  const terminated = (s: { readonly active: readonly boolean[] }): boolean => s.active.every((a) => !a);
  const terminationDetected = (s: any): boolean =>
    s.tpos === 0 && s.tcolor === 'white' && s.color[0] === 'white' && !s.active[0];
  m.always('TerminationDetection', (s) => !terminationDetected(s) || terminated(s));
  m.always('Inv', (s) => {
    const p0 = s.active.every((a, i) => !(s.tpos < i) || !a);
    const p1 = s.color.some((c, j) => j <= s.tpos && c === 'black');
    return p0 || p1 || s.tcolor === 'black';
  });
  m.leadsTo('Liveness', terminated, terminationDetected, { doc: 'termination is eventually detected' });
  return m;
}

export default spec({
  name: 'ewd840',
  doc: "Dijkstra's termination detection on a ring (EWD 840), from tlaplus/Examples",
  variants: { n3: { n: 3, fair: true }, unfair: { n: 3, fair: false } },
  variantDocs: { n3: 'EWD840.cfg: N = 3, WF_vars(System)', unfair: 'N = 3 without fairness' },
  bounds: ({ n }) => `${n} nodes`,
  model: ewd840Model,
  deadlock: false,
  expect: {
    '*': { TerminationDetection: 'holds', Inv: 'holds', Liveness: 'holds' },
    unfair: { Liveness: 'violated' },
  },
});
