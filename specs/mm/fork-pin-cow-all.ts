// Everything at once: a R/W gup_fast pin and the child's vmsplice pipe,
// fork, stores by both processes and the child's exit, in every
// interleaving the test program allows (DMA is left to B0/B2: it only adds
// a content value here; the R/O longterm pin of B5 is left out since the
// COW fault became its real four steps: with it the state space grows
// twentyfold, to 675k states). Five pages: in v5.8 four COW copies can be
// in flight at once, each allocated before its pte_same recheck. This is the check that the
// current design (v5.19) keeps every promise when the paths of B0-B5 meet,
// and that each older design fails exactly the promises history says.

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, allHold, bothWrote, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, addInductivePinExclusive, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { CHILD, PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  5,
  [
    { name: 'gupFast', owner: PARENT, pin: true, write: true, longterm: true, fast: true, start: 'any', release: true },
    { name: 'pipe', owner: CHILD, pin: false, write: false, longterm: false, fast: true, start: 'afterFork', release: false },
  ],
  { parentWrite: 'afterFork', childWrite: 'afterFork', childExit: true },
);

// inductive-pin-exclusive is P6 plus facts true in every reachable state: it fails where P6 does.
const v = (...violated: (keyof typeof PROP)[]) =>
  Object.fromEntries([
    ...violated.map((p) => [PROP[p], 'violated' as const]),
    ...(violated.includes('P6') ? [[INDUCTIVE_PIN_EXCLUSIVE, 'violated' as const]] : []),
  ]);

const PROPS: readonly PropId[] = ['P1', 'P2', 'P3', 'P5', 'P6', 'P7', 'P12', 'P13', 'P14'];

export default spec({
  name: 'fork-pin-cow-all',
  doc: 'fork x R/W gup_fast pin x R/O pin x vmsplice x stores x exit, all interleavings',
  variants: KERNELS,
  variantDocs: KERNEL_DOCS,
  bounds: () =>
    '1 VA, 2 mms, 5 pages, 1 R/W FOLL_PIN (gup_fast) + 1 R/O FOLL_GET in the child, 1 fork, 1 store each, child exit',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    addInductivePinExclusive(m, SC, k);
    m.sometimes('both-references-held', (s) => s.gup[0].held && s.gup[1].held);
    m.sometimes('both-write-while-pinned', (s) => bothWrote(s) && s.gup[0].held);
    m.sometimes('gup-fast-grabs-inside-fork', (s) => s.gup[0].grabbed && s.mm[PARENT].mmapW);
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE),
    'v5.7': v('P1', 'P2', 'P3', 'P5', 'P6', 'P13'),
    'v5.8': v('P2', 'P3', 'P5', 'P6', 'P13'),
    'v5.9-rc4': v('P3', 'P5', 'P6', 'P13'),
    'v5.9': v('P3', 'P5', 'P6', 'P13'),
    'v5.19-no-wpseq': v('P3', 'P5', 'P6', 'P13'),
  },
});
