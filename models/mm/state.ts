// The state of the fork/pin/COW model: physical pages with their counters,
// one VA's PTE in the parent and in the child mm, the per-mm flags and locks,
// and the program counters of the modelled kernel paths.
//
// Page counters abstract a small folio:
//   ref  = _refcount with every pin counted once (the kernel adds
//          GUP_PIN_COUNTING_BIAS = 1024 per pin; see pins),
//   map  = _mapcount + 1 (number of PTEs mapping the page),
//   pins = number of FOLL_PIN pins (the kernel's refcount / 1024).
// folio_maybe_dma_pinned() is then exact (pins > 0); its false positives
// (1024 plain references) are out of the scenarios' bounds, and every policy
// here copies on a false positive, which only costs memory (P5's note).
// excl is PG_anon_exclusive from v5.19; for older designs it is a ghost
// flag kept by the same rules (set for a new or reused page, cleared when
// fork shares it) so that P6/P7 state the invariant those kernels lacked.

import {
  array,
  bool,
  domain,
  enumOf,
  int,
  optional,
  record,
  ref,
  thread,
  type DeepReadonly,
  type Domain,
  type Infer,
} from '../../src/index.ts';

export const Proc = domain('Proc', ['parent', 'child']);
export const PARENT = 0;
export const CHILD = 1;

/**
 * Who wrote a page's current content: 'old' is the data from before fork,
 * 'parent'/'child' a CPU store by that process after fork returned, 'dma' a
 * device write through a pin, 'zero' a free page.
 */
export const Content = enumOf('zero', 'old', 'parent', 'child', 'dma');
export type ContentValue = Infer<typeof Content>;

/** Enough for two mappings, three GUP holders and the references of faults in flight. */
export const MAX_REF = 7;

export const FORK_STEPS = ['lock', 'mnStart', 'mnInv', 'seqBegin', 'wp', 'dup', 'copy', 'seqEnd', 'mnEnd', 'unlock'] as const;

/**
 * The driver's atomic-fault loop (nouveau_atomic_range_fault) with
 * make_device_exclusive inside it; models/mm/driver.ts.
 */
export const DRIVER_STEPS = [
  'begin',
  'wait',
  'mlock',
  'gup',
  ...faultLabels('g'),
  'flock',
  'xStart',
  'xInv',
  'install',
  'xEnd',
  'munlock',
  'lock',
  'check',
  'map',
  'release',
] as const;

/** mprotect(PROT_READ) of the VA: mmap_write_lock, notifier, change_pte_range, end. */
export const MPROTECT_STEPS = ['mpLock', 'mpStart', 'mpInv', 'mpChange', 'mpEnd'] as const;

/** Upper bound of the notifier sequence counters (each invalidation period adds 2). */
export const SEQ_MAX = 31;
/** The driver loop's timeout, as a number of read_begin/read_retry rounds. */
export const MAX_TRIES = 3;
export const GUP_STEPS = [
  'fastBegin',
  'fastSeq',
  'fastPte',
  'fastGrab',
  'fastRecheck',
  'fastSeqCheck',
  'slowLock',
  'follow',
  'fault',
  'slowUnlock',
  'unpin',
  ...faultLabels('f'),
] as const;
/**
 * The labels of an in-fault sub-path, prefixed per thread: wp_page_copy
 * after do_wp_page decided to copy (copy, notifier start and interval
 * callback, relock + pte_same, end + puts), and do_swap_page ->
 * remove_device_exclusive_entry on a device-exclusive entry (folio lock,
 * notifier start and callback, restore under the PTL, unlock + put, end).
 * See models/mm/fault.ts.
 */
export function faultLabels<P extends string>(p: P) {
  return [
    `${p}Copy`,
    `${p}Start`,
    `${p}Inv`,
    `${p}Relock`,
    `${p}End`,
    `${p}XLock`,
    `${p}XStart`,
    `${p}XInv`,
    `${p}XRestore`,
    `${p}XUnlock`,
    `${p}XEnd`,
  ] as const;
}

export const WRITE_STEPS = ['access', ...faultLabels('w'), 'store'] as const;

export function pageNames(n: number): string[] {
  return ['A', 'B', 'C', 'D', 'E'].slice(0, n);
}

