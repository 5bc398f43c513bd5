// The two multi-step faults a thread can take on the one VA, as step
// factories a thread splices in under its own label prefix (state.ts
// faultLabels): the user store's fault, slow GUP's faultin_page, and the
// driver's GUP inside make_device_exclusive all use them.
//
// 1. do_wp_page deciding to copy -> wp_page_copy (mm/memory.c):
//    entry (PTL)  do_wp_page: reuse in place (cow.ts canReuse), or
//                 folio_get(old) and drop the PTL
//    Copy         allocate and copy the page, no lock held
//    Start, Inv   mmu_notifier_invalidate_range_start(CLEAR): the mirror is
//                 zapped here, while the PTE still maps the old page
//    Relock (PTL) pte_same? switch the PTE to the new page, remove the old
//                 page's rmap; else leave it (someone else handled it)
//    End          range_end; folio_put(new_folio) (after the switch: the old
//                 page's mapping reference) and folio_put(old_folio)
// 2. do_swap_page on a device-exclusive entry ->
//    remove_device_exclusive_entry (mm/memory.c):
//    entry        folio_try_get (no PTL held)
//    XLock        folio_lock_or_retry: a user fault on a locked folio puts it,
//                 drops mmap_lock and starts over (VM_FAULT_RETRY); GUP
//                 without `locked` (the driver's) sleeps holding mmap_lock
//    XStart, XInv range_start(owner NULL: never filtered; EXCLUSIVE before
//                 v6.15, CLEAR since the 2025 rework)
//    XRestore     PTL, pte_same, restore_exclusive_pte: present again;
//                 writable per the design (old: the entry's type and
//                 VM_WRITE, re-adding the rmap; v6.15: VM_WRITE and
//                 can_change_pte_writable, i.e. AnonExclusive)
//    XUnlock      folio_unlock, folio_put
//    XEnd         range_end
// Without a notifier subscription in the faulting mm the Start/Inv/End
// steps are skipped (mm_has_notifiers()).
//
// Left out: the folio lock and swapcache handling of do_wp_page's reuse
// test (a failed trylock copies, which costs memory only); the zero page;
// update_mmu_tlb on a lost pte_same race.

import type { MmConfig } from './kernels.ts';
import { canReuse } from './cow.ts';
import { callback, callbackReady, notifying, rangeEnd, rangeStart, type MnRange, type NotifierConfig } from './notifier.ts';
import { putRef, type MmState, type ROState } from './state.ts';

/** The in-fault locals every faulting thread keeps (old_folio, new_folio). */
export interface FaultLocals {
  old: number | null;
  new: number | null;
}

export interface FaultCtx<P extends string, N extends string> {
  readonly prefix: P;
  /** The mm (Proc) the fault is in. */
  readonly mm: number;
  readonly k: MmConfig;
  readonly nc: NotifierConfig;
  /** FAULT_FLAG_UNSHARE (a R/O pin) rather than a write fault. */
  readonly unshare: boolean;
  readonly at: (s: ROState) => Readonly<FaultLocals>;
  readonly nat: (n: MmState) => FaultLocals;
  /** Where the thread continues when the fault is done (retry the access). */
  readonly next: N;
  /**
   * A user fault may drop mmap_lock and retry (FAULT_FLAG_ALLOW_RETRY):
   * folio_lock_or_retry on a locked folio puts it, releases mmap_lock,
   * waits and returns VM_FAULT_RETRY; the access starts over at this
   * label. GUP without a `locked` argument (the driver's
   * get_user_pages_remote) sleeps on the folio lock holding mmap_lock.
   */
  readonly retry?: string;
}

const CLEAR: MnRange = { event: 'CLEAR', ownerIsDriver: false };
// remove_device_exclusive_entry's range, owner NULL: EXCLUSIVE until the
// 2025 rework, which made EXCLUSIVE mean only "conversion to
// device-exclusive" (owner set) and the restore a CLEAR.
const RESTORE_OLD: MnRange = { event: 'EXCLUSIVE', ownerIsDriver: false };

