// cow.c case 1 ("Basic COW after fork()") on THP layouts: the parent writes
// after fork, the child (alive) must still read the old data. Expected to
// hold in every era: the THP path leaked only through a GUP reference (B1).

import { spec } from '../../src/index.ts';
import { cowModel, type CowCase } from '../../models/mm/thp/cow-model.ts';
import { addThpProperties, THP_PROP } from '../../models/mm/thp/cow-properties.ts';
import { CHILD } from '../../models/mm/thp/cow-state.ts';
import { thpVariants } from '../../models/mm/thp/variants.ts';

const { variants, docs } = thpVariants();

export default spec({
  name: 'thp-cow-basic',
  doc: 'cow.c case 1 on THP: the parent writes after fork; the child keeps the old data',
  variants,
  variantDocs: docs,
  bounds: (v) => `1 THP of 2 subpages (${v.layout}), 2 mms, 2 small pages, 1 fork, 1 parent store`,
  model: ({ k, layout }) => {
    const c: CowCase = { layout, parentWrite: true };
    const m = cowModel(k, c);
    addThpProperties(m, c, ['P1', 'P12']);
    m.sometimes('parent-wrote-child-maps-old', (s) => {
      const cp = s.mm[CHILD].pmd === 'huge' ? 0 : s.mm[CHILD].pte[0].page;
      return s.user[0].write.pc === 'done' && cp !== null && s.page[cp].data === 'old';
    });
    return m;
  },
  expect: { '*': { [THP_PROP.P1]: 'holds', [THP_PROP.P12]: 'holds', [THP_PROP.OOM]: 'holds' } },
});
