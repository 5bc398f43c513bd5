// Seed 5 (../shared/seeds/ 004, June 2021, the v10 device-exclusive review):
// nouveau's atomic fault registers an interval notifier, then loops
// read_begin / make_device_exclusive / read_retry. When the VA is backed by
// a PMD-mapped THP, make_device_exclusive must split the PMD, and
// __split_huge_pmd issues a CLEAR notifier with no owner that the driver
// cannot filter. The designs argued about:
//   (a) an unconditional split_huge_pmd_address in make_device_exclusive
//       (CLEAR on every call, huge PMD or not: Alistair's "livelock");
//   (b) GUP with FOLL_SPLIT_PMD (merged in v5.14): split, and CLEAR, only
//       when GUP finds a huge PMD ("at most one spurious retry");
//   (c) Peter Xu: insert the interval only after make_device_exclusive
//       returns, before the folio unlock (the folio lock blocks a CPU
//       restore in between; Alistair: not a zap or mprotect).
// Plus a design the model suggests: (b) where make_device_exclusive keeps
// a device-exclusive entry left by a failed iteration instead of restoring
// it through the CPU-fault path.
//
// Verdicts (docs/thp-model.md): (a) and (b) livelock: after (b)'s one
// spurious retry the next iteration's GUP meets the device-exclusive entry
// the failed iteration left, restores it through the CPU-fault path, whose
// notifier has no owner, and retries again, for ever; (c) has no spurious
// retry but misses a munmap between make_device_exclusive and read_begin
// (P10); keeping the entry bounds (b) at one retry.
//
// P11 is checked twice: as a progress property (P11-loop-ends: under weak
// fairness of the driver the loop ends; a livelock is a lasso) and in its
// bounded-retries safety form (P11-bounded-retries: a saturating retry
// counter, at most one retry without an outside invalidation).

import { spec } from '../../src/index.ts';
import { addDeProperties, deModel, DE_PROP, type DeDesign } from '../../models/mm/thp/de-model.ts';
import { HEAD } from '../../models/mm/thp/de-state.ts';

const base: DeDesign = { explicitSplit: false, splitPmd: true, lateInterval: false, keepDe: false, de: 'old' };

const VARIANTS = {
  'a-unconditional-split': { ...base, explicitSplit: true, splitPmd: false },
  'b-foll-split-pmd': base,
  'c-late-interval': { ...base, lateInterval: true },
  'b-v6.15': { ...base, de: 'new' },
  'b-keep-de': { ...base, keepDe: true },
} as const satisfies Record<string, DeDesign>;

const SC = { layouts: ['huge', 'table'] as const, targets: [HEAD], zap: true };

export default spec({
  name: 'thp-seed5-split-pmd',
  doc: 'Seed 5: a PMD split inside make_device_exclusive vs the driver read_retry loop',
  variants: VARIANTS,
  variantDocs: {
    'a-unconditional-split': 'v9-era: make_device_exclusive calls __split_huge_pmd unconditionally',
    'b-foll-split-pmd': 'v5.14: GUP FOLL_SPLIT_PMD splits only a huge PMD; interval inserted before the loop',
    'c-late-interval': 'Peter Xu: interval inserted after make_device_exclusive returns, folio still locked',
    'b-v6.15': '(b) with the 2025 rework: single-page make_device_exclusive (folio_walk), mapcount kept',
    'b-keep-de': '(b) + make_device_exclusive keeps a device-exclusive entry it finds (not merged)',
  },
  bounds: () => '1 THP of 2 subpages, PMD- or PTE-mapped, 1 driver fault on the head VA, 1 munmap',
  model: (d) => {
    const m = deModel(d, SC);
    addDeProperties(m, d, ['P10', 'P11b', 'P11f', 'P12', 'P11L']);
    m.sometimes('pmd-split-by-driver', (s) => s.pmd === 'table' && s.drv.pc === 'splitEnd');
    m.sometimes('device-granted', (s) => s.mirror);
    m.sometimes('granted-after-one-retry', (s) => s.mirror && s.drv.retries === 1 && !s.drv.outside);
    m.sometimes('granted-without-retry', (s) => s.mirror && s.drv.retries === 0);
    m.sometimes('munmap-retries-the-loop', (s) => s.drv.outside && s.drv.retries >= 1);
    return m;
  },
  expect: {
    '*': {
      [DE_PROP.P10]: 'holds',
      [DE_PROP.P11b]: 'holds',
      [DE_PROP.P11f]: 'holds',
      [DE_PROP.P12]: 'holds',
      [DE_PROP.P11L]: 'holds',
    },
    'a-unconditional-split': {
      [DE_PROP.P11b]: 'violated',
      [DE_PROP.P11L]: 'violated',
      'granted-after-one-retry': 'violated',
      'granted-without-retry': 'violated',
      'device-granted': 'violated',
    },
    'b-foll-split-pmd': { [DE_PROP.P11b]: 'violated', [DE_PROP.P11L]: 'violated', 'granted-after-one-retry': 'violated' },
    'b-v6.15': { [DE_PROP.P11b]: 'violated', [DE_PROP.P11L]: 'violated', 'granted-after-one-retry': 'violated' },
    'c-late-interval': {
      [DE_PROP.P10]: 'violated',
      'granted-after-one-retry': 'violated',
    },
  },
});
