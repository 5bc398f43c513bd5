// The kernel paths of the fork/pin/COW model, each a thread of atomic steps
// with the kernel's real atomicity: a step is what runs under one PTL hold
// (or one lockless load/RMW for gup_fast); mmap_lock is explicit state that
// steps wait on. Every step names the kernel function it abstracts.
// What is left out is listed in docs/kernel-model.md.

import type { Model } from '../../src/index.ts';
import { faultEntry, faultSteps, present, writable, type FaultCtx } from './fault.ts';
import type { MmConfig } from './kernels.ts';
import { callback, callbackReady, notifying, rangeEnd, rangeStart, type MnRange, type NotifierConfig } from './notifier.ts';
import type { HolderSpec, Scenario, Start } from './scenario.ts';
import {
  CHILD,
  PARENT,
  Proc,
  allocPage,
  freePage,
  maybePinned,
  putRef,
  zapPte,
  type MmSchema,
  type MmState,
  type ROState,
} from './state.ts';

export type MmModel = Model<MmSchema>;

/**
 * Strong fairness of every kernel path in scenarios with a driver (for P11,
 * the driver loop's progress) or that ask for it (sc.fair, for P15): a
 * path waiting on a lock that is free again and again eventually runs.
 * Other scenarios check no temporal property.
 */
export function fairness(sc: Scenario): { fairness?: 'strong' } {
  return sc.driver || sc.fair ? { fairness: 'strong' } : {};
}

/** The notifier subscribers of a scenario under a design. */
export function notifierConfig(k: MmConfig, sc: Scenario): NotifierConfig {
  return { subscribed: sc.driver !== undefined, ownerFilter: k.ownerFilter };
}

/** The test program's order: may a path that starts at `start` begin now? */
export function ready(s: ROState, start: Start): boolean {
  if (start === 'afterFork') return s.forked;
  if (start === 'afterChildExit') return exited(s, CHILD);
  return true;
}

/**
 * The process has exited (only the child does): its paths that have not
 * started yet end without running, so a test program's later steps do not
 * wait forever for a dead process.
 */
export function exited(s: ROState, proc: number): boolean {
  return s.forked && !s.mm[proc].live;
}

// ---- fork: dup_mmap -> copy_page_range -> copy_present_pte, for one VA ----

const FORK_RANGE: MnRange = { event: 'PROTECTION_PAGE', ownerIsDriver: false };

/**
 * try_restore_exclusive_pte -> restore_exclusive_pte in fork (n already
 * holds the state): the parent's device-exclusive entry becomes a present
 * PTE again, as the CPU fault would make it (fault.ts XRestore).
 */
function restoreForFork(n: MmState, k: MmConfig, p: number): void {
  n.pte[PARENT].dx = false;
  if (k.de === 'range') {
    n.pte[PARENT].w = n.pte[PARENT].w && n.mm[PARENT].vmaW;
    n.page[p].map = n.page[p].map + 1;
  } else {
    n.pte[PARENT].w = n.mm[PARENT].vmaW && n.page[p].excl;
  }
}

