// B0, the long-standing GUP-vs-fork problem (before 2020): a process holding
// a DMA pin forks; fork write-protects the pinned page and shares it; the
// parent's next store COWs, so the parent now maps a copy while the device
// keeps writing the original. The libibverbs-era workaround was
// MADV_DONTFORK on DMA buffers (variant v5.7-madv-dontfork); the kernel fix
// is early COW of pinned pages at fork (70e806e4e645, v5.9).

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS, type MmConfig } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, parentWritesWhilePinned, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, addInductivePinExclusive, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  [{ name: 'rdma', owner: PARENT, pin: true, write: true, longterm: true, fast: false, start: 'any', release: false }],
  { parentWrite: 'afterFork', dma: true },
);

const VARIANTS = {
  ...KERNELS,
  'v5.7-madv-dontfork': { ...KERNELS['v5.7'], madvDontfork: true } as MmConfig,
};

const BROKEN = {
  [PROP.P3]: 'violated',
  [PROP.P5]: 'violated',
  [PROP.P6]: 'violated',
  [INDUCTIVE_PIN_EXCLUSIVE]: 'violated',
} as const;

const PROPS: readonly PropId[] = ['P1', 'P3', 'P5', 'P6', 'P7', 'P12', 'P14'];

export default spec({
  name: 'b0-gup-fork',
  doc: 'B0: R/W pin, fork, parent writes while the child lives; MADV_DONTFORK as the workaround',
  variants: VARIANTS,
  variantDocs: {
    ...KERNEL_DOCS,
    'v5.7-madv-dontfork': 'v5.7 with MADV_DONTFORK on the pinned buffer (VM_DONTCOPY: the child gets no mapping)',
  },
  bounds: () => '1 VA, 2 mms, 3 pages, 1 longterm R/W pin (slow GUP), 1 fork, 1 parent store, 1 DMA write',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    addInductivePinExclusive(m, SC, k);
    m.sometimes('forked-while-pinned', (s) => s.forked && s.gup[0].held && s.gup[0].preFork, {
      doc: 'fork returns while the pin taken before it is held',
    });
    m.sometimes('parent-writes-while-pinned', (s) => parentWritesWhilePinned(s));
    m.sometimes('device-write-seen-by-parent', (s) => {
      const p = s.pte[PARENT].page;
      return s.forked && p !== null && s.page[p].data === 'dma';
    });
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE),
    'v5.7': BROKEN,
    'v5.8': BROKEN,
    'v5.9-rc4': BROKEN,
  },
});
