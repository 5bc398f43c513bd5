// The THP x fork x GUP x COW model: fork (copy_huge_pmd, and
// copy_present_pte per subpage once the PMD is split), one GUP holder
// (slow GUP through follow_trans_huge_pmd or follow_page_pte, or gup_fast
// through the huge PMD or the PTE), the write/unshare fault at the PMD level
// (do_huge_pmd_wp_page: reuse, or split and fall back to the PTE level) and
// at the PTE level (do_wp_page), munmap and exit. A step is what the kernel
// does under one PMD lock or PTL hold; mmap_lock is state.
// Left out (docs/thp-model.md): notifiers (no secondary MMU here),
// write_protect_seq (gup_fast simply falls back while fork runs, which is
// what the seqcount achieves from v5.11), swap, khugepaged.

import { model, type Model } from '../../../src/index.ts';
import {
  CHILD,
  PARENT,
  SUBPAGES,
  cowSchema,
  holderDomain,
  folioOf,
  freeSmall,
  pageAt,
  putPage,
  type CowSchema,
  type CowState,
  type ROCow,
} from './cow-state.ts';

export type CowModel = Model<CowSchema>;

/** A kernel era's THP COW and GUP rules. */
export interface ThpKernel {
  /**
   * do_huge_pmd_wp_page's reuse test: 'mapcount' = reuse_swap_page ->
   * page_trans_huge_mapcount == 1 (v5.8-v5.17), 'refcount' = page_count == 1
   * (v5.18, COW fixes part 1), 'anonExclusive' = PageAnonExclusive, else
   * page_count == 1 (v5.19).
   */
  readonly pmdReuse: 'mapcount' | 'refcount' | 'anonExclusive';
  /**
   * do_wp_page: reuse_swap_page's mapcount (before v5.9), page_count == 1
   * (v5.9+, 09854ba94c6a), or AnonExclusive first (v5.19). For a THP
   * subpage page_count is the folio's and the mapcount that of
   * page_trans_huge_map_swapcount (largest subpage mapcount + entire).
   */
  readonly pteReuse: 'mapcount' | 'refcount' | 'anonExclusive';
  /** v5.19: a R/O FOLL_PIN of a possibly shared anon page unshares (gup_must_unshare). */
  readonly unshareRoPins: boolean;
  /**
   * v5.9: fork does not share a maybe-pinned exclusive page: copy_huge_pmd
   * splits (d042035eaf5f), copy_present_pte copies (70e806e4e645).
   */
  readonly earlyCowPinned: boolean;
  /** v5.8 (17839856fd58): GUP in a COW mapping acts as FOLL_WRITE, breaking COW. */
  readonly gupBreaksCow: boolean;
}

const v517 = {
  pmdReuse: 'mapcount',
  pteReuse: 'refcount',
  unshareRoPins: false,
  earlyCowPinned: true,
  gupBreaksCow: false,
} as const satisfies ThpKernel;

export const THP_KERNELS = {
  'v5.8': { ...v517, pteReuse: 'mapcount', earlyCowPinned: false, gupBreaksCow: true },
  'v5.17': v517,
  'v5.18': { ...v517, pmdReuse: 'refcount' },
  'v5.19': { ...v517, pmdReuse: 'anonExclusive', pteReuse: 'anonExclusive', unshareRoPins: true },
} as const satisfies Record<string, ThpKernel>;

export const THP_KERNEL_DOCS = {
  'v5.8': 'mapcount COW at both levels; GUP breaks COW (17839856fd58); fork shares pinned pages',
  'v5.17': 'v5.9-v5.17: PTE COW by page_count; THP COW by mapcount (reuse_swap_page)',
  'v5.18': 'COW fixes part 1: do_huge_pmd_wp_page reuses only if page_count == 1',
  'v5.19': 'COW fixes part 2: PG_anon_exclusive per subpage; R/O pins unshare',
} as const;

/** cow.c memory layouts of the THP before the test (the parent's range). */
export type Layout = 'pmd' | 'pte' | 'single' | 'partial';

export const LAYOUT_DOCS: Record<Layout, string> = {
  pmd: 'PMD-mapped THP',
  pte: 'PTE-mapped THP (PMD split by mprotect, all subpages mapped)',
  single: 'single PTE of a THP (the other subpage MADV_DONTNEEDed)',
  partial: 'partially shared THP (head subpage shared once, then the child exited)',
};

