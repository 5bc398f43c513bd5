// The mirror image of B1 (cow.c "vmsplice() before fork(), unmap in parent
// after fork()"): the parent's pipe references the page, the parent unmaps
// it, and the child writes. With mapcount-based reuse the child's write
// fault sees mapcount 1 and writes in place, into the page the parent's pipe
// still shows. v5.8's forced COW break on GUP does not help when the GUP
// came before fork (the page was exclusive then); refcount-based reuse
// (v5.9) does.

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_REFCOUNTS, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  [{ name: 'pipe', owner: PARENT, pin: false, write: false, longterm: false, fast: true, start: 'any', release: false }],
  { childWrite: 'afterFork', parentUnmap: true },
);

const PROPS: readonly PropId[] = ['P2', 'P7', 'P12'];

export default spec({
  name: 'cow-vmsplice-parent',
  doc: 'P2: parent vmsplices, forks, unmaps; the child writes; the pipe must show old data',
  variants: KERNELS,
  variantDocs: KERNEL_DOCS,
  bounds: () => '1 VA, 2 mms, 3 pages, 1 R/O FOLL_GET (gup_fast, slow fallback), 1 fork, 1 child store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    m.sometimes('pipe-outlives-parent-mapping', (s) => s.gup[0].held && s.pte[PARENT].page === null, {
      doc: 'the parent unmapped the buffer while its pipe still references the page',
    });
    m.sometimes('child-writes', (s) => {
      let wrote = false;
      for (let p = 0; p < s.page.length; p++) wrote = wrote || s.page[p].data === 'child';
      return wrote;
    });
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS),
    'v5.7': { [PROP.P2]: 'violated' },
    'v5.8': { [PROP.P2]: 'violated' },
  },
});