export function addFork(m: MmModel, k: MmConfig, sc: Scenario): void {
  const nc = notifierConfig(k, sc);
  const nfy = notifying(nc, PARENT);
  const afterRange: 'seqBegin' | 'wp' | 'dup' = k.wpSeq ? 'seqBegin' : k.wpBeforeDup ? 'wp' : 'dup';
  const afterSeq: 'wp' | 'dup' = k.wpBeforeDup ? 'wp' : 'dup';
  const closeSeq: 'seqEnd' | 'mnEnd' | 'unlock' = k.wpSeq ? 'seqEnd' : nfy ? 'mnEnd' : 'unlock';
  const closeRange: 'mnEnd' | 'unlock' = nfy ? 'mnEnd' : 'unlock';
  m.thread('fork', {
    ...fairness(sc),
    actor: 'fork',
    doc: 'fork() in the parent: copy the one private anon VMA into the child',
    at: (s) => s.fork,
    steps: {
      lock: {
        guard: (s) => !s.mm[PARENT].mmapW && s.mm[PARENT].mmapR === 0,
        apply: (_s, n) => {
          n.mm[PARENT].mmapW = true;
          if (k.madvDontfork) return 'unlock';
          return nfy ? 'mnStart' : afterRange;
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_lock(parent); a VM_DONTCOPY VMA is skipped',
      },
      mnStart: {
        apply: (s, n) => {
          rangeStart(s, n);
          return 'mnInv';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
        doc: 'copy_page_range: mmu_notifier_invalidate_range_start(PROTECTION_PAGE), before write_protect_seq',
      },
      mnInv: {
        guard: (s) => callbackReady(s, FORK_RANGE, nc),
        apply: (s, n) => {
          callback(s, n, FORK_RANGE, nc);
          return afterRange;
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
        doc: "the driver interval's callback for fork's range: the device loses its translation",
      },
      seqBegin: {
        apply: (s, n) => {
          n.mm[PARENT].wpSeq = s.mm[PARENT].wpSeq + 1;
          return afterSeq;
        },
        kernel: 'mm/memory.c: copy_page_range',
        doc: 'raw_write_seqcount_begin(write_protect_seq): odd',
      },
      wp: {
        apply: (s, n) => {
          if (present(s, PARENT)) n.pte[PARENT].w = false;
          return 'dup';
        },
        kernel: k.earlyCowPinned ? 'mm/memory.c: copy_present_pte' : 'mm/memory.c: copy_one_pte',
        doc: 'ptep_set_wrprotect(parent) first (copy_one_pte, before v5.9; the first version of 70e806e4e645)',
      },
      dup: {
        apply: (s, n) => {
          const free = freePage(s);
          const p = s.pte[PARENT].page;
          if (p === null) return closeSeq;
          if (s.pte[PARENT].dx) {
            if (k.deFork === 'restore') {
              // try_restore_exclusive_pte: folio_trylock, or fork fails (-EBUSY -> -ENOMEM).
              if (s.page[p].lock) {
                n.fork.failed = true;
                return closeSeq;
              }
              restoreForFork(n, k, p);
            } else if (k.deFork === 'shareDe') {
              // As for a device-private entry: both get a readable entry of the same page.
              n.pte[PARENT].w = false;
              n.pte[CHILD].page = p;
              n.pte[CHILD].dx = true;
              n.pte[CHILD].w = false;
              n.page[p].ref = s.page[p].ref + 1;
              n.page[p].map = s.page[p].map + (k.de === 'single' ? 1 : 0);
              n.page[p].excl = false;
              n.fork.copied = true;
              return closeSeq;
            } else {
              // copyCpu / copyDe: the child gets a copy; the parent keeps its entry.
              if (allocPage(n, free, s.page[p].data)) {
                n.pte[CHILD].page = free;
                n.pte[CHILD].w = true;
                if (k.deFork === 'copyDe') {
                  n.pte[CHILD].dx = true;
                  n.page[free].map = k.de === 'single' ? 1 : 0;
                }
              }
              n.fork.copied = true;
              return closeSeq;
            }
          }
          const early =
            k.earlyCowPinned &&
            s.mm[PARENT].hasPinned &&
            maybePinned(s, p) &&
            (k.reuse !== 'anonExclusive' || n.page[p].excl);
          if (early) {
            // copy_present_page: the child gets a copy, the parent PTE is untouched
            // (the first version of 70e806e4e645 undoes its write-protect here (~)).
            if (allocPage(n, free, s.page[p].data)) {
              n.pte[CHILD].page = free;
              n.pte[CHILD].w = true;
            }
            if (k.wpBeforeDup) n.pte[PARENT].w = true;
            n.fork.copied = true;
            return closeSeq;
          }
          n.page[p].ref = n.page[p].ref + 1;
          n.page[p].map = n.page[p].map + 1;
          n.page[p].excl = false;
          return 'copy';
        },
        kernel: k.earlyCowPinned ? 'mm/memory.c: copy_present_pte' : 'mm/memory.c: copy_one_pte',
        doc: 'the pin check and folio_try_dup_anon_rmap_pte (get_page + page_dup_rmap before v5.9), or copy_present_page for a maybe-pinned page; a device-exclusive entry first goes through copy_nonpresent_pte',
      },
      copy: {
        apply: (s, n) => {
          const p = s.pte[PARENT].page;
          n.pte[PARENT].w = false;
          n.pte[CHILD].page = p;
          n.pte[CHILD].w = false;
          n.fork.copied = true;
          return closeSeq;
        },
        kernel: k.earlyCowPinned ? 'mm/memory.c: copy_present_pte' : 'mm/memory.c: copy_one_pte',
        doc: 'ptep_set_wrprotect(parent), then set_pte_at(child) read-only; PTL released',
      },
      seqEnd: {
        apply: (s, n) => {
          n.mm[PARENT].wpSeq = s.mm[PARENT].wpSeq + 1;
          return closeRange;
        },
        kernel: 'mm/memory.c: copy_page_range',
        doc: 'raw_write_seqcount_end(write_protect_seq): even',
      },
      mnEnd: {
        apply: (s, n) => {
          rangeEnd(s, n);
          return 'unlock';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
        doc: 'copy_page_range: mmu_notifier_invalidate_range_end',
      },
      unlock: {
        apply: (s, n) => {
          n.mm[PARENT].mmapW = false;
          n.mm[CHILD].live = !s.fork.failed;
          n.forked = true;
          return 'done';
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_unlock(parent); fork returns (the child runs), or fails with -ENOMEM',
      },
    },
  });
}

// ---- GUP holders: gup_fast (lockless) falling back to slow GUP ----

function undoGrab(s: ROState, n: MmState, h: number, pin: boolean): void {
  const p = s.gup[h].page;
  if (p !== null) {
    if (pin) n.page[p].pins = s.page[p].pins - 1;
    putRef(n, p);
  }
  n.gup[h].page = null;
  n.gup[h].w = false;
  n.gup[h].seq = 0;
  n.gup[h].grabbed = false;
}

function succeed(s: ROState, n: MmState, h: number, p: number, viaFast: boolean): void {
  n.gup[h].page = p;
  n.gup[h].w = false;
  n.gup[h].seq = 0;
  n.gup[h].grabbed = false;
  n.gup[h].held = true;
  n.gup[h].viaFast = viaFast;
  n.gup[h].preFork = !s.fork.copied;
  n.gup[h].mapValid = true;
}

/** The first step a holder runs. */
export function holderStart(H: HolderSpec): 'fastBegin' | 'fastPte' | 'slowLock' {
  if (!H.fast) return 'slowLock';
  return H.pin ? 'fastBegin' : 'fastPte';
}

export function addHolder(m: MmModel, k: MmConfig, sc: Scenario, h: number): void {
  const H = sc.holders[h];
  const o = H.owner;
  // should_force_cow_break (v5.8): FOLL_GET/FOLL_PIN in a COW mapping act as FOLL_WRITE.
  const write = H.write || k.gupBreaksCow;
  const useSeq = k.wpSeq && H.pin;
  const afterHeld: 'unpin' | 'done' = H.release ? 'unpin' : 'done';
  const mayStart = (s: ROState) => ready(s, H.start) && (s.mm[o].live || exited(s, o));
  const fctx: FaultCtx<'f', 'follow'> = {
    prefix: 'f',
    mm: o,
    k,
    nc: notifierConfig(k, sc),
    unshare: !write,
    at: (s) => s.gup[h],
    nat: (n) => n.gup[h],
    next: 'follow',
  };
  const fast = {
    fastBegin: {
      guard: mayStart,
      apply: (s: ROState, n: MmState) => {
        if (exited(s, o)) return 'done' as const;
        n.mm[o].hasPinned = true;
        return useSeq ? ('fastSeq' as const) : ('fastPte' as const);
      },
      kernel: 'mm/gup.c: gup_fast_fallback',
      doc: 'mm_set_has_pinned_flag(MMF_HAS_PINNED) before any pin',
    },
    fastSeq: {
      apply: (s: ROState, n: MmState) => {
        const seq = s.mm[o].wpSeq;
        if (seq % 2 === 1) return 'slowLock' as const;
        n.gup[h].seq = seq;
        return 'fastPte' as const;
      },
      kernel: 'mm/gup.c: gup_fast',
      doc: 'raw_read_seqcount(write_protect_seq); odd: fall back to the slow path',
    },
    fastPte: {
      guard: mayStart,
      apply: (s: ROState, n: MmState) => {
        if (exited(s, o)) return 'done' as const;
        const e = s.pte[o];
        if (e.page === null || e.dx || (write && !e.w)) return 'slowLock' as const;
        n.gup[h].page = e.page;
        n.gup[h].w = e.w;
        return 'fastGrab' as const;
      },
      kernel: 'mm/gup.c: gup_fast_pte_range',
      doc: 'ptep_get_lockless; FOLL_WRITE needs a writable PTE, else the slow path',
    },
    fastGrab: {
      apply: (s: ROState, n: MmState) => {
        const p = s.gup[h].page;
        if (p === null || s.page[p].free) {
          n.gup[h].page = null;
          n.gup[h].w = false;
          n.gup[h].seq = 0;
          return 'slowLock' as const;
        }
        n.page[p].ref = s.page[p].ref + 1;
        if (H.pin) n.page[p].pins = s.page[p].pins + 1;
        n.gup[h].grabbed = true;
        return 'fastRecheck' as const;
      },
      kernel: 'mm/gup.c: try_grab_folio_fast',
      doc: 'refcount +1 (fails on a freed page), pin bias, full barrier',
    },
    fastRecheck: {
      apply: (s: ROState, n: MmState) => {
        const p = s.gup[h].page;
        const e = s.pte[o];
        if (p === null) return 'slowLock' as const;
        const changed = e.page !== p || e.dx || e.w !== s.gup[h].w;
        const mustUnshare = k.unshareRoPins && H.pin && !H.write && !e.w && !s.page[p].excl;
        if (changed || mustUnshare) {
          undoGrab(s, n, h, H.pin);
          return 'slowLock' as const;
        }
        if (useSeq) return 'fastSeqCheck' as const;
        succeed(s, n, h, p, true);
        return afterHeld;
      },
      kernel: 'mm/gup.c: gup_fast_pte_range',
      doc: 're-read the PTE; undo and fall back if it changed or gup_must_unshare',
    },
    fastSeqCheck: {
      apply: (s: ROState, n: MmState) => {
        const p = s.gup[h].page;
        if (p === null) return 'slowLock' as const;
        if (s.mm[o].wpSeq !== s.gup[h].seq) {
          undoGrab(s, n, h, H.pin);
          return 'slowLock' as const;
        }
        succeed(s, n, h, p, true);
        return afterHeld;
      },
      kernel: 'mm/gup.c: gup_fast',
      doc: 'read_seqcount_retry(write_protect_seq): unpin and fall back if fork ran',
    },
  };
  const slow = {
    slowLock: {
      guard: (s: ROState) => mayStart(s) && !s.mm[o].mmapW,
      apply: (s: ROState, n: MmState) => {
        if (exited(s, o)) return 'done' as const;
        n.mm[o].mmapR = s.mm[o].mmapR + 1;
        if (H.pin) n.mm[o].hasPinned = true;
        return 'follow' as const;
      },
      kernel: 'mm/gup.c: __get_user_pages_locked',
      doc: 'mmap_read_lock; mm_set_has_pinned_flag for FOLL_PIN',
    },
    follow: {
      apply: (s: ROState, n: MmState) => {
        const e = s.pte[o];
        const p = e.page;
        if (p === null) return 'slowUnlock' as const;
        if (e.dx) return 'fault' as const;
        if (write && !e.w) return 'fault' as const;
        if (k.unshareRoPins && H.pin && !write && !e.w && !s.page[p].excl) return 'fault' as const;
        n.page[p].ref = s.page[p].ref + 1;
        if (H.pin) n.page[p].pins = s.page[p].pins + 1;
        succeed(s, n, h, p, false);
        return 'slowUnlock' as const;
      },
      kernel: 'mm/gup.c: follow_page_pte',
      doc: 'under the PTL: can_follow_write_pte, gup_must_unshare, try_grab_folio',
    },
    fault: {
      apply: (s: ROState, n: MmState) => faultEntry(s, n, fctx) ?? ('slowUnlock' as const),
      kernel: 'mm/memory.c: do_wp_page',
      doc: 'faultin_page -> handle_mm_fault(FAULT_FLAG_WRITE or FAULT_FLAG_UNSHARE): do_wp_page (or do_swap_page)',
    },
    slowUnlock: {
      apply: (s: ROState, n: MmState) => {
        n.mm[o].mmapR = s.mm[o].mmapR - 1;
        return s.gup[h].held ? afterHeld : ('done' as const);
      },
      kernel: 'mm/gup.c: __get_user_pages_locked',
      doc: 'mmap_read_unlock; the reference is returned to the caller',
    },
  };
  const unpin = {
    unpin: {
      apply: (s: ROState, n: MmState) => {
        const p = s.gup[h].page;
        if (p !== null) {
          if (H.pin) n.page[p].pins = s.page[p].pins - 1;
          putRef(n, p);
        }
        n.gup[h].page = null;
        n.gup[h].held = false;
        n.gup[h].viaFast = false;
        n.gup[h].preFork = false;
        n.gup[h].mapValid = false;
        return 'done' as const;
      },
      kernel: H.pin ? 'mm/gup.c: unpin_user_page' : 'mm/swap.c: put_page',
    },
  };
  const steps = {
    ...(H.fast && H.pin ? { fastBegin: fast.fastBegin } : {}),
    ...(H.fast && useSeq ? { fastSeq: fast.fastSeq } : {}),
    ...(H.fast
      ? { fastPte: fast.fastPte, fastGrab: fast.fastGrab, fastRecheck: fast.fastRecheck }
      : {}),
    ...(H.fast && useSeq ? { fastSeqCheck: fast.fastSeqCheck } : {}),
    ...slow,
    ...(faultSteps(fctx, freePage) as {}),
    ...(H.release ? unpin : {}),
  };
  m.thread(H.name, {
    ...fairness(sc),
    actor: H.name,
    doc: `${H.pin ? 'FOLL_PIN' : 'FOLL_GET'}${H.write ? '|FOLL_WRITE' : ''}${H.longterm ? '|FOLL_LONGTERM' : ''} on the ${Proc.names[o]}'s page`,
    at: (s) => s.gup[h],
    steps,
  });
}

/** The device writes through a held FOLL_WRITE reference (DMA; no kernel code). */
export function addDma(m: MmModel, sc: Scenario, h: number): void {
  const H = sc.holders[h];
  m.action(`${H.name}Dma`, {
    actor: 'device',
    doc: `the device behind ${H.name} writes into the page it holds`,
    guard: (s) => {
      const p = s.gup[h].page;
      return s.gup[h].held && p !== null && s.page[p].data !== 'dma';
    },
    apply: (s, n) => {
      const p = s.gup[h].page;
      if (p !== null) n.page[p].data = 'dma';
    },
    kernel: '(device DMA, no kernel code)',
  });
}

// ---- user space: stores, munmap, exit ----

/**
 * One store by process proc to the VA, with the fault it may need: the
 * store goes through a present writable PTE; otherwise the fault
 * (mmap_lock or the VMA lock held for reading: here mmapR) runs do_wp_page
 * or, on a device-exclusive entry, do_swap_page, then the store retries.
 */
export function addWrite(m: MmModel, k: MmConfig, sc: Scenario, proc: number, start: Start): void {
  const who = Proc.names[proc];
  const data = proc === PARENT ? ('parent' as const) : ('child' as const);
  const c: FaultCtx<'w', 'store'> = {
    prefix: 'w',
    mm: proc,
    k,
    nc: notifierConfig(k, sc),
    unshare: false,
    at: (s) => s.user[proc].write,
    nat: (n) => n.user[proc].write,
    next: 'store',
    retry: 'access',
  };
  m.thread(`${who}Write`, {
    ...fairness(sc),
    actor: who,
    doc: `the ${who} stores to the buffer once`,
    at: (s) => s.user[proc].write,
    steps: {
      access: {
        guard: (s) => ready(s, start) && (exited(s, proc) || (s.mm[proc].live && (writable(s, proc) || !s.mm[proc].mmapW))),
        apply: (s, n) => {
          if (exited(s, proc)) return 'done';
          const p = s.pte[proc].page;
          if (p === null) return 'done'; // SIGSEGV: the VMA is gone
          if (writable(s, proc)) {
            n.page[p].data = data;
            return 'done';
          }
          if (!s.mm[proc].vmaW) return 'done'; // SIGSEGV: access_error, no VM_WRITE
          n.mm[proc].mmapR = s.mm[proc].mmapR + 1;
          return faultEntry(s, n, c) ?? 'store';
        },
        kernel: 'mm/memory.c: do_wp_page',
        doc: 'a store to a writable PTE; otherwise mmap_read_lock and handle_mm_fault: do_wp_page (reuse, or copy), do_swap_page for a device-exclusive entry',
      },
      ...(faultSteps(c, freePage) as {}),
      store: {
        apply: (s, n) => {
          n.mm[proc].mmapR = s.mm[proc].mmapR - 1;
          const p = s.pte[proc].page;
          if (p === null) return 'done';
          if (!writable(s, proc)) return 'access';
          n.page[p].data = data;
          return 'done';
        },
        kernel: '(user store after the fault)',
        doc: 'mmap_read_unlock at the end of the fault; the store retries',
      },
    },
  });
}

function invalidatePins(sc: Scenario, n: MmState, proc: number): void {
  for (let h = 0; h < sc.holders.length; h++) {
    if (sc.holders[h].owner === proc) n.gup[h].mapValid = false;
  }
}

export function addUnmap(m: MmModel, k: MmConfig, sc: Scenario, proc: number, start: Start): void {
  const who = Proc.names[proc];
  const nc = notifierConfig(k, sc);
  const nfy = notifying(nc, proc);
  const range: MnRange = { event: 'UNMAP', ownerIsDriver: false };
  const dxMapped = k.de === 'single';
  m.thread(`${who}Unmap`, {
    ...fairness(sc),
    actor: who,
    doc: `the ${who} munmaps the buffer`,
    at: (s) => s.user[proc].unmap,
    steps: {
      zap: {
        guard: (s) =>
          ready(s, start) && (exited(s, proc) || (s.mm[proc].live && !s.mm[proc].mmapW && s.mm[proc].mmapR === 0)),
        apply: (s, n) => {
          invalidatePins(sc, n, proc); // first: loops must not follow a state-dependent branch
          if (exited(s, proc)) return 'done';
          if (nfy) {
            n.mm[proc].mmapW = true;
            return 'zStart';
          }
          zapPte(n, proc, dxMapped);
          return 'done';
        },
        kernel: 'mm/memory.c: zap_pte_range',
        doc: 'munmap: mmap_write_lock, unmap_vmas -> zap_pte_range, VMA removed',
      },
      zStart: {
        apply: (s, n) => {
          rangeStart(s, n);
          return 'zInv';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
        doc: 'unmap_vmas: mmu_notifier_invalidate_range_start(UNMAP)',
      },
      zInv: {
        guard: (s) => callbackReady(s, range, nc),
        apply: (s, n) => {
          callback(s, n, range, nc);
          return 'zClear';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
        doc: 'the interval callback for the UNMAP range',
      },
      zClear: {
        apply: (_s, n) => {
          zapPte(n, proc, dxMapped);
          return 'zEnd';
        },
        kernel: 'mm/memory.c: zap_pte_range',
        doc: 'under the PTL: clear the PTE (present or device-exclusive), rmap, reference',
      },
      zEnd: {
        apply: (s, n) => {
          rangeEnd(s, n);
          n.mm[proc].mmapW = false;
          return 'done';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
        doc: 'mmu_notifier_invalidate_range_end; mmap_write_unlock',
      },
    },
  });
}

/** mprotect(PROT_READ) of the VA by the parent (change_protection). */
export function addMprotect(m: MmModel, k: MmConfig, sc: Scenario, start: Start): void {
  const nc = notifierConfig(k, sc);
  const nfy = notifying(nc, PARENT);
  const range: MnRange = { event: 'PROTECTION_VMA', ownerIsDriver: false };
  m.thread('parentMprotect', {
    ...fairness(sc),
    actor: 'parent',
    doc: 'the parent mprotect(PROT_READ)s the buffer',
    at: (s) => s.user[PARENT].mprotect,
    steps: {
      mpLock: {
        guard: (s) => ready(s, start) && !s.mm[PARENT].mmapW && s.mm[PARENT].mmapR === 0,
        apply: (_s, n) => {
          n.mm[PARENT].mmapW = true;
          return nfy ? 'mpStart' : 'mpChange';
        },
        kernel: 'mm/mprotect.c: do_mprotect_pkey',
        doc: 'mmap_write_lock',
      },
      mpStart: {
        apply: (s, n) => {
          rangeStart(s, n);
          return 'mpInv';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
        doc: 'change_pmd_range: mmu_notifier_invalidate_range_start(PROTECTION_VMA)',
      },
      mpInv: {
        guard: (s) => callbackReady(s, range, nc),
        apply: (s, n) => {
          callback(s, n, range, nc);
          return 'mpChange';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
        doc: 'the interval callback for the PROTECTION_VMA range',
      },
      mpChange: {
        apply: (_s, n) => {
          // change_pte_range: a present PTE loses its write bit; the old design's
          // writable device-exclusive entry becomes a readable one (v6.15: one
          // entry type, writability recomputed from VM_WRITE on restore).
          if (!n.pte[PARENT].dx || k.de === 'range') n.pte[PARENT].w = false;
          n.mm[PARENT].vmaW = false;
          if (!nfy) n.mm[PARENT].mmapW = false;
          return nfy ? 'mpEnd' : 'done';
        },
        kernel: 'mm/mprotect.c: change_pte_range',
        doc: 'VM_WRITE cleared; under the PTL the PTE is write-protected',
      },
      mpEnd: {
        apply: (s, n) => {
          rangeEnd(s, n);
          n.mm[PARENT].mmapW = false;
          return 'done';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
        doc: 'mmu_notifier_invalidate_range_end; mmap_write_unlock',
      },
    },
  });
}

export function addChildExit(m: MmModel, k: MmConfig, sc: Scenario): void {
  m.thread('childExit', {
    ...fairness(sc),
    actor: 'child',
    doc: 'the child exits; references it handed to others (a pipe) stay alive',
    at: (s) => s.user[CHILD].exit,
    steps: {
      exit: {
        guard: (s) => s.forked && s.mm[CHILD].live && !s.mm[CHILD].mmapW && s.mm[CHILD].mmapR === 0,
        apply: (_s, n) => {
          invalidatePins(sc, n, CHILD);
          zapPte(n, CHILD, k.de === 'single');
          n.mm[CHILD].live = false;
          return 'done';
        },
        kernel: 'mm/mmap.c: exit_mmap',
        doc: 'do_exit -> mmput -> exit_mmap -> unmap_vmas',
      },
    },
  });
}
