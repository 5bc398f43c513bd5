// B2, the RDMA regression of 09854ba94c6a (Sept 2020, reported by Jason
// Gunthorpe): a longterm R/W pin, fork, the child exits, the parent writes.
// With refcount-only reuse the parent's write fault sees the pin's reference,
// copies, and the parent no longer maps the page the NIC writes into.
// Mapcount reuse (before) happened to reuse the page; early COW of pinned
// pages at fork (70e806e4e645) fixed it by keeping the pinned page with the
// parent. The pin before fork still shares the page in v5.7-v5.9-rc4 (P5,
// P6: B0's root cause), but here the child exits before the parent writes.

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, parentWritesWhilePinned, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, addInductivePinExclusive, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  [{ name: 'rdma', owner: PARENT, pin: true, write: true, longterm: true, fast: false, start: 'any', release: true }],
  { parentWrite: 'afterChildExit', childExit: true, dma: true },
);

const PROPS: readonly PropId[] = ['P3', 'P5', 'P6', 'P7', 'P12', 'P14'];

const HOLDS = allHold(PROPS, INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE);

export default spec({
  name: 'b2-rdma-fork',
  doc: 'B2: longterm R/W pin, fork, child exits, parent writes (RDMA regression)',
  variants: KERNELS,
  variantDocs: KERNEL_DOCS,
  bounds: () => '1 VA, 2 mms, 3 pages, 1 longterm R/W pin (slow GUP), 1 fork, 1 parent store, 1 DMA write',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    addInductivePinExclusive(m, SC, k);
    m.sometimes('fork-while-pinned', (s) => s.fork.copied && s.gup[0].held && s.gup[0].preFork, {
      doc: 'fork copies the VA while the pin taken before it is held',
    });
    m.sometimes('parent-writes-while-pinned', (s) => parentWritesWhilePinned(s));
    m.sometimes('device-write-seen-by-parent', (s) => {
      const p = s.pte[PARENT].page;
      return p !== null && s.page[p].data === 'dma';
    });
    return m;
  },
  expect: {
    '*': HOLDS,
    'v5.7': { [PROP.P5]: 'violated', [PROP.P6]: 'violated', [INDUCTIVE_PIN_EXCLUSIVE]: 'violated' },
    'v5.8': { [PROP.P5]: 'violated', [PROP.P6]: 'violated', [INDUCTIVE_PIN_EXCLUSIVE]: 'violated' },
    'v5.9-rc4': {
      [PROP.P3]: 'violated',
      [PROP.P5]: 'violated',
      [PROP.P6]: 'violated',
      [INDUCTIVE_PIN_EXCLUSIVE]: 'violated',
    },
  },
});
