// hmm-tests `exclusive` (tools/testing/selftests/mm/hmm-tests.c): the
// driver makes the page device-exclusive and maps it RW+atomic, the device
// writes with its atomic grant, and the CPU's store faults the entry back
// (remove_device_exclusive_entry) and must find the device's data. P8 (the
// entry excludes the CPU, the grant needs the entry) and P10 (the mirror is
// backed by the CPU PTE) hold because the CPU's restore issues the
// EXCLUSIVE notifier (owner NULL) before the PTE becomes present; the
// negative control without it violates both. The old design drops the
// mapcount while the entry holds a reference: P12 (I6) fails there, the
// "refcount:2 mapcount:0" of the 2025 rework (B8c).

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, type PropId } from '../../../models/mm/properties.ts';
import { PARENT } from '../../../models/mm/state.ts';

const SC = scenario(2, [], { noFork: true, driver: { start: 'any' }, devWrite: true, parentWrite: 'any' });

const PROPS: readonly PropId[] = ['P7', 'P8', 'P10', 'P11R', 'P12'];

export default spec({
  name: 'de-exclusive',
  doc: 'hmm-tests exclusive: device-exclusive install, device atomic write, CPU restore',
  variants: { ...DE_KERNELS, 'v6.15-restore-no-notifier': { ...DE_KERNELS['v6.15'], restoreNotifies: false } },
  variantDocs: {
    ...DE_KERNEL_DOCS,
    'v6.15-restore-no-notifier': 'negative control: the CPU restore skips its EXCLUSIVE notifier',
  },
  bounds: () => '1 VA, 1 mm, 2 pages, 1 driver atomic fault (3 rounds), device writes, 1 CPU store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, false);
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic', { doc: 'the driver mapped the page RW+atomic' });
    m.sometimes('device-then-cpu', (s) => s.user[PARENT].write.pc === 'done' && s.drv.pc === 'done' && s.page[0].data === 'parent' && s.drv.tries === 1 && s.pte[PARENT].page === 0 && !s.pte[PARENT].dx, {
      doc: 'the CPU store restored the entry and wrote the page the device had',
    });
    m.sometimes('cpu-waits-for-driver', (s) => s.user[PARENT].write.pc === 'wXLock' && s.page[0].lock, {
      doc: 'the CPU fault sleeps on the folio lock the driver holds',
    });
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES),
    'v5.14': { [PROP.P12]: 'violated' },
    'v6.14': { [PROP.P12]: 'violated' },
    'v6.15-restore-no-notifier': { [PROP.P8]: 'violated', [PROP.P10]: 'violated' },
  },
});
