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

/** Enough for the scenarios' one mapping per mm plus two GUP holders. */
export const MAX_REF = 5;

export const FORK_STEPS = ['lock', 'seqBegin', 'dup', 'copy', 'seqEnd', 'unlock'] as const;
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
] as const;
export const WRITE_STEPS = ['access', 'store'] as const;

export function pageNames(n: number): string[] {
  return ['A', 'B', 'C', 'D', 'E'].slice(0, n);
}

export function mmSchema(Page: Domain, Holder: Domain) {
  return record({
    page: array(
      record({
        free: bool(),
        ref: int(-1, MAX_REF),
        map: int(-1, 2),
        pins: int(-1, 2),
        excl: bool(),
        data: Content,
      }),
      Page,
    ),
    /** The PTE of the one modelled VA, per mm; w is the hardware write bit. */
    pte: array(record({ page: optional(ref(Page)), w: bool() }), Proc),
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
        mmapR: int(0, 2),
      }),
      Proc,
    ),
    /** fork() has returned in the parent. */
    forked: bool(),
    /** An allocation found no free page: the scenario's page bound is too small. */
    oom: bool(),
    fork: thread(FORK_STEPS, {
      /** copy_present_pte has run for the VA (the child's snapshot is taken). */
      copied: bool(),
    }),
    user: array(
      record({
        write: thread(WRITE_STEPS),
        unmap: thread(['zap']),
        exit: thread(['exit']),
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
      }),
      Holder,
    ),
  });
}

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

/** Removes mm m's PTE and its rmap and reference (zap_present_ptes). */
export function zapPte(n: MmState, m: number): void {
  const p = n.pte[m].page;
  if (p === null) return;
  n.pte[m].page = null;
  n.pte[m].w = false;
  n.page[p].map = n.page[p].map - 1;
  putRef(n, p);
}
