// B8c: memory offline against a device-exclusive entry (the 2025 rework,
// "mm: fixes for device-exclusive entries (hmm)"). The driver makes the
// parent's page device-exclusive and maps it RW+atomic; memory offline
// migrates the block's page and retries until the page is gone
// (models/mm/migrate.ts). The old design (v5.14-v6.14) dropped the
// mapcount of the entry and kept its reference: the folio looks unmapped,
// try_to_migrate never runs, and folio_migrate_mapping finds refcount 2
// (the entry's, the isolation's) where it expects 1: -EAGAIN for ever,
// the "refcount:2 mapcount:0" of the reports. P15 (migration of a page
// that is not pinned for good completes) is violated with a lasso: the
// offline loop isolate, trylock, move (-EAGAIN), putback repeats for ever
// under strong fairness of every path. v6.15 keeps the mapcount and
// teaches try_to_migrate_one the entry: the CLEAR notifier revokes the
// device's grant, the entry becomes a migration entry and the page moves.
// Controls: '-pinned' variants add an RDMA FOLL_PIN|FOLL_WRITE that is
// never released; P15 promises nothing for it (holds), the unconditional
// form is violated (a pinned page is never moved), and P3 holds (the
// pinner keeps its page).

import { spec } from '../../../src/index.ts';
import { DE_KERNELS, DE_KERNEL_DOCS } from '../../../models/mm/device-kernels.ts';
import { scenario } from '../../../models/mm/fork-pin-model.ts';
import type { MmConfig } from '../../../models/mm/kernels.ts';
import { OFFLINE_COMPLETES, OFFLINE_PAGE, P15, migrateModel } from '../../../models/mm/migrate.ts';
import type { MmModel } from '../../../models/mm/paths.ts';
import { P11_FINISHES, PROP, addDriverProgress, allHold, type PropId } from '../../../models/mm/properties.ts';
import { MIG_TRIES_SAT, PARENT } from '../../../models/mm/state.ts';

type Variant = MmConfig & { readonly pinned: boolean };

const UNPINNED = scenario(2, [], { noFork: true, driver: { start: 'any' } });
const PINNED = scenario(
  2,
  [{ name: 'rdma', owner: PARENT, pin: true, write: true, longterm: true, fast: false, start: 'any', release: false }],
  { noFork: true, driver: { start: 'any' } },
);

const PROPS: readonly PropId[] = ['P8', 'P10', 'P11R', 'P12'];
const PINNED_PROPS: readonly PropId[] = [...PROPS, 'P3'];

const variants: Record<string, Variant> = {
  'v5.14': { ...DE_KERNELS['v5.14'], pinned: false },
  'v6.14': { ...DE_KERNELS['v6.14'], pinned: false },
  'v6.15': { ...DE_KERNELS['v6.15'], pinned: false },
  'v6.15-pinned': { ...DE_KERNELS['v6.15'], pinned: true },
};

export default spec({
  name: 'b8c-migrate-de',
  doc: 'B8c: memory offline never moves an old-design device-exclusive page (refcount:2 mapcount:0)',
  variants,
  variantDocs: {
    ...DE_KERNEL_DOCS,
    'v6.15-pinned': 'control: v6.15 with a long-term R/W pin on the page, never released',
  },
  bounds: (k) =>
    `1 VA, 1 mm, 2 pages, 1 driver atomic fault (3 rounds), memory offline retrying for ever${k.pinned ? ', 1 RDMA pin' : ''}`,
  model: (k) => {
    const m = migrateModel(k, k.pinned ? PINNED : UNPINNED, k.pinned ? PINNED_PROPS : PROPS);
    addDriverProgress(m as unknown as MmModel, false);
    m.eventually(OFFLINE_COMPLETES, (s) => s.mig.pc === 'done', {
      doc: 'control: memory offline completes, pinned or not (P15 does not promise this)',
    });
    m.sometimes('page-migrated', (s) => s.mig.pc === 'done' && s.page[OFFLINE_PAGE].free, {
      doc: 'memory offline moved the page away and freed it',
    });
    m.sometimes('device-exclusive-page-migrated', (s) => s.mig.movedDx, {
      doc: 'the page moved was mapped by a device-exclusive entry',
    });
    m.sometimes(
      'refcount2-mapcount0',
      (s) => {
        const p = s.mig.src;
        return s.mig.pc === 'move' && p !== null && s.page[p].ref === 2 && s.page[p].map === 0 && s.pte[PARENT].dx;
      },
      { doc: 'migration tests a device-exclusive folio with refcount 2, mapcount 0 (the reports of B8c)' },
    );
    m.sometimes('offline-retried', (s) => s.mig.tries >= MIG_TRIES_SAT, {
      doc: 'memory offline went round its retry loop',
    });
    m.sometimes('atomic-granted', (s) => s.dev.perm === 'atomic', { doc: 'the driver mapped the page RW+atomic' });
    return m;
  },
  expect: {
    '*': allHold(PROPS, P11_FINISHES, P15, OFFLINE_COMPLETES),
    // The old design: the entry has no mapcount, the page never moves.
    // v5.14 also has B7: migration's CLEAR makes the driver retry with the
    // folio still locked, and its next GUP sleeps on that lock for ever.
    'v5.14': {
      [PROP.P11R]: 'violated',
      [PROP.P12]: 'violated',
      [P11_FINISHES]: 'violated',
      [P15]: 'violated',
      [OFFLINE_COMPLETES]: 'violated',
      deadlockFree: 'violated',
      'device-exclusive-page-migrated': 'violated',
    },
    'v6.14': {
      [PROP.P12]: 'violated',
      [P15]: 'violated',
      [OFFLINE_COMPLETES]: 'violated',
      'device-exclusive-page-migrated': 'violated',
    },
    'v6.15': { 'refcount2-mapcount0': 'violated' },
    'v6.15-pinned': { [PROP.P3]: 'holds', [OFFLINE_COMPLETES]: 'violated', 'refcount2-mapcount0': 'violated' },
  },
});