/** A GUP caller on VA 0 of its owner's range. */
export interface ThpHolder {
  readonly name: string;
  readonly owner: number;
  readonly pin: boolean;
  readonly write: boolean;
  readonly fast: boolean;
  /** 'before': before fork; 'afterFork'; 'afterChildExit'. */
  readonly start: 'before' | 'afterFork' | 'afterChildExit';
  readonly release: boolean;
}

/** A test program: which paths run and when (like a cow.c case). */
export interface CowCase {
  readonly layout: Layout;
  /** The VA 0 mapping is read-only (mprotect) but exclusive: cow.c cases 13/14. */
  readonly readOnly?: boolean;
  /** No fork at all (the page was never shared): cow.c cases 13/14. */
  readonly noFork?: boolean;
  /** The GUP callers, each on VA 0. */
  readonly holders?: readonly ThpHolder[];
  readonly parentWrite?: boolean;
  /** The parent's store starts only once the first GUP reference is held (the test's program order). */
  readonly writeAfterPin?: boolean;
  readonly childWrite?: boolean;
  readonly childUnmap?: boolean;
  readonly childExit?: boolean;
  /** The device writes through every held FOLL_WRITE reference. */
  readonly dma?: boolean;
}

function initial(c: CowCase): CowState {
  const L = c.layout;
  const page = [
    { free: false, ref: 1, pins: 0, map: 0, excl: true, data: 'old' as const },
    { free: false, ref: 0, pins: 0, map: 0, excl: true, data: 'old' as const },
    { free: true, ref: 0, pins: 0, map: 0, excl: false, data: 'zero' as const },
    { free: true, ref: 0, pins: 0, map: 0, excl: false, data: 'zero' as const },
    { free: true, ref: 0, pins: 0, map: 0, excl: false, data: 'zero' as const },
  ];
  const huge = L === 'pmd';
  if (!huge) {
    page[0].map = 1;
    page[1].map = L === 'single' ? 0 : 1;
    page[0].ref = L === 'single' ? 1 : 2;
  }
  if (L === 'partial') page[0].excl = false;
  const w0 = !c.readOnly && L !== 'partial';
  const pte = [
    { page: huge ? null : 0, w: !huge && w0 },
    { page: huge || L === 'single' ? null : 1, w: !huge },
  ];
  const mm = (live: boolean, pmd: 'none' | 'huge' | 'table') => ({
    live,
    pmd,
    pmdW: pmd === 'huge' && !c.readOnly,
    pte: live ? pte : [{ page: null, w: false }, { page: null, w: false }],
    mmapW: false,
    mmapR: 0,
    hasPinned: false,
  });
  const hs = c.holders ?? [];
  const gup = (hs.length > 0 ? hs : [undefined]).map((H) => ({
    pc: H ? (H.fast ? ('fastRead' as const) : ('slowLock' as const)) : ('done' as const),
    page: null,
    held: false,
    grabbed: false,
    preFork: false,
    mapValid: false,
  }));
  return {
    page,
    entire: huge ? 1 : 0,
    mm: [mm(true, huge ? 'huge' : 'table'), mm(false, 'none')],
    forked: !!c.noFork,
    oom: false,
    fork: { pc: c.noFork ? 'done' : 'lock', va: 0, copied: false },
    gup,
    user: [
      { write: { pc: c.parentWrite ? 'access' : 'done' }, unmap: { pc: 'done' }, exit: { pc: 'done' } },
      {
        write: { pc: c.childWrite ? 'access' : 'done' },
        unmap: { pc: c.childUnmap ? 'zap' : 'done' },
        exit: { pc: c.childExit ? 'exit' : 'done' },
      },
    ],
  };
}

// ---- the faults ----

/** __split_huge_pmd_locked for mm m: PTEs inherit the write bit, references move to PTEs. */
export function splitPmd(s: ROCow, n: CowState, m: number): void {
  if (s.mm[m].pmd !== 'huge') return;
  n.mm[m].pmd = 'table';
  n.mm[m].pmdW = false;
  n.entire = s.entire - 1;
  n.page[0].ref = s.page[0].ref + SUBPAGES - 1;
  for (let i = 0; i < SUBPAGES; i++) {
    n.mm[m].pte[i].page = i;
    n.mm[m].pte[i].w = s.mm[m].pmdW;
    n.page[i].map = s.page[i].map + 1;
  }
}

