// Kernel designs of fork x GUP/pin x COW, as the configuration flags the
// model's paths consult. Each named design stands for a release (or a commit
// inside one); ../shared/mm-primer.md §3 B0-B5 tells the history.

/** do_wp_page's test for writing to an anon page in place instead of copying it. */
export type ReusePolicy =
  /** reuse_swap_page(): page_mapcount (+ swap count) == 1. Before v5.9. */
  | 'mapcount'
  /** 09854ba94c6a "mm: do_wp_page() simplification": page_count == 1 (pins count too). */
  | 'refcount'
  /** v5.19: PageAnonExclusive, else wp_can_reuse_anon_folio (refcount == 1; sets the flag). */
  | 'anonExclusive';

export interface KernelDesign {
  readonly reuse: ReusePolicy;
  /**
   * 17839856fd58 (v5.8) "gup: document and work around 'COW can break either
   * way' issue": should_force_cow_break() adds FOLL_WRITE to FOLL_GET/FOLL_PIN
   * lookups in COW mappings, and gup_fast always walks with FOLL_WRITE.
   * Removed again by a308c71bf1e6 (v5.9) when refcount reuse went in.
   */
  readonly gupBreaksCow: boolean;
  /**
   * 70e806e4e645 (v5.9) "mm: Do early cow for pinned pages during fork() for
   * ptes": copy_present_pte copies a page for the child when
   * page_needs_cow_for_dma() (COW mapping, mm has_pinned, page maybe pinned).
   */
  readonly earlyCowPinned: boolean;
  /**
   * 57efa1fe5957 (v5.11) "mm/gup: prevent gup_fast from racing with COW during
   * fork": fork makes mm->write_protect_seq odd around copy_page_range; a
   * FOLL_PIN gup_fast gives up when it is odd or changed.
   */
  readonly wpSeq: boolean;
  /**
   * v5.19 "COW fixes part 2: reliable GUP pins of anonymous pages": a R/O
   * FOLL_PIN of a not-exclusive anon page faults with FAULT_FLAG_UNSHARE
   * (gup_must_unshare) instead of pinning the possibly shared page.
   */
  readonly unshareRoPins: boolean;
  /**
   * Fork write-protects the parent PTE before taking the reference and
   * checking for pins: copy_one_pte (v5.7-v5.9-rc4), and 70e806e4e645 as
   * first merged, until f3c64eda3e50 (v5.9-rc9) moved the write-protect
   * after the pin check ("missing a barrier" against gup_fast). This
   * model's memory is sequentially consistent, so a "holds" for that
   * first version holds only under SC.
   */
  readonly wpBeforeDup: boolean;
}

/**
 * Device-exclusive entries and their driver (models/mm/driver.ts); used only
 * by scenarios with a driver. Every fork/pin/COW design carries the current
 * values, which nothing reads without a driver.
 */
export interface DeviceDesign {
  /**
   * 'range': make_device_exclusive_range (b756a3b5e7ea, v5.14-v6.14): GUP,
   * folio_trylock (failure: no page), rmap walk installing readable or
   * writable entries and dropping the mapcount (the reference is kept).
   * 'single': make_device_exclusive (v6.15 rework): folio_lock, EXCLUSIVE
   * notifier with the owner, folio_walk recheck (retry instead of -EBUSY),
   * one entry type, mapcount kept.
   */
  readonly de: 'range' | 'single';
  /**
   * What fork does with a device-exclusive PTE (the v8 review, seed 000):
   * 'restore' (merged: try_restore_exclusive_pte, trylock, then the
   * ordinary present-PTE copy; a failed trylock fails fork), 'copyCpu' (the
   * child gets a copy in a new CPU page, the parent keeps its entry),
   * 'copyDe' (the child gets a copy in a new device-exclusive entry),
   * 'shareDe' (Peter Xu's first idea: as for device-private entries, both
   * keep a read-only device-exclusive entry of the same page).
   */
  readonly deFork: 'restore' | 'copyCpu' | 'copyDe' | 'shareDe';
  /** The driver ignores its own EXCLUSIVE/MIGRATE invalidations (owner cookie, v4 review). */
  readonly ownerFilter: boolean;
  /** b3fefbb30a16: the driver's retry unlocks and puts the folio it got. */
  readonly retryReleases: boolean;
  /**
   * The CPU's restore of a device-exclusive entry issues the EXCLUSIVE
   * (owner NULL) notifier before making the PTE present. Every kernel does;
   * false is a negative control for P8/P10.
   */
  readonly restoreNotifies: boolean;
  /**
   * migrate_pages as batched since v6.3 (migrate_pages_batch:
   * migrate_folio_unmap, migrate_folio_move, folio_migrate_mapping);
   * before, __unmap_and_move and migrate_page_move_mapping. The same steps;
   * only the names in traces differ (models/mm/migrate.ts).
   */
  readonly migrateBatched?: boolean;
}

/** A kernel design plus the one user-side knob the scenarios vary. */
export interface MmConfig extends KernelDesign, DeviceDesign {
  /** MADV_DONTFORK on the buffer: VM_DONTCOPY, fork leaves the child a hole. */
  readonly madvDontfork: boolean;
}

const v57: MmConfig = {
  reuse: 'mapcount',
  gupBreaksCow: false,
  earlyCowPinned: false,
  wpSeq: false,
  unshareRoPins: false,
  madvDontfork: false,
  de: 'single',
  deFork: 'restore',
  ownerFilter: true,
  retryReleases: true,
  restoreNotifies: true,
  wpBeforeDup: false,
};

/** The kernel designs every fork/pin/COW spec is checked under, oldest first. */
export const KERNELS = {
  'v5.7': { ...v57, wpBeforeDup: true },
  'v5.8': { ...v57, wpBeforeDup: true, gupBreaksCow: true },
  'v5.9-rc4': { ...v57, wpBeforeDup: true, reuse: 'refcount' },
  'v5.9': { ...v57, reuse: 'refcount', earlyCowPinned: true },
  'v5.11': { ...v57, reuse: 'refcount', earlyCowPinned: true, wpSeq: true },
  'v5.19': { ...v57, reuse: 'anonExclusive', earlyCowPinned: true, wpSeq: true, unshareRoPins: true },
  'v5.19-no-wpseq': { ...v57, reuse: 'anonExclusive', earlyCowPinned: true, unshareRoPins: true },
} as const satisfies Record<string, MmConfig>;

export type KernelName = keyof typeof KERNELS;

export const KERNEL_DOCS: Record<KernelName, string> = {
  'v5.7': 'mapcount-based reuse in do_wp_page (reuse_swap_page); copy_one_pte write-protects first',
  'v5.8': 'v5.7 + 17839856fd58: GUP in COW mappings breaks COW even for reads (CVE-2020-29374 fix)',
  'v5.9-rc4':
    '09854ba94c6a: reuse only if page_count == 1; forced COW break removed (a308c71bf1e6); no early COW yet',
  'v5.9': 'v5.9-rc4 + 70e806e4e645/f3c64eda3e50: fork copies maybe-pinned pages of mms with has_pinned (RDMA fix)',
  'v5.11': 'v5.9 + 57efa1fe5957: write_protect_seq makes FOLL_PIN gup_fast back off from a concurrent fork',
  'v5.19': 'PG_anon_exclusive; R/O pins unshare possibly shared anon pages (COW fixes part 2); current design',
  'v5.19-no-wpseq': 'negative control: the v5.19 design with write_protect_seq removed from gup_fast and fork',
};
