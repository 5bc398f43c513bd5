// Every THP COW path at once: a R/W longterm pin taken with gup_fast before
// fork and released later, fork (copy_huge_pmd or copy_present_pte per
// subpage), a R/O longterm pin of the parent's VA 0 after fork, the child's
// vmsplice (a R/O FOLL_GET through gup_fast), a store by each process, the
// device writing through the R/W pin, and the child's exit, in all
// interleavings, on a PMD-mapped and a PTE-mapped THP. The current design
// must keep every promise; each older one fails the union of what the
// single-scenario specs show.

import { spec } from '../../src/index.ts';
import { cowModel, type CowCase } from '../../models/mm/thp/cow-model.ts';
import { addThpProperties, THP_PROP } from '../../models/mm/thp/cow-properties.ts';
import { CHILD, PARENT } from '../../models/mm/thp/cow-state.ts';
import { thpVariants } from '../../models/mm/thp/variants.ts';

const { variants, docs } = thpVariants(['pmd', 'pte']);

const ALL = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P12'] as const;
const { P1, P3, P4, P5, P6 } = THP_PROP;

export default spec({
  name: 'thp-cow-all',
  doc: 'All THP COW paths: fork, gup_fast R/W pin, R/O pin, vmsplice, stores, DMA, exit',
  variants,
  variantDocs: docs,
  bounds: (v) =>
    `1 THP of 2 subpages (${v.layout}), 2 mms, 3 small pages, 1 R/W fast pin, 1 R/O pin, 1 FOLL_GET, 1 fork, 2 stores, DMA, exit`,
  model: ({ k, layout }) => {
    const c: CowCase = {
      layout,
      holders: [
        { name: 'rdma', owner: PARENT, pin: true, write: true, fast: true, start: 'before', release: true },
        { name: 'roPin', owner: PARENT, pin: true, write: false, fast: false, start: 'afterFork', release: false },
        { name: 'pipe', owner: CHILD, pin: false, write: false, fast: true, start: 'afterFork', release: false },
      ],
      parentWrite: true,
      childWrite: true,
      childExit: true,
      dma: true,
    };
    const m = cowModel(k, c);
    addThpProperties(m, c, ALL);
    m.sometimes('both-pins-held-after-both-stores', (s) =>
      s.gup[0].held && s.gup[1].held && s.user[PARENT].write.pc === 'done' && s.user[CHILD].write.pc === 'done',
    );
    m.sometimes('pipe-outlives-child', (s) => s.gup[2].held && !s.mm[CHILD].live && s.forked);
    return m;
  },
  expect: {
    '*': Object.fromEntries([...ALL.map((p) => THP_PROP[p]), THP_PROP.OOM].map((p) => [p, 'holds' as const])),
    'v5.8-pmd': { [P3]: 'violated', [P5]: 'violated', [P6]: 'violated' },
    'v5.8-pte': { [P3]: 'violated', [P5]: 'violated', [P6]: 'violated' },
    'v5.17-pmd': { [P1]: 'violated', [P4]: 'violated', [P6]: 'violated' },
    'v5.17-pte': { [P4]: 'violated', [P6]: 'violated' },
    'v5.18-pmd': { [P4]: 'violated', [P6]: 'violated' },
    'v5.18-pte': { [P4]: 'violated', [P6]: 'violated' },
  },
});