/** page_trans_huge_mapcount: the entire mapcount plus the largest subpage mapcount. */
function thpMapcount(s: ROCow): number {
  return s.entire + Math.max(s.page[0].map, s.page[1].map);
}

function pmdCanReuse(s: ROCow, k: ThpKernel): boolean {
  if (k.pmdReuse === 'mapcount') return thpMapcount(s) === 1;
  if (k.pmdReuse === 'refcount') return s.page[0].ref === 1;
  return s.page[0].excl || s.page[0].ref === 1;
}

/**
 * do_huge_pmd_wp_page for mm m (write, or unshare): reuse the THP in place,
 * or __split_huge_pmd and VM_FAULT_FALLBACK (since 3917c80280c9, v5.8, THP
 * COW never copies a whole THP): the fault is retried at the PTE level.
 * Returns true if it split.
 */
export function hugeWpFault(s: ROCow, n: CowState, m: number, unshare: boolean, k: ThpKernel): boolean {
  if (pmdCanReuse(s, k)) {
    for (let i = 0; i < SUBPAGES; i++) n.page[i].excl = true;
    if (!unshare) n.mm[m].pmdW = true;
    return false;
  }
  splitPmd(s, n, m);
  return true;
}

/** do_wp_page for mm m at VA va (write or unshare), a copy goes to small page q. */
export function pteWpFault(s: ROCow, n: CowState, m: number, va: number, unshare: boolean, k: ThpKernel, q: number): void {
  const p = s.mm[m].pte[va].page;
  if (p === null) return;
  const f = folioOf(p);
  const mapcount = p < SUBPAGES ? thpMapcount(s) : s.page[p].map;
  const reuse =
    k.pteReuse === 'mapcount' ? mapcount === 1 : (k.pteReuse === 'anonExclusive' && s.page[p].excl) || s.page[f].ref === 1;
  if (reuse) {
    n.page[p].excl = true;
    if (!unshare) n.mm[m].pte[va].w = true;
    return;
  }
  if (q < 0) {
    n.oom = true;
    return;
  }
  n.page[q] = { free: false, ref: 1, pins: 0, map: 1, excl: true, data: s.page[p].data };
  n.mm[m].pte[va].page = q;
  n.mm[m].pte[va].w = !unshare;
  n.page[p].map = s.page[p].map - 1;
  putPage(n, p);
}

/** Removes mm m's mappings of the range (zap_huge_pmd / zap_pte_range). */
export function zapRange(s: ROCow, n: CowState, m: number): void {
  if (s.mm[m].pmd === 'huge') {
    n.entire = s.entire - 1;
    putPage(n, 0);
  }
  for (let i = 0; i < SUBPAGES; i++) {
    const p = s.mm[m].pte[i].page;
    if (s.mm[m].pmd === 'table' && p !== null) {
      n.page[p].map = n.page[p].map - 1;
      putPage(n, p);
    }
    n.mm[m].pte[i].page = null;
    n.mm[m].pte[i].w = false;
  }
  n.mm[m].pmd = 'none';
  n.mm[m].pmdW = false;
}

// ---- the model ----

const exited = (s: ROCow, m: number) => s.forked && !s.mm[m].live;

export function cowModel(k: ThpKernel, c: CowCase): CowModel {
  const hs = c.holders ?? [];
  const m = model(cowSchema(holderDomain(hs.map((h) => h.name))));
  m.init(initial(c));
  if (!c.noFork) addFork(m, k);
  for (let h = 0; h < hs.length; h++) addHolder(m, k, hs[h]!, h);
  if (c.parentWrite) addWrite(m, k, PARENT, !!c.writeAfterPin);
  if (c.childWrite) addWrite(m, k, CHILD, false);
  if (c.childUnmap) addZap(m, 'unmap', c);
  if (c.childExit) addZap(m, 'exit', c);
  for (let h = 0; h < hs.length; h++) {
    if (!c.dma || !hs[h]!.write) continue;
    m.action(`${hs[h]!.name}Dma`, {
      actor: 'device',
      guard: (s) => {
        const g = s.gup[h];
        return g.held && g.page !== null && s.page[g.page].data !== 'dma';
      },
      apply: (s, n) => {
        const p = s.gup[h].page;
        if (p !== null) n.page[p].data = 'dma';
      },
      kernel: '(device DMA through the pin)',
    });
  }
  return m;
}

