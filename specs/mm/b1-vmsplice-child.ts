// B1, CVE-2020-29374 (Jann Horn): "COW can break either way". After fork the
// child takes a read-only GUP reference (vmsplice into a pipe), unmaps the
// buffer, and the parent writes: with mapcount-based reuse the parent sees
// mapcount 1, writes in place, and the child reads the parent's new data
// through the pipe. Fixed in v5.8 by breaking COW on GUP (17839856fd58),
// then in v5.9 by refcount-based reuse (09854ba94c6a). cow.c: "vmsplice() +
// unmap in child".

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_REFCOUNTS, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { CHILD } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  // vmsplice: iov_iter_get_pages -> get_user_pages_fast(FOLL_GET), read-only.
  [{ name: 'pipe', owner: CHILD, pin: false, write: false, longterm: false, fast: true, start: 'afterFork', release: false }],
  { parentWrite: 'afterFork', childUnmap: true },
);

const PROPS: readonly PropId[] = ['P1', 'P7', 'P12'];

export default spec({
  name: 'b1-vmsplice-child',
  doc: 'B1 (CVE-2020-29374): child vmsplices, unmaps; the parent writes; the pipe must show old data',
  variants: KERNELS,
  variantDocs: KERNEL_DOCS,
  bounds: () => '1 VA, 2 mms, 3 pages, 1 R/O FOLL_GET (gup_fast, slow fallback), 1 fork, 1 parent store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    m.sometimes('pipe-outlives-child-mapping', (s) => s.gup[0].held && s.pte[CHILD].page === null && s.forked, {
      doc: 'the child unmapped the buffer while its pipe still references the page',
    });
    m.sometimes('parent-writes-after-child-unmap', (s) => {
      let wrote = false;
      for (let p = 0; p < s.page.length; p++) wrote = wrote || s.page[p].data === 'parent';
      return wrote && s.user[CHILD].unmap.pc === 'done' && s.gup[0].held;
    });
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS),
    'v5.7': { [PROP.P1]: 'violated' },
  },
});
