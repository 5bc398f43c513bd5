// B5: R/O pins were not coherent before v5.19. After fork the page is
// shared and read-only; a R/O longterm pin takes it as it is; the parent's
// store COWs, and the pin keeps showing the old page. v5.19 ("COW fixes part
// 2") makes a R/O FOLL_PIN of a possibly shared anon page unshare first
// (FAULT_FLAG_UNSHARE), so the pin and the parent's later stores meet in
// one exclusive page. cow.c: "R/O GUP pin on R/O-mapped shared page" (child
// alive) and "... previously-shared page" (child exited first).

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, parentWritesWhilePinned, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, addInductivePinExclusive, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { CHILD, PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  // pin_user_pages(FOLL_LONGTERM) without FOLL_WRITE, after fork.
  [{ name: 'roPin', owner: PARENT, pin: true, write: false, longterm: true, fast: false, start: 'afterFork', release: false }],
  { parentWrite: 'afterFork', childExit: true },
);

const BROKEN = { [PROP.P4]: 'violated', [PROP.P6]: 'violated', [INDUCTIVE_PIN_EXCLUSIVE]: 'violated' } as const;

const PROPS: readonly PropId[] = ['P1', 'P4', 'P6', 'P7', 'P12', 'P14'];

export default spec({
  name: 'b5-ro-pin',
  doc: 'B5: R/O longterm pin of a COW-shared page, then the parent writes; the pin must see it',
  variants: KERNELS,
  variantDocs: KERNEL_DOCS,
  bounds: () => '1 VA, 2 mms, 3 pages, 1 R/O longterm FOLL_PIN (slow GUP), 1 fork, 1 parent store, child exit',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    addInductivePinExclusive(m, SC, k);
    m.sometimes('pinned-while-child-maps-page', (s) => s.gup[0].held && s.pte[CHILD].page !== null, {
      doc: 'the R/O pin is taken while the child still maps the (formerly) shared page',
    });
    m.sometimes('pinned-after-child-exit', (s) => s.gup[0].held && s.gup[0].page === 0 && !s.mm[CHILD].live, {
      doc: 'the R/O pin is on the previously shared page after the child exited',
    });
    m.sometimes('parent-writes-while-pinned', (s) => parentWritesWhilePinned(s));
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE),
    'v5.7': BROKEN,
    'v5.9-rc4': BROKEN,
    'v5.9': BROKEN,
    'v5.11': BROKEN,
  },
});
