// B7: nouveau's atomic-fault loop retried without unlocking and putting
// the folio make_device_exclusive_range returned (8f187163eb89, v5.14;
// fixed by b3fefbb30a16, v6.14-rc3, "found by code inspection"). David
// Hildenbrand's guess at a trigger: a concurrent MADV_DONTNEED of the PTE
// just converted. Here the parent munmaps the VA (UNMAP): its callback
// bumps the interval sequence number, read_retry fails, and the retry
// keeps the folio locked and referenced; the next round finds no PTE and
// gives up, and the folio is never unlocked or freed (P11's safety half).

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, type PropId } from '../../../models/mm/properties.ts';

const SC = scenario(2, [], { noFork: true, driver: { start: 'any' }, parentUnmap: true });

const PROPS: readonly PropId[] = ['P8', 'P10', 'P11R', 'P12'];

export default spec({
  name: 'b7-nouveau-retry',
  doc: 'B7: the nouveau retry loop kept the folio locked and referenced',
  variants: DE_KERNELS,
  variantDocs: DE_KERNEL_DOCS,
  bounds: () => '1 VA, 1 mm, 2 pages, 1 driver atomic fault (3 rounds), 1 munmap',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, false);
    m.sometimes('driver-retried', (s) => s.drv.tries > 1, { doc: 'mmu_interval_read_retry sent the driver round again' });
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic');
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES),
    'v5.14': { [PROP.P11R]: 'violated', [PROP.P12]: 'violated' },
    'v6.14': { [PROP.P12]: 'violated' },
  },
});