function addFork(m: CowModel, k: ThpKernel): void {
  m.thread('fork', {
    actor: 'fork',
    doc: 'fork(): dup_mmap -> copy_page_range for the THP range',
    at: (s) => s.fork,
    steps: {
      lock: {
        guard: (s) => !s.mm[PARENT].mmapW && s.mm[PARENT].mmapR === 0,
        apply: (s, n) => {
          n.mm[PARENT].mmapW = true;
          return s.mm[PARENT].pmd === 'huge' ? 'copyPmd' : 'copyPte';
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_lock(parent)',
      },
      copyPmd: {
        apply: (s, n) => {
          const pinned = k.earlyCowPinned && s.mm[PARENT].hasPinned && s.page[0].pins > 0;
          if (pinned && s.page[0].excl) return 'forkSplit'; // folio_try_dup_anon_rmap_pmd: -EBUSY
          n.page[0].ref = s.page[0].ref + 1;
          n.entire = s.entire + 1;
          for (let i = 0; i < SUBPAGES; i++) n.page[i].excl = false;
          n.mm[PARENT].pmdW = false;
          n.mm[CHILD].pmd = 'huge';
          n.mm[CHILD].pmdW = false;
          n.fork.copied = true;
          return 'unlock';
        },
        kernel: 'mm/huge_memory.c: copy_huge_pmd',
        doc: 'both PMD locks: folio_try_dup_anon_rmap_pmd (maybe pinned: EBUSY), wrprotect, child PMD R/O',
      },
      forkSplit: {
        apply: (s, n) => {
          splitPmd(s, n, PARENT);
          return 'copyPte';
        },
        kernel: 'mm/huge_memory.c: __split_huge_pmd',
        doc: 'd042035eaf5f: locks dropped, split the parent PMD, -EAGAIN: copy the PTEs',
      },
      copyPte: {
        apply: (s, n) => {
          const va = s.fork.va;
          const p = s.mm[PARENT].pte[va].page;
          const q = freeSmall(s);
          n.mm[CHILD].pmd = 'table';
          if (p !== null) {
            const f = folioOf(p);
            const early = k.earlyCowPinned && s.mm[PARENT].hasPinned && s.page[f].pins > 0 && s.page[p].excl;
            if (early) {
              // copy_present_page: the child gets an exclusive copy; the parent PTE is untouched
              if (q < 0) n.oom = true;
              else {
                n.page[q] = { free: false, ref: 1, pins: 0, map: 1, excl: true, data: s.page[p].data };
                n.mm[CHILD].pte[va].page = q;
                n.mm[CHILD].pte[va].w = true;
              }
            } else {
              n.page[f].ref = s.page[f].ref + 1;
              n.page[p].map = s.page[p].map + 1;
              n.page[p].excl = false;
              n.mm[PARENT].pte[va].w = false;
              n.mm[CHILD].pte[va].page = p;
              n.mm[CHILD].pte[va].w = false;
            }
          }
          if (va + 1 < SUBPAGES) {
            n.fork.va = va + 1;
            return 'copyPte';
          }
          n.fork.copied = true;
          return 'unlock';
        },
        kernel: 'mm/memory.c: copy_present_pte',
        doc: 'PTL: folio_try_dup_anon_rmap_pte or copy_present_page (maybe-pinned, exclusive), wrprotect',
      },
      unlock: {
        apply: (_s, n) => {
          n.mm[PARENT].mmapW = false;
          n.mm[CHILD].live = true;
          n.forked = true;
          return 'done';
        },
        kernel: 'kernel/fork.c: dup_mmap',
        doc: 'mmap_write_unlock; fork returns, the child runs',
      },
    },
  });
}

function addHolder(m: CowModel, k: ThpKernel, H: ThpHolder, h: number): void {
  const o = H.owner;
  const ready = (s: ROCow) =>
    H.start === 'before' ? true : H.start === 'afterFork' ? s.forked : exited(s, CHILD);
  // should_force_cow_break (v5.8): FOLL_GET/FOLL_PIN in a COW mapping act as FOLL_WRITE
  const write = H.write || k.gupBreaksCow;
  const mustUnshare = (s: ROCow, p: number, w: boolean) =>
    k.unshareRoPins && H.pin && !write && !w && !s.page[p].excl;
  const grab = (s: ROCow, n: CowState, p: number) => {
    const f = folioOf(p);
    n.page[f].ref = s.page[f].ref + 1;
    if (H.pin) n.page[f].pins = s.page[f].pins + 1;
  };
  const succeed = (s: ROCow, n: CowState, p: number) => {
    n.gup[h].page = p;
    n.gup[h].held = true;
    n.gup[h].grabbed = false;
    n.gup[h].preFork = !s.fork.copied;
    n.gup[h].mapValid = true;
  };
  const afterHeld = H.release ? ('unpin' as const) : ('done' as const);
  /** The mapping at VA 0 as GUP sees it: the page and its write bit. */
  const lookup = (s: ROCow) => {
    const x = s.mm[o];
    const p = pageAt(s, o, 0);
    const w = x.pmd === 'huge' ? x.pmdW : x.pte[0].w;
    return { p, w };
  };
  m.thread(H.name, {
    actor: H.name,
    doc: `${H.pin ? 'FOLL_PIN' : 'FOLL_GET'}${H.write ? '|FOLL_WRITE' : ''} on VA 0 of the ${o === PARENT ? 'parent' : 'child'}`,
    at: (s) => s.gup[h],
    steps: {
      fastRead: {
        guard: (s) => ready(s) && (s.mm[o].live || exited(s, o)),
        apply: (s, n) => {
          if (exited(s, o)) return 'done';
          // write_protect_seq (v5.11): a FOLL_PIN gup_fast gives up while fork runs.
          if (H.pin) n.mm[o].hasPinned = true;
          const forking = H.pin && s.fork.pc !== 'lock' && s.fork.pc !== 'done';
          const { p, w } = lookup(s);
          if (forking || p === null || (write && !w) || mustUnshare(s, p, w)) return 'slowLock';
          grab(s, n, p);
          n.gup[h].page = p;
          n.gup[h].grabbed = true;
          return 'fastGrab';
        },
        kernel: 'mm/gup.c: gup_fast_pmd_leaf / gup_fast_pte_range',
        doc: 'lockless PMD/PTE read, permission and unshare tests, try_grab_folio_fast',
      },
      fastGrab: {
        apply: (s, n) => {
          const g = s.gup[h].page;
          const { p, w } = lookup(s);
          if (g === null) return 'slowLock';
          if (p !== g || (write && !w) || mustUnshare(s, g, w)) {
            const f = folioOf(g);
            if (H.pin) n.page[f].pins = s.page[f].pins - 1;
            putPage(n, g);
            n.gup[h].page = null;
            n.gup[h].grabbed = false;
            return 'slowLock';
          }
          succeed(s, n, g);
          return afterHeld;
        },
        kernel: 'mm/gup.c: gup_fast_pmd_leaf / gup_fast_pte_range',
        doc: 'recheck the PMD/PTE after the grab (and gup_must_unshare); undo and fall back if it changed',
      },
      slowLock: {
        guard: (s) => ready(s) && !s.mm[o].mmapW && (s.mm[o].live || exited(s, o)),
        apply: (s, n) => {
          if (exited(s, o)) return 'done';
          n.mm[o].mmapR = s.mm[o].mmapR + 1;
          if (H.pin) n.mm[o].hasPinned = true;
        },
        kernel: 'mm/gup.c: __get_user_pages_locked',
        doc: 'mmap_read_lock; MMF_HAS_PINNED for FOLL_PIN',
      },
      follow: {
        apply: (s, n) => {
          const { p, w } = lookup(s);
          if (p === null) return 'slowUnlock';
          if ((write && !w) || mustUnshare(s, p, w)) return 'fault';
          grab(s, n, p);
          succeed(s, n, p);
          return 'slowUnlock';
        },
        kernel: 'mm/gup.c: follow_trans_huge_pmd / follow_page_pte',
        doc: 'under the PMD lock or PTL: can_follow_write, gup_must_unshare, try_grab_folio',
      },
      fault: {
        apply: (s, n) => {
          const unshare = !write;
          if (s.mm[o].pmd === 'huge') {
            if (hugeWpFault(s, n, o, unshare, k)) return 'fault';
            return 'follow';
          }
          pteWpFault(s, n, o, 0, unshare, k, freeSmall(s));
          return 'follow';
        },
        kernel: 'mm/huge_memory.c: do_huge_pmd_wp_page / mm/memory.c: do_wp_page',
        doc: 'faultin_page: FAULT_FLAG_WRITE or _UNSHARE; a THP that cannot be reused is split first',
      },
      slowUnlock: {
        apply: (s, n) => {
          n.mm[o].mmapR = s.mm[o].mmapR - 1;
          return s.gup[h].held ? afterHeld : 'done';
        },
        kernel: 'mm/gup.c: __get_user_pages_locked',
        doc: 'mmap_read_unlock; the reference is returned',
      },
      unpin: {
        apply: (s, n) => {
          const g = s.gup[h].page;
          if (g !== null) {
            const f = folioOf(g);
            if (H.pin) n.page[f].pins = s.page[f].pins - 1;
            putPage(n, g);
          }
          n.gup[h].page = null;
          n.gup[h].held = false;
          n.gup[h].mapValid = false;
          return 'done';
        },
        kernel: H.pin ? 'mm/gup.c: unpin_user_page' : 'mm/swap.c: put_page',
      },
    },
  });
}

function addWrite(m: CowModel, k: ThpKernel, proc: number, afterPin: boolean): void {
  const who = proc === PARENT ? 'parent' : 'child';
  const data = proc === PARENT ? ('parent' as const) : ('child' as const);
  const writable = (s: ROCow) =>
    s.mm[proc].pmd === 'huge' ? s.mm[proc].pmdW : s.mm[proc].pmd === 'table' && s.mm[proc].pte[0].w;
  m.thread(`${who}Write`, {
    actor: who,
    doc: `the ${who} stores to VA 0 once, after fork returned`,
    at: (s) => s.user[proc].write,
    steps: {
      access: {
        guard: (s) =>
          s.forked &&
          (!afterPin || s.gup[0].held) &&
          (exited(s, proc) || (s.mm[proc].live && (writable(s) || !s.mm[proc].mmapW))),
        apply: (s, n) => {
          const q = freeSmall(s);
          if (exited(s, proc)) return 'done';
          const p = pageAt(s, proc, 0);
          if (p === null) return 'done'; // SIGSEGV: the range is gone
          if (writable(s)) {
            n.page[p].data = data;
            return 'done';
          }
          if (s.mm[proc].pmd === 'huge') {
            if (hugeWpFault(s, n, proc, false, k)) return 'access';
            return 'store';
          }
          pteWpFault(s, n, proc, 0, false, k, q);
          return 'store';
        },
        kernel: 'mm/huge_memory.c: do_huge_pmd_wp_page / mm/memory.c: do_wp_page',
        doc: 'a store; to a R/O PMD or PTE it faults first (a split THP faults again at the PTE level)',
      },
      store: {
        apply: (s, n) => {
          const p = pageAt(s, proc, 0);
          if (p === null) return 'done';
          if (!writable(s)) return 'access';
          n.page[p].data = data;
          return 'done';
        },
        kernel: '(user store after the fault)',
      },
    },
  });
}

function addZap(m: CowModel, how: 'unmap' | 'exit', c: CowCase): void {
  const guard = (s: ROCow) => s.forked && s.mm[CHILD].live && !s.mm[CHILD].mmapW && s.mm[CHILD].mmapR === 0;
  const apply = (s: ROCow, n: CowState) => {
    // P3/P4 stop applying to the child's own references once it unmapped
    const hs = c.holders ?? [];
    for (let h = 0; h < hs.length; h++) if (hs[h]!.owner === CHILD) n.gup[h].mapValid = false;
    zapRange(s, n, CHILD);
    if (how === 'exit') n.mm[CHILD].live = false;
  };
  if (how === 'unmap') {
    m.thread('childUnmap', {
      actor: 'child',
      doc: 'the child munmaps the range',
      at: (s) => s.user[CHILD].unmap,
      steps: { zap: { guard, apply, kernel: 'mm/huge_memory.c: zap_huge_pmd / mm/memory.c: zap_pte_range' } },
    });
  } else {
    m.thread('childExit', {
      actor: 'child',
      doc: 'the child exits',
      at: (s) => s.user[CHILD].exit,
      steps: { exit: { guard, apply, kernel: 'mm/mmap.c: exit_mmap' } },
    });
  }
}