/** The PTE of mm m is present (not a device-exclusive entry). */
export function present(s: ROState, m: number): boolean {
  return s.pte[m].page !== null && !s.pte[m].dx;
}

/** The PTE of mm m is present and writable. */
export function writable(s: ROState, m: number): boolean {
  return present(s, m) && s.pte[m].w;
}

/**
 * The fault's first step, under the PTL (do_wp_page) or without it
 * (do_swap_page reading the entry). Returns the label to go to: the
 * sub-path's first step, or ctx.next when the fault is done (reuse, or
 * nothing to do), or null when there is no PTE (the caller decides:
 * SIGSEGV, -EFAULT).
 */
export function faultEntry<P extends string, N extends string>(
  s: ROState,
  n: MmState,
  c: FaultCtx<P, N>,
): `${P}Copy` | `${P}XLock` | N | null {
  const e = s.pte[c.mm];
  const p = e.page;
  if (p === null) return null;
  if (e.dx) {
    // folio_try_get: the entry holds a reference, so the page is not free.
    n.page[p].ref = s.page[p].ref + 1;
    c.nat(n).old = p;
    return `${c.prefix}XLock`;
  }
  if (e.w) return c.next;
  if (canReuse(s, p, c.k)) {
    n.page[p].excl = true;
    if (!c.unshare) n.pte[c.mm].w = true;
    return c.next;
  }
  n.page[p].ref = s.page[p].ref + 1;
  c.nat(n).old = p;
  return `${c.prefix}Copy`;
}

type Step = {
  guard?: (s: ROState) => boolean;
  apply: (s: ROState, n: MmState) => string;
  kernel: string;
  doc: string;
};