/**
 * The fields of the model's state, in layout order. mmSchema is the record
 * of these; migSchema (scenarios with migration) appends one thread, so a
 * scenario without migration keeps its layout and its counts.
 */
export function mmFields(Page: Domain, Holder: Domain, maxRanges = 3) {
  return {
    page: array(
      record({
        free: bool(),
        ref: int(-1, MAX_REF),
        map: int(-1, 2),
        pins: int(-1, 2),
        excl: bool(),
        data: Content,
        /** PG_locked, the folio lock. */
        lock: bool(),
      }),
      Page,
    ),
    /**
     * The PTE of the one modelled VA, per mm; w is the hardware write bit.
     * dx: a device-exclusive entry (SWP_DEVICE_EXCLUSIVE) for page; then w
     * is the old design's writable/readable entry type.
     */
    pte: array(record({ page: optional(ref(Page)), w: bool(), dx: bool() }), Proc),
    mm: array(
      record({
        /** The process runs (the child from fork's return until exit). */
        live: bool(),
        /** MMF_HAS_PINNED (mm->has_pinned in v5.9-v5.14); a ghost before v5.9. */
        hasPinned: bool(),
        /** mm->write_protect_seq (one fork: 0..2). */
        wpSeq: int(0, 2),
        /** mmap_lock held for write / number of readers. */
        mmapW: bool(),
        mmapR: int(0, 3),
        /** VM_WRITE of the VMA (mprotect(PROT_READ) clears it). */
        vmaW: bool(),
      }),
      Proc,
    ),
    /**
     * mmu_notifier state of the parent's mm (the driver subscribes there):
     * seq = subscriptions->invalidate_seq (odd while an invalidation
     * overlapping the interval is active), active =
     * active_invalidate_ranges, iseq = the driver interval's
     * mni->invalidate_seq. See models/mm/notifier.ts.
     */
    mn: record({ seq: int(0, SEQ_MAX), active: int(0, maxRanges), iseq: int(0, SEQ_MAX) }),
    /**
     * The device: its driver lock (svmm->mutex) and its mirror of the VA
     * (the page it translates to and the permission, 'atomic' being the
     * RW+atomic grant backed by a device-exclusive entry).
     */
    dev: record({ lock: bool(), page: optional(ref(Page)), perm: enumOf('none', 'r', 'rw', 'atomic') }),
    drv: thread(DRIVER_STEPS, {
      /** notifier_seq from mmu_interval_read_begin. */
      seq: int(0, SEQ_MAX),
      /** The folio make_device_exclusive works on / returned (referenced). */
      page: optional(ref(Page)),
      /** It holds that folio's lock. */
      locked: bool(),
      /** Rounds of the loop so far (the timeout). */
      tries: int(0, MAX_TRIES),
      /** make_device_exclusive succeeded (the entry is installed). */
      ok: bool(),
      /** A folio a retry went back to read_begin with, still locked and referenced (B7). */
      leaked: optional(ref(Page)),
      /** In-fault locals of its GUP's faults (fault.ts). */
      old: optional(ref(Page)),
      new: optional(ref(Page)),
    }),
    /** fork() has returned in the parent. */
    forked: bool(),
    /** An allocation found no free page: the scenario's page bound is too small. */
    oom: bool(),
    fork: thread(FORK_STEPS, {
      /** copy_present_pte has run for the VA (the child's snapshot is taken). */
      copied: bool(),
      /** try_restore_exclusive_pte's trylock failed: fork returns -ENOMEM. */
      failed: bool(),
    }),
    user: array(
      record({
        write: thread(WRITE_STEPS, {
          /** do_wp_page's extra reference on the old page (wp_page_copy's old_folio). */
          old: optional(ref(Page)),
          /** wp_page_copy's new_folio (after the PTE switch: the old page's mapping reference). */
          new: optional(ref(Page)),
        }),
        unmap: thread(['zap', 'zStart', 'zInv', 'zClear', 'zEnd']),
        exit: thread(['exit']),
        mprotect: thread(MPROTECT_STEPS),
      }),
      Proc,
    ),
    gup: array(
      thread(GUP_STEPS, {
        /** The page referenced (held or grabbed), or gup_fast's PTE snapshot. */
        page: optional(ref(Page)),
        /** gup_fast's snapshot of the PTE write bit. */
        w: bool(),
        /** gup_fast's snapshot of write_protect_seq. */
        seq: int(0, 2),
        /** gup_fast took a reference it may still have to undo. */
        grabbed: bool(),
        /** The reference was returned to the caller and not yet released. */
        held: bool(),
        /** It was returned by gup_fast (for P13). */
        viaFast: bool(),
        /** It was returned before fork copied the VA (for P5). */
        preFork: bool(),
        /** The owner has not unmapped the VA since (P3/P4 apply). */
        mapValid: bool(),
        /** In-fault locals of faultin_page (fault.ts). */
        old: optional(ref(Page)),
        new: optional(ref(Page)),
      }),
      Holder,
    ),
  };
}

