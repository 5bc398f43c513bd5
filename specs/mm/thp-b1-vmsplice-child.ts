// B1 (CVE-2020-29374) through the THP path. v5.9 fixed the small-page case
// with refcount-based reuse in do_wp_page, but do_huge_pmd_wp_page kept
// reuse_swap_page (mapcount) until "COW fixes part 1" (v5.18): after fork
// the child vmsplices a PMD-mapped THP (a FOLL_GET reference), unmaps it,
// the parent's write fault sees mapcount 1, reuses the THP and writes into
// the page the child's pipe still shows (Linus, Dec 2021: "the hugepage
// code simply doesn't follow that pattern"). cow.c case 3 on four layouts.

import { spec } from '../../src/index.ts';
import { cowModel, type CowCase, type Layout } from '../../models/mm/thp/cow-model.ts';
import { addThpProperties, THP_PROP } from '../../models/mm/thp/cow-properties.ts';
import { CHILD } from '../../models/mm/thp/cow-state.ts';
import { thpVariants } from '../../models/mm/thp/variants.ts';

const { variants, docs } = thpVariants();

const caseOf = (layout: Layout): CowCase => ({
  layout,
  // vmsplice: get_user_pages_fast(FOLL_GET), read-only, on the child's VA 0
  holders: [{ name: 'pipe', owner: CHILD, pin: false, write: false, fast: true, start: 'afterFork', release: false }],
  parentWrite: true,
  childUnmap: true,
});

const PROPS = ['P1', 'P12'] as const;

export default spec({
  name: 'thp-b1-vmsplice-child',
  doc: 'B1 through THP: the child vmsplices a THP, unmaps it; the parent writes',
  variants,
  variantDocs: docs,
  bounds: (v) => `1 THP of 2 subpages (${v.layout}), 2 mms, 2 small pages, 1 R/O FOLL_GET, 1 fork, 1 store`,
  model: ({ k, layout }) => {
    const c = caseOf(layout);
    const m = cowModel(k, c);
    addThpProperties(m, c, PROPS);
    m.sometimes('pipe-outlives-child-mapping', (s) => s.gup[0].held && s.mm[CHILD].pmd === 'none');
    m.sometimes('parent-wrote', (s) => s.user[0].write.pc === 'done' && s.page.some((p) => p.data === 'parent'));
    return m;
  },
  expect: {
    '*': { [THP_PROP.P1]: 'holds', [THP_PROP.P12]: 'holds', [THP_PROP.OOM]: 'holds' },
    'v5.17-pmd': { [THP_PROP.P1]: 'violated' },
  },
});
