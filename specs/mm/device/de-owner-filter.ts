// The v4 review of device-exclusive entries (seed 002, Mar 2021): Ralph
// Campbell asked for an owner cookie and a new MMU_NOTIFY_EXCLUSIVE event
// so that the driver can ignore the invalidation that make_device_exclusive
// itself triggers, as migrate_vma already allowed for MIGRATE. Without the
// filter, the driver's own EXCLUSIVE callback bumps its interval's
// sequence number after mmu_interval_read_begin, so every
// mmu_interval_read_retry fails: the atomic fault never maps the page
// (witness atomic-granted is unreachable) and ends by timeout. In the old
// design the retry also keeps the folio locked (B7), and the second round
// sleeps on its own folio lock: a deadlock.
// P11 (progress, under strong fairness of every path): without the filter
// the loop never maps the page (P11-loop-succeeds, a lasso ending in the
// timeout); in the old design it does not even finish (the deadlock).

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { forkPinModel, scenario } from '../../../models/mm/fork-pin-model.ts';
import { P11_FINISHES, P11_SUCCEEDS, PROP, addDriverProgress, allHold, type PropId } from '../../../models/mm/properties.ts';

const SC = scenario(2, [], { noFork: true, driver: { start: 'any' } });

const PROPS: readonly PropId[] = ['P8', 'P10', 'P11R', 'P12'];

export default spec({
  name: 'de-owner-filter',
  doc: 'seed 002: the owner cookie lets the driver ignore its own EXCLUSIVE invalidation',
  variants: {
    'v5.14': DE_KERNELS['v5.14'],
    'v5.14-no-owner-filter': { ...DE_KERNELS['v5.14'], ownerFilter: false },
    'v6.15': DE_KERNELS['v6.15'],
    'v6.15-no-owner-filter': { ...DE_KERNELS['v6.15'], ownerFilter: false },
  },
  variantDocs: {
    'v5.14': DE_KERNEL_DOCS['v5.14'],
    'v5.14-no-owner-filter': 'v5.14 with a driver callback that does not filter its own EXCLUSIVE events',
    'v6.15': DE_KERNEL_DOCS['v6.15'],
    'v6.15-no-owner-filter': 'v6.15 with a driver callback that does not filter its own EXCLUSIVE events',
  },
  bounds: () => '1 VA, 1 mm, 2 pages, 1 driver atomic fault (3 rounds of read_begin/read_retry)',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addDriverProgress(m, true);
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic', { doc: 'the driver mapped the page RW+atomic' });
    m.sometimes('driver-retried', (s) => s.drv.tries > 1, { doc: 'mmu_interval_read_retry sent the driver round again' });
    return m;
  },
  expect: {
    '*': { ...allHold(PROPS, P11_FINISHES, P11_SUCCEEDS), 'driver-retried': 'violated' },
    'v5.14': { [PROP.P12]: 'violated' },
    'v5.14-no-owner-filter': {
      [PROP.P12]: 'violated',
      [PROP.P11R]: 'violated',
      'atomic-granted': 'violated',
      'driver-retried': 'holds',
      deadlockFree: 'violated',
      [P11_FINISHES]: 'violated',
      [P11_SUCCEEDS]: 'violated',
    },
    'v6.15-no-owner-filter': { 'atomic-granted': 'violated', 'driver-retried': 'holds', [P11_SUCCEEDS]: 'violated' },
  },
});
