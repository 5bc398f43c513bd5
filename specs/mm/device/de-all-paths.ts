// Every device path at once on one VA: the driver's atomic fault
// (make_device_exclusive in its read_begin/read_retry loop, the device
// writing through its grant), a R/W FOLL_PIN by gup_fast racing fork
// (falling back to slow GUP, whose faultin_page does the COW copy with its
// CLEAR range or the restore of a device-exclusive entry), fork with its
// PROTECTION_PAGE range and try_restore_exclusive_pte, and the child's
// store (COW after fork), in every interleaving. The check that v6.15 keeps
// every promise when the paths of de-exclusive, de-fork and
// fork-pin-cow-all meet, and that the old designs fail only where their
// own specs say. Cut to fit about a minute of CPU: a parent store (its
// fault is the same code as the pinner's and the driver's) and memory
// offline (b8c-migrate-de) are left out; with both, and five pages, the
// v6.15 run passed 1.2M states. One VA only: the model's state has one
// PTE per mm (see docs/kernel-model.md, "Not modelled yet").

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, bothWrote, type PropId } from '../../../models/mm/properties.ts';
import { PARENT } from '../../../models/mm/state.ts';

const SC = scenario(
  4,
  [{ name: 'gupFast', owner: PARENT, pin: true, write: true, longterm: true, fast: true, start: 'any', release: true }],
  { driver: { start: 'any' }, devWrite: true, childWrite: 'afterFork' },
);

const PROPS: readonly PropId[] = ['P1', 'P2', 'P3', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', 'P11R', 'P12', 'P13', 'P14'];

export default spec({
  name: 'de-all-paths',
  doc: 'driver + device-exclusive x gup_fast pin x fork x COW x CPU restore x memory offline, all interleavings',
  // v6.14 (the old entry on the v5.19 COW design, 425k states) is left
  // out: it only repeats v6.14's P12 of de-exclusive, and its golden trace
  // would cost npm test a minute. v5.14 is the old entry on the old COW.
  variants: { 'v5.14': DE_KERNELS['v5.14'], 'v6.15': DE_KERNELS['v6.15'] },
  variantDocs: DE_KERNEL_DOCS,
  bounds: () =>
    '1 VA, 2 mms, 4 pages, 1 driver atomic fault (3 rounds), device writes, 1 R/W FOLL_PIN (gup_fast, released), fork, 1 child store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, false);
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic');
    m.sometimes('fork-meets-exclusive-entry', (s) => s.fork.pc === 'dup' && s.pte[PARENT].dx);
    m.sometimes('pinned-and-exclusive-entry', (s) => s.gup[0].held && s.pte[PARENT].dx, {
      doc: 'a R/W pin and a device-exclusive entry on the same page (GUP took the pin before the driver)',
    });
    m.sometimes('both-wrote', (s) => bothWrote(s));
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES),
    // The old design's mapcount (I6), in both; v5.14's retry keeps the
    // folio locked (B7) and its next GUP sleeps on it: deadlock, no progress.
    'v5.14': {
      [PROP.P11R]: 'violated',
      [PROP.P12]: 'violated',
      [P11_FINISHES]: 'violated',
      deadlockFree: 'violated',
    },
  },
});
