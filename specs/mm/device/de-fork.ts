// hmm-tests `exclusive_cow` and the v8 review of fork (seed 000): the
// driver makes the parent's page device-exclusive, the parent forks, and
// both processes store to the page. Fork's PROTECTION_PAGE notifier runs
// before the copy, so the device loses its grant first; then fork must do
// something with the device-exclusive PTE. The merged design ('restore':
// try_restore_exclusive_pte, then the ordinary present-PTE copy, fork
// failing with -ENOMEM when the folio trylock fails because the driver
// still holds the folio) and the alternatives from the thread: copy to a
// new CPU page, copy to a new device-exclusive page, and Peter Xu's
// "treat it like device-private" (both keep a readable entry).
// v5.14's old design also shows its mapcount (P12) and the nouveau retry
// that keeps the folio locked (B7): fork's notifier forces a retry.

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, bothWrote, type PropId } from '../../../models/mm/properties.ts';
import { PARENT } from '../../../models/mm/state.ts';

const SC = scenario(3, [], {
  driver: { start: 'any' },
  devWrite: true,
  childWrite: 'afterFork',
});

const PROPS: readonly PropId[] = ['P1', 'P2', 'P7', 'P8', 'P9', 'P10', 'P11R', 'P12'];
const v615 = DE_KERNELS['v6.15'];

export default spec({
  name: 'de-fork',
  doc: 'hmm-tests exclusive_cow: fork of a device-exclusive PTE under each design of the v8 thread',
  variants: {
    ...DE_KERNELS,
    'v6.15-copy-cpu': { ...v615, deFork: 'copyCpu' as const },
    'v6.15-copy-de': { ...v615, deFork: 'copyDe' as const },
    'v6.15-share-de': { ...v615, deFork: 'shareDe' as const },
  },
  variantDocs: {
    ...DE_KERNEL_DOCS,
    'v6.15-copy-cpu': 'fork copies a device-exclusive page into a new CPU page for the child; the parent keeps its entry',
    'v6.15-copy-de': 'fork copies it into a new page the child maps through a device-exclusive entry',
    'v6.15-share-de': 'fork gives both a readable device-exclusive entry of the same page (as for device-private)',
  },
  bounds: () => '1 VA, 2 mms, 3 pages, 1 driver atomic fault (3 rounds), device writes, fork, 1 child store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, false);
    m.sometimes('fork-meets-exclusive-entry', (s) => s.fork.pc === 'dup' && s.pte[PARENT].dx, {
      doc: 'fork reaches the PTE while it is device-exclusive',
    });
    m.sometimes('fork-fails-on-locked-folio', (s) => s.fork.failed && s.forked, {
      doc: 'try_restore_exclusive_pte found the folio locked (the driver holds it): fork returned -ENOMEM',
    });
    m.sometimes('both-wrote', (s) => bothWrote(s));
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES),
    'v5.14': { [PROP.P11R]: 'violated', [PROP.P12]: 'violated', deadlockFree: 'violated', [P11_FINISHES]: 'violated' },
    'v6.14': { [PROP.P12]: 'violated' },
    'v6.15-copy-cpu': { 'fork-fails-on-locked-folio': 'violated' },
    'v6.15-copy-de': { [PROP.P9]: 'violated', 'fork-fails-on-locked-folio': 'violated' },
    'v6.15-share-de': { [PROP.P8]: 'violated', [PROP.P9]: 'violated', 'fork-fails-on-locked-folio': 'violated' },
  },
});