/** The steps after faultEntry, keyed by their prefixed labels. */
export function faultSteps<P extends string, N extends string>(c: FaultCtx<P, N>, free: (s: ROState) => number) {
  const P = c.prefix;
  const nfy = notifying(c.nc, c.mm);
  // The negative control: the restore without its EXCLUSIVE notifier.
  const xnfy = nfy && c.k.restoreNotifies;
  const restoreRange = c.k.de === 'range' ? RESTORE_OLD : CLEAR;
  const retry = c.retry;
  const steps: Record<string, Step> = {
    [`${P}Copy`]: {
      apply: (s, n) => {
        const q = free(s);
        const old = c.at(s).old;
        if (q < 0 || old === null) {
          n.oom = n.oom || q < 0;
          if (old !== null) putRef(n, old);
          c.nat(n).old = null;
          return c.next;
        }
        const pg = n.page[q];
        pg.free = false;
        pg.ref = 1;
        pg.map = 0;
        pg.pins = 0;
        pg.excl = true;
        pg.lock = false;
        pg.data = s.page[old].data;
        c.nat(n).new = q;
        return nfy ? `${P}Start` : `${P}Relock`;
      },
      kernel: 'mm/memory.c: wp_page_copy',
      doc: 'folio_prealloc + __wp_page_copy_user: the copy, without the PTL',
    },
    [`${P}Start`]: {
      apply: (s, n) => {
        rangeStart(s, n);
        return `${P}Inv`;
      },
      kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
      doc: 'wp_page_copy: mmu_notifier_invalidate_range_start(CLEAR)',
    },
    [`${P}Inv`]: {
      guard: (s) => callbackReady(s, CLEAR, c.nc),
      apply: (s, n) => {
        callback(s, n, CLEAR, c.nc);
        return `${P}Relock`;
      },
      kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
      doc: 'the interval callback for the CLEAR range',
    },
    [`${P}Relock`]: {
      apply: (s, n) => {
        const e = s.pte[c.mm];
        const old = c.at(s).old;
        const nw = c.at(s).new;
        if (old !== null && nw !== null && e.page === old && !e.dx && !e.w) {
          n.pte[c.mm].page = nw;
          n.pte[c.mm].w = !c.unshare;
          n.page[nw].map = 1;
          n.page[old].map = s.page[old].map - 1;
          c.nat(n).new = old;
        }
        return `${P}End`;
      },
      kernel: 'mm/memory.c: wp_page_copy',
      doc: 'pte_offset_map_lock; pte_same: ptep_clear_flush, set the new PTE, folio_remove_rmap_pte(old)',
    },
    [`${P}End`]: {
      apply: (s, n) => {
        if (nfy) rangeEnd(s, n);
        const nw = c.at(s).new;
        const old = c.at(s).old;
        if (nw !== null) putRef(n, nw);
        if (old !== null) putRef(n, old);
        c.nat(n).new = null;
        c.nat(n).old = null;
        return c.next;
      },
      kernel: 'mm/memory.c: wp_page_copy',
      doc: 'mmu_notifier_invalidate_range_end; folio_put(new_folio), folio_put(old_folio)',
    },
    [`${P}XLock`]: {
      guard: (s) => {
        const p = c.at(s).old;
        return retry !== undefined || p === null || !s.page[p].lock;
      },
      apply: (s, n) => {
        const p = c.at(s).old;
        if (p !== null && s.page[p].lock && retry !== undefined) {
          // VM_FAULT_RETRY: folio_put, mmap_read_unlock, folio_wait_locked, start over.
          putRef(n, p);
          c.nat(n).old = null;
          n.mm[c.mm].mmapR = s.mm[c.mm].mmapR - 1;
          return retry;
        }
        if (p !== null) n.page[p].lock = true;
        return xnfy ? `${P}XStart` : `${P}XRestore`;
      },
      kernel: 'mm/memory.c: remove_device_exclusive_entry',
      doc: 'folio_lock_or_retry: a user fault on a locked folio drops mmap_lock and retries; GUP sleeps',
    },
    [`${P}XStart`]: {
      apply: (s, n) => {
        rangeStart(s, n);
        return `${P}XInv`;
      },
      kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
      doc: 'remove_device_exclusive_entry: range_start(owner NULL; EXCLUSIVE, CLEAR since v6.15)',
    },
    [`${P}XInv`]: {
      guard: (s) => callbackReady(s, restoreRange, c.nc),
      apply: (s, n) => {
        callback(s, n, restoreRange, c.nc);
        return `${P}XRestore`;
      },
      kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
      doc: 'the interval callback for the restore (owner NULL: never filtered)',
    },
    [`${P}XRestore`]: {
      apply: (s, n) => {
        const e = s.pte[c.mm];
        const p = c.at(s).old;
        if (p !== null && e.dx && e.page === p) {
          n.pte[c.mm].dx = false;
          if (c.k.de === 'range') {
            // maybe_mkwrite for a writable entry; page_add_anon_rmap again.
            n.pte[c.mm].w = e.w && s.mm[c.mm].vmaW;
            n.page[p].map = s.page[p].map + 1;
          } else {
            n.pte[c.mm].w = s.mm[c.mm].vmaW && s.page[p].excl;
          }
        }
        return `${P}XUnlock`;
      },
      kernel: 'mm/memory.c: restore_exclusive_pte',
      doc: 'under the PTL, if pte_same: the present PTE again (writable per the design)',
    },
    [`${P}XUnlock`]: {
      apply: (s, n) => {
        const p = c.at(s).old;
        if (p !== null) {
          n.page[p].lock = false;
          putRef(n, p);
        }
        c.nat(n).old = null;
        return xnfy ? `${P}XEnd` : c.next;
      },
      kernel: 'mm/memory.c: remove_device_exclusive_entry',
      doc: 'folio_unlock, folio_put',
    },
    [`${P}XEnd`]: {
      apply: (s, n) => {
        rangeEnd(s, n);
        return c.next;
      },
      kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
      doc: 'remove_device_exclusive_entry: mmu_notifier_invalidate_range_end',
    },
  };
  return steps;
}

/** The page references an in-flight fault of these locals holds on page p. */
export function faultRefs(l: Readonly<FaultLocals>, p: number): number {
  return (l.old === p ? 1 : 0) + (l.new === p ? 1 : 0);
}
