// Kernel designs of device-exclusive entries (mm-primer §3 B6-B8), on top of
// the fork/pin/COW design of their era (kernels.ts), and the design
// variants the review threads argued about.

import { KERNELS, type MmConfig } from './kernels.ts';

/** The releases: what make_device_exclusive and the nouveau loop looked like. */
export const DE_KERNELS = {
  /**
   * b756a3b5e7ea + 8f187163eb89: make_device_exclusive_range, mapcount
   * dropped; nouveau's retry keeps the folio locked (B7); fork/COW as v5.11
   * (refcount reuse, early COW, write_protect_seq; AnonExclusive is v5.19).
   */
  'v5.14': { ...KERNELS['v5.11'], de: 'range', retryReleases: false },
  /** b3fefbb30a16 (v6.14-rc3): the retry unlocks and puts; still the old design. */
  'v6.14': { ...KERNELS['v5.19'], de: 'range', migrateBatched: true },
  /** The 2025 rework: make_device_exclusive, one page, mapcount kept, retry. */
  'v6.15': { ...KERNELS['v5.19'], de: 'single', migrateBatched: true },
} as const satisfies Record<string, MmConfig>;

export const DE_KERNEL_DOCS: Record<keyof typeof DE_KERNELS, string> = {
  'v5.14': 'make_device_exclusive_range: trylock, rmap walk, mapcount dropped; nouveau retry keeps the folio locked',
  'v6.14': 'as v5.14 with the AnonExclusive COW design and b3fefbb30a16 (the retry unlocks and puts)',
  'v6.15': 'make_device_exclusive: folio lock, EXCLUSIVE notifier with owner, folio_walk recheck, mapcount kept',
};
