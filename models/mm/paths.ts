// The kernel paths of the fork/pin/COW model, each a thread of atomic steps
// with the kernel's real atomicity: a step is what runs under one PTL hold
// (or one lockless load/RMW for gup_fast); mmap_lock is explicit state that
// steps wait on. Every step names the kernel function it abstracts.
// What is left out is listed in docs/kernel-model.md.

import type { Model } from '../../src/index.ts';
import { wpFault } from './cow.ts';
import type { MmConfig } from './kernels.ts';
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

export function addFork(m: MmModel, k: MmConfig): void {
  const afterCopy: 'seqEnd' | 'unlock' = k.wpSeq ? 'seqEnd' : 'unlock';
  m.thread('fork', {
    actor: 'fork',
    doc: 'fork() in the parent: copy the one private anon VMA into the child',
    at: (s) => s.fork,
    steps: {
      lock: {
        guard: (s) => !s.mm[PARENT].mmapW && s.mm[PARENT].mmapR === 0,
        apply: (_s, n) => {
          n.mm[PARENT].mmapW = true;
          if (k.madvDontfork) return 'unlock';
          return k.wpSeq ? 'seqBegin' : 'dup';
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_lock(parent); a VM_DONTCOPY VMA is skipped',
      },
      seqBegin: {
        apply: (s, n) => {
          n.mm[PARENT].wpSeq = s.mm[PARENT].wpSeq + 1;
          return 'dup';
        },
        kernel: 'mm/memory.c: copy_page_range',
        doc: 'raw_write_seqcount_begin(write_protect_seq): odd',
      },
      dup: {
        apply: (s, n) => {
          const free = freePage(s);
          const p = s.pte[PARENT].page;
          if (p === null) return afterCopy;
          const early =
            k.earlyCowPinned &&
            s.mm[PARENT].hasPinned &&
            maybePinned(s, p) &&
            (k.reuse !== 'anonExclusive' || s.page[p].excl);
          if (early) {
            // copy_present_page: the child gets a copy, the parent PTE is untouched.
            if (allocPage(n, free, s.page[p].data)) {
              n.pte[CHILD].page = free;
              n.pte[CHILD].w = true;
            }
            n.fork.copied = true;
            return afterCopy;
          }
          n.page[p].ref = s.page[p].ref + 1;
          n.page[p].map = s.page[p].map + 1;
          n.page[p].excl = false;
          return 'copy';
        },
        kernel: 'mm/memory.c: copy_present_pte',
        doc: 'folio_try_dup_anon_rmap_pte (pin check, AnonExclusive cleared, ref/map++) or, for a maybe-pinned page, copy_present_page',
      },
      copy: {
        apply: (s, n) => {
          const p = s.pte[PARENT].page;
          n.pte[PARENT].w = false;
          n.pte[CHILD].page = p;
          n.pte[CHILD].w = false;
          n.fork.copied = true;
          return afterCopy;
        },
        kernel: 'mm/memory.c: copy_present_pte',
        doc: 'ptep_set_wrprotect(parent), then set_pte_at(child) read-only; PTL released',
      },
      seqEnd: {
        apply: (s, n) => {
          n.mm[PARENT].wpSeq = s.mm[PARENT].wpSeq + 1;
          return 'unlock';
        },
        kernel: 'mm/memory.c: copy_page_range',
        doc: 'raw_write_seqcount_end(write_protect_seq): even',
      },
      unlock: {
        apply: (_s, n) => {
          n.mm[PARENT].mmapW = false;
          n.mm[CHILD].live = true;
          n.forked = true;
          return 'done';
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_unlock(parent); fork returns, the child runs',
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
        if (e.page === null || (write && !e.w)) return 'slowLock' as const;
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
        const changed = e.page !== p || e.w !== s.gup[h].w;
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
      apply: (s: ROState, n: MmState) => {
        wpFault(s, n, o, !write, k, freePage(s));
        return 'follow' as const;
      },
      kernel: 'mm/memory.c: do_wp_page',
      doc: 'faultin_page -> handle_mm_fault(FAULT_FLAG_WRITE or FAULT_FLAG_UNSHARE)',
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
    ...(H.release ? unpin : {}),
  };
  m.thread(H.name, {
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

/** One store by process proc to the VA, with the write fault it may need. */
export function addWrite(m: MmModel, k: MmConfig, proc: number, start: Start): void {
  const who = Proc.names[proc];
  const data = proc === PARENT ? ('parent' as const) : ('child' as const);
  m.thread(`${who}Write`, {
    actor: who,
    doc: `the ${who} stores to the buffer once`,
    at: (s) => s.user[proc].write,
    steps: {
      access: {
        guard: (s) =>
          ready(s, start) && (exited(s, proc) || (s.mm[proc].live && (s.pte[proc].w || !s.mm[proc].mmapW))),
        apply: (s, n) => {
          const free = freePage(s);
          if (exited(s, proc)) return 'done';
          const p = s.pte[proc].page;
          if (p === null) return 'done'; // SIGSEGV: the VMA is gone
          if (s.pte[proc].w) {
            n.page[p].data = data;
            return 'done';
          }
          wpFault(s, n, proc, false, k, free);
          return 'store';
        },
        kernel: 'mm/memory.c: do_wp_page',
        doc: 'a store to a writable PTE; to a R/O one it faults (handle_mm_fault -> do_wp_page) first',
      },
      store: {
        apply: (s, n) => {
          const p = s.pte[proc].page;
          if (p === null) return 'done';
          if (!s.pte[proc].w) return 'access';
          n.page[p].data = data;
          return 'done';
        },
        kernel: '(user store after the fault)',
      },
    },
  });
}

function invalidatePins(sc: Scenario, n: MmState, proc: number): void {
  for (let h = 0; h < sc.holders.length; h++) {
    if (sc.holders[h].owner === proc) n.gup[h].mapValid = false;
  }
}

export function addUnmap(m: MmModel, sc: Scenario, proc: number, start: Start): void {
  const who = Proc.names[proc];
  m.thread(`${who}Unmap`, {
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
          zapPte(n, proc);
          return 'done';
        },
        kernel: 'mm/memory.c: zap_pte_range',
        doc: 'munmap: mmap_write_lock, unmap_vmas -> zap_pte_range, VMA removed',
      },
    },
  });
}

export function addChildExit(m: MmModel, sc: Scenario): void {
  m.thread('childExit', {
    actor: 'child',
    doc: 'the child exits; references it handed to others (a pipe) stay alive',
    at: (s) => s.user[CHILD].exit,
    steps: {
      exit: {
        guard: (s) => s.forked && s.mm[CHILD].live && !s.mm[CHILD].mmapW && s.mm[CHILD].mmapR === 0,
        apply: (_s, n) => {
          invalidatePins(sc, n, CHILD);
          zapPte(n, CHILD);
          n.mm[CHILD].live = false;
          return 'done';
        },
        kernel: 'mm/mmap.c: exit_mmap',
        doc: 'do_exit -> mmput -> exit_mmap -> unmap_vmas',
      },
    },
  });
}