export function mmSchema(Page: Domain, Holder: Domain) {
  return record(mmFields(Page, Holder));
}

/**
 * Migration of the folio at the parent's VA by memory offline
 * (models/mm/migrate.ts): offline_pages -> do_migrate_range ->
 * migrate_pages, retried until the folio is gone from the block.
 */
export const MIGRATE_STEPS = ['isolate', 'mLock', 'mStart', 'mInv', 'move', 'mEnd', 'putback'] as const;

export function migSchema(Page: Domain, Holder: Domain) {
  return record({
    ...mmFields(Page, Holder, 4),
    mig: thread(MIGRATE_STEPS, {
      /** The folio isolated for migration (migration holds a reference to it). */
      src: optional(ref(Page)),
      /** Its folio lock is held by migration. */
      locked: bool(),
      /** try_to_migrate ran (a notifier range is open around it). */
      unmapped: bool(),
      /** The page moved was device-exclusive when it moved (a witness). */
      movedDx: bool(),
      /** Attempts so far, saturating at MIG_TRIES_SAT (a witness of the retry loop). */
      tries: int(0, MIG_TRIES_SAT),
    }),
  });
}

/** Saturation of the migration attempt counter. */
export const MIG_TRIES_SAT = 2;

export type MigSchema = ReturnType<typeof migSchema>;
export type MigState = Infer<MigSchema>;
export type ROMig = DeepReadonly<MigState>;

export type MmSchema = ReturnType<typeof mmSchema>;
export type MmState = Infer<MmSchema>;
export type ROState = DeepReadonly<MmState>;

// ---- page helpers (plain functions of the state, in the modelling subset) ----

/** folio_maybe_dma_pinned(): exact here, see the header. */
export function maybePinned(s: ROState, p: number): boolean {
  return s.page[p].pins > 0;
}

/**
 * The lowest free page, or -1. Callers compute it at the top of a step and
 * hand it to allocPage: the symbolic engine needs loops outside
 * state-dependent branches (and state tests in loops as expressions).
 */
export function freePage(s: ROState): number {
  let q = -1;
  for (let i = 0; i < s.page.length; i++) {
    q = q < 0 && s.page[i].free ? i : q;
  }
  return q;
}

/** Makes free page q a new exclusive anon page holding data, mapped once; q < 0 records OOM. */
export function allocPage(n: MmState, q: number, data: ContentValue): boolean {
  if (q < 0) {
    n.oom = true;
    return false;
  }
  const pg = n.page[q];
  pg.free = false;
  pg.ref = 1;
  pg.map = 1;
  pg.pins = 0;
  pg.excl = true;
  pg.data = data;
  pg.lock = false;
  return true;
}

/** put_page / folio_put: drop one reference; the page is freed at zero. */
export function putRef(n: MmState, p: number): void {
  const pg = n.page[p];
  pg.ref = pg.ref - 1;
  if (pg.ref === 0) {
    pg.free = true;
    pg.excl = false;
    pg.data = 'zero';
  }
}

/**
 * Removes mm m's PTE and its rmap and reference (zap_present_ptes; for a
 * device-exclusive entry zap_nonpresent_ptes, which removes the rmap only
 * where the entry holds a mapcount: dxMapped, the 2025 design).
 */
export function zapPte(n: MmState, m: number, dxMapped: boolean): void {
  const p = n.pte[m].page;
  if (p === null) return;
  const mapped = !n.pte[m].dx || dxMapped;
  n.pte[m].page = null;
  n.pte[m].w = false;
  n.pte[m].dx = false;
  n.page[p].map = n.page[p].map - (mapped ? 1 : 0);
  putRef(n, p);
}
