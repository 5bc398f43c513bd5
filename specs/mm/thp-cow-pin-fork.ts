// cow.c case 8 ("fork() with an iouring fixed buffer") on THP layouts: a
// R/W longterm pin, fork, the parent writes and the device writes through
// the pin. The pin must stay the parent's page (P3) and the child must not
// get it (P5). For a PMD-mapped THP copy_huge_pmd refuses to share a
// maybe-pinned THP and splits the PMD (d042035eaf5f, v5.9); the PTE-level
// copy then gives the child copies (70e806e4e645). Expected to hold from
// v5.9 on; v5.8 (the negative control) shares the pinned THP at fork.

import { spec } from '../../src/index.ts';
import { cowModel, type CowCase } from '../../models/mm/thp/cow-model.ts';
import { addThpProperties, THP_PROP } from '../../models/mm/thp/cow-properties.ts';
import { CHILD, PARENT } from '../../models/mm/thp/cow-state.ts';
import { thpVariants, violatedWhere } from '../../models/mm/thp/variants.ts';

const { variants, docs } = thpVariants();
const broken = violatedWhere(Object.keys(variants), (v) => v.startsWith('v5.8-'), [
  THP_PROP.P3,
  THP_PROP.P5,
  THP_PROP.P6,
]);

export default spec({
  name: 'thp-cow-pin-fork',
  doc: 'cow.c case 8 on THP: R/W longterm pin, fork, the parent and the device write',
  variants,
  variantDocs: docs,
  bounds: (v) => `1 THP of 2 subpages (${v.layout}), 2 mms, 2 small pages, 1 R/W pin, 1 fork, 1 store, DMA`,
  model: ({ k, layout }) => {
    const c: CowCase = {
      layout,
      holders: [{ name: 'rdma', owner: PARENT, pin: true, write: true, fast: false, start: 'before', release: false }],
      parentWrite: true,
      dma: true,
    };
    const m = cowModel(k, c);
    addThpProperties(m, c, ['P1', 'P3', 'P5', 'P6', 'P12']);
    m.sometimes('pinned-before-fork-child-has-copy', (s) => s.gup[0].preFork && s.forked && s.mm[CHILD].pmd !== 'none');
    m.sometimes('parent-wrote-while-pinned', (s) => s.gup[0].held && s.user[0].write.pc === 'done');
    return m;
  },
  expect: {
    '*': {
      [THP_PROP.P1]: 'holds',
      [THP_PROP.P3]: 'holds',
      [THP_PROP.P5]: 'holds',
      [THP_PROP.P6]: 'holds',
      [THP_PROP.P12]: 'holds',
      [THP_PROP.OOM]: 'holds',
    },
    ...broken,
  },
});
