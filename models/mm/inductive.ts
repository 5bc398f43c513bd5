// An inductive strengthening of reference accounting (P12) for the
// symbolic engine's induction: `--engine induction --invariant
// inductive-refcounts --ints unbounded` proves P12 for every value of the
// counters (ref, map, pins, mmapR as mathematical integers), where the
// explicit engine checks it only in the reachable states of the declared
// bounds. P12 alone is not inductive: a state with an odd program counter
// or lock count (which no run reaches) steps to wrong counts. The conjuncts
// below are the kernel facts that rule those states out; each is itself
// checked in every reachable state by the explicit engine (the property
// is registered like the others), so the invariant is not assumed, it is
// verified twice: by BFS within the bounds and by induction for all counts.
// See docs/kernel-induction.md.

import type { MmConfig } from './kernels.ts';
import { holderStart, ready, type MmModel } from './paths.ts';
import type { Scenario } from './scenario.ts';
import { deviceExclusive, exclusiveNotInherited, gupPins, gupRefs, pathRefs, pinnedIsExclusive, ptesMapping } from './properties.ts';
import { CHILD, MAX_TRIES, PARENT, SEQ_MAX, faultLabels, type ROState } from './state.ts';

export const INDUCTIVE_REFCOUNTS = 'inductive-refcounts';
export const INDUCTIVE_PIN_EXCLUSIVE = 'inductive-pin-exclusive';
export const INDUCTIVE_DEVICE_EXCLUSIVE = 'inductive-device-exclusive';

/**
 * The labels of the in-fault sub-path (fault.ts) under prefix p, spelt out
 * once per prefix. The predicates below compare program counters with them
 * in every state the explicit engine finds; building the eleven strings
 * (and an array) anew at every comparison was most of the time the engine
 * spent on the kernel specs. A table of constants, not a cache: it does not
 * depend on any state, and the symbolic engine reads it as it reads any
 * other constant of a model module.
 */
interface FaultPcs {
  readonly all: readonly string[];
  readonly copy: string;
  readonly start: string;
  readonly inv: string;
  readonly relock: string;
  readonly end: string;
  readonly xLock: string;
  readonly xStart: string;
  readonly xInv: string;
  readonly xRestore: string;
  readonly xUnlock: string;
  readonly xEnd: string;
  /** faultBrackets' label sets: the COW bracket and the restore bracket, entered and past the callback. */
  readonly cowInside: readonly string[];
  readonly cowPost: readonly string[];
  readonly xInside: readonly string[];
  readonly xPost: readonly string[];
}

function spellFaultPcs(p: string): FaultPcs {
  return {
    all: faultLabels(p),
    copy: `${p}Copy`,
    start: `${p}Start`,
    inv: `${p}Inv`,
    relock: `${p}Relock`,
    end: `${p}End`,
    xLock: `${p}XLock`,
    xStart: `${p}XStart`,
    xInv: `${p}XInv`,
    xRestore: `${p}XRestore`,
    xUnlock: `${p}XUnlock`,
    xEnd: `${p}XEnd`,
    cowInside: [`${p}Inv`, `${p}Relock`, `${p}End`],
    cowPost: [`${p}Relock`, `${p}End`],
    xInside: [`${p}XInv`, `${p}XRestore`, `${p}XUnlock`, `${p}XEnd`],
    xPost: [`${p}XRestore`, `${p}XUnlock`, `${p}XEnd`],
  };
}

/** The prefixes of state.ts: the user store's fault ('w'), slow GUP's ('f'), the driver's GUP's ('g'). */
const W_FAULT = spellFaultPcs('w');
const F_FAULT = spellFaultPcs('f');
const G_FAULT = spellFaultPcs('g');

/** A label of the in-fault sub-path L (fault.ts). */
function inFault(pc: string, L: FaultPcs): boolean {
  let found = false;
  for (const l of L.all) found = found || pc === l;
  return found;
}

/** Slow GUP steps that run with mmap_read_lock held (slowLock took it, slowUnlock drops it). */
function holdsMmapRead(pc: string): boolean {
  return pc === 'follow' || pc === 'fault' || pc === 'slowUnlock' || inFault(pc, F_FAULT);
}

/** A user store inside its fault (access took mmap_read_lock, store drops it). */
function writeHoldsMmapRead(pc: string): boolean {
  return pc === 'store' || inFault(pc, W_FAULT);
}

/** The driver between mmap_read_lock (mlock) and mmap_read_unlock (munlock). */
function driverHoldsMmapRead(pc: string): boolean {
  return (
    pc === 'gup' ||
    inFault(pc, G_FAULT) ||
    pc === 'flock' ||
    pc === 'xStart' ||
    pc === 'xInv' ||
    pc === 'install' ||
    pc === 'xEnd' ||
    pc === 'munlock'
  );
}

/**
 * fork's mmap_write_lock(parent): taken by dup_mmap's first step and held
 * until its last (copy_page_range runs inside it).
 */
function forkHoldsMmapWrite(pc: string): boolean {
  return (
    pc === 'mnStart' ||
    pc === 'mnInv' ||
    pc === 'seqBegin' ||
    pc === 'wp' ||
    pc === 'dup' ||
    pc === 'copy' ||
    pc === 'seqEnd' ||
    pc === 'mnEnd' ||
    pc === 'unlock'
  );
}

/** munmap and mprotect hold mmap_lock for write between their first and last step. */
function userHoldsMmapWrite(s: ROState, m: number): boolean {
  const z = s.user[m].unmap.pc;
  const p = s.user[m].mprotect.pc;
  return z === 'zStart' || z === 'zInv' || z === 'zClear' || z === 'zEnd' || p === 'mpStart' || p === 'mpInv' || p === 'mpChange' || p === 'mpEnd';
}

/** The number of threads holding mm m's mmap_lock for write (an rwsem: at most one). */
function mmapWriters(s: ROState, m: number): number {
  const z = s.user[m].unmap.pc;
  const p = s.user[m].mprotect.pc;
  const unmap = z === 'zStart' || z === 'zInv' || z === 'zClear' || z === 'zEnd';
  const mprot = p === 'mpStart' || p === 'mpInv' || p === 'mpChange' || p === 'mpEnd';
  return (m === PARENT && forkHoldsMmapWrite(s.fork.pc) ? 1 : 0) + (unmap ? 1 : 0) + (mprot ? 1 : 0);
}

/**
 * The in-fault locals (fault.ts) agree with the thread's place in the
 * fault: wp_page_copy holds old_folio from do_wp_page to its end, and its
 * new folio, not yet mapped, from the copy to the PTE switch (then the old
 * folio's mapping reference); remove_device_exclusive_entry holds its
 * folio_try_get reference and, from the lock to the unlock, the folio lock.
 */
function faultLocalsAgree(s: ROState, sc: Scenario, pc: string, L: FaultPcs, old: number | null, nw: number | null): boolean {
  const copying = pc === L.start || pc === L.inv || pc === L.relock;
  const restoring = pc === L.xLock || pc === L.xStart || pc === L.xInv || pc === L.xRestore || pc === L.xUnlock;
  const locked = pc === L.xStart || pc === L.xInv || pc === L.xRestore || pc === L.xUnlock;
  let ok = true;
  ok = ok && (inFault(pc, L) && pc !== L.xEnd ? old !== null : old === null);
  ok = ok && (copying || pc === L.end ? nw !== null : nw === null);
  ok = ok && !(copying && (old === nw || (nw !== null && ptesMapping(s, nw) > 0)));
  ok = ok && !(restoring && nw !== null);
  ok = ok && !(locked && old !== null && !s.page[old].lock);
  // wp_page_copy's new folio, until the PTE switch, is the copier's alone:
  // allocated AnonExclusive with refcount 1 and reachable through no PTE,
  // so nothing else references it but a gup_fast caller whose stale PTE
  // snapshot named the page before it was freed and reallocated: its
  // speculative try_grab_folio_fast succeeds, and the PTE recheck (pc
  // fastRecheck) will undo it, since no PTE maps the folio yet.
  let spec = 0;
  for (let h = 0; h < sc.holders.length; h++) {
    spec = spec + (s.gup[h].grabbed && s.gup[h].pc === 'fastRecheck' && s.gup[h].page === nw ? 1 : 0);
  }
  ok = ok && !(copying && nw !== null && !(s.page[nw].ref === 1 + spec && s.page[nw].excl && !s.page[nw].free));
  return ok;
}

/**
 * Only the steps a thread's design and scenario have run: without a
 * notifier subscription in the faulting mm (mm_has_notifiers) the
 * range_start/callback/range_end steps are skipped, and without a driver no
 * device-exclusive entry exists, so no fault takes the
 * remove_device_exclusive_entry path.
 */
function faultStepsExist(pc: string, L: FaultPcs, nfy: boolean, driver: boolean): boolean {
  const mn = pc === L.start || pc === L.inv || pc === L.xStart || pc === L.xInv || pc === L.xEnd;
  const dx = pc === L.xLock || pc === L.xStart || pc === L.xInv || pc === L.xRestore || pc === L.xUnlock || pc === L.xEnd;
  return !(mn && !nfy) && !(dx && !driver);
}

/** 1 for the page fork has counted for the child's PTE but not yet installed (between dup and copy). */
function forkPending(s: ROState, p: number): number {
  return s.fork.pc === 'copy' && s.pte[PARENT].page === p ? 1 : 0;
}

/**
 * Program counters, locks and counters agree with what the kernel paths
 * have done so far:
 *
 * 1. fork: fork() has returned iff dup_mmap finished (`forked` iff pc done);
 *    the parent's mmap_lock is held for write exactly while dup_mmap runs,
 *    the child's never (no path write-locks it); the child runs only after
 *    fork returned; before copy_present_pte installed the child PTE
 *    (pc lock, seqBegin, dup, copy) the child has no PTE and fork has not
 *    copied the VA; at `copy` the parent still maps a page (the one dup
 *    counted for the child).
 * 2. mmap_lock readers: mm[m].mmapR is the number of slow-GUP callers on
 *    mm m between mmap_read_lock and mmap_read_unlock, and there are none
 *    while fork holds it for write (an rwsem excludes readers and writer).
 * 3. GUP callers: a reference is either grabbed (gup_fast, may still be
 *    undone) or held (returned to the caller), never both, and names a page.
 *    Before the grab (fastBegin .. fastPte, slowLock, follow, fault) a caller
 *    holds nothing and has no page snapshot; at fastGrab it holds nothing;
 *    between try_grab_folio_fast and the rechecks (fastRecheck,
 *    fastSeqCheck) its grab is counted in the page; after the slow path
 *    (slowUnlock, unpin, done) nothing is grabbed; at unpin the reference
 *    is held. A caller the test program starts after fork (or after the
 *    child's exit) is at its first step until then.
 * 4. Per page: mapcount = PTEs mapping it, plus 1 for the PTE fork has
 *    counted at `dup` but installs only at `copy` (folio_try_dup_anon_rmap_pte
 *    before set_pte_at, both under the PTL); refcount = that plus every held
 *    or grabbed GUP reference; pins = the held or grabbed FOLL_PIN ones
 *    (GUP_PIN_COUNTING_BIAS); the page is free iff its refcount is 0.
 *    This is P12 without its exemption while fork holds the PTL.
 */
export function inductiveRefcounts(s: ROState, sc: Scenario): boolean {
  const fpc = s.fork.pc;
  const beforeCopy =
    fpc === 'lock' || fpc === 'mnStart' || fpc === 'mnInv' || fpc === 'seqBegin' || fpc === 'wp' || fpc === 'dup' || fpc === 'copy';
  let ok =
    s.forked === (fpc === 'done' && !sc.noFork) &&
    s.mm[PARENT].mmapW === (forkHoldsMmapWrite(fpc) || userHoldsMmapWrite(s, PARENT)) &&
    s.mm[CHILD].mmapW === userHoldsMmapWrite(s, CHILD) &&
    mmapWriters(s, PARENT) <= 1 &&
    mmapWriters(s, CHILD) <= 1 &&
    s.mm[PARENT].live &&
    (!s.mm[CHILD].live || s.forked) &&
    (!beforeCopy || (s.pte[CHILD].page === null && !s.fork.copied)) &&
    (fpc !== 'copy' || s.pte[PARENT].page !== null);

  for (let m = 0; m < s.mm.length; m++) {
    let readers = 0;
    for (let h = 0; h < sc.holders.length; h++) {
      readers = readers + (sc.holders[h].owner === m && holdsMmapRead(s.gup[h].pc) ? 1 : 0);
    }
    readers = readers + (writeHoldsMmapRead(s.user[m].write.pc) ? 1 : 0);
    readers = readers + (m === PARENT && driverHoldsMmapRead(s.drv.pc) ? 1 : 0);
    ok = ok && s.mm[m].mmapR === readers && !(s.mm[m].mmapW && readers > 0);
    const w = s.user[m].write;
    ok = ok && faultLocalsAgree(s, sc, w.pc, W_FAULT, w.old, w.new);
  }
  ok = ok && faultLocalsAgree(s, sc, s.drv.pc, G_FAULT, s.drv.old, s.drv.new);
  // The child's mm is used only while the child runs (fork fills in its
  // PTE before it returns): after exit, or a failed fork, which never
  // installed it, no PTE and no mmap_lock holder.
  ok =
    ok &&
    (s.mm[CHILD].live || (!s.mm[CHILD].mmapW && s.mm[CHILD].mmapR === 0 && (s.pte[CHILD].page === null || !s.forked))) &&
    (s.pte[CHILD].page === null || s.fork.copied);
  // A failed fork (try_restore_exclusive_pte's trylock failed at dup) copied
  // nothing, runs dup_mmap's tail, and the child never runs; it needs a
  // device-exclusive entry, so a driver.
  ok = ok && (!s.fork.failed || (!!sc.driver && !beforeCopy && !s.fork.copied && !s.mm[CHILD].live));
  // Notifier steps run only where mm_has_notifiers: the parent's mm with a driver.
  const nfy = !!sc.driver;
  ok = ok && (nfy || !(fpc === 'mnStart' || fpc === 'mnInv' || fpc === 'mnEnd'));
  for (let m = 0; m < s.mm.length; m++) {
    const nm = nfy && m === PARENT;
    const z = s.user[m].unmap.pc;
    const mp = s.user[m].mprotect.pc;
    ok =
      ok &&
      (nm || !(z === 'zStart' || z === 'zInv' || z === 'zClear' || z === 'zEnd')) &&
      (nm || !(mp === 'mpStart' || mp === 'mpInv' || mp === 'mpEnd')) &&
      faultStepsExist(s.user[m].write.pc, W_FAULT, nm, nfy);
  }
  ok = ok && faultStepsExist(s.drv.pc, G_FAULT, nfy, nfy);
  // Without a driver nothing device-exclusive or notifier-related ever happens.
  if (!sc.driver) {
    ok = ok && s.drv.pc === 'done' && s.drv.page === null && s.drv.leaked === null && s.dev.page === null && s.mn.active === 0;
    for (let p = 0; p < s.page.length; p++) ok = ok && !s.page[p].lock;
    for (let m = 0; m < s.pte.length; m++) ok = ok && !s.pte[m].dx;
  }

  for (let h = 0; h < sc.holders.length; h++) {
    const g = s.gup[h];
    const pc = g.pc;
    ok = ok && faultLocalsAgree(s, sc, pc, F_FAULT, g.old, g.new) && faultStepsExist(pc, F_FAULT, nfy && sc.holders[h].owner === PARENT, nfy);
    const before =
      pc === 'fastBegin' ||
      pc === 'fastSeq' ||
      pc === 'fastPte' ||
      pc === 'slowLock' ||
      pc === 'follow' ||
      pc === 'fault' ||
      inFault(pc, F_FAULT);
    const grabbing = pc === 'fastRecheck' || pc === 'fastSeqCheck';
    ok =
      ok &&
      !(g.held && g.grabbed) &&
      (!(g.held || g.grabbed) || g.page !== null) &&
      (!before || (!g.held && !g.grabbed && g.page === null)) &&
      (pc !== 'fastGrab' || (!g.held && !g.grabbed)) &&
      (!grabbing || g.grabbed) &&
      (grabbing || !g.grabbed) &&
      (pc !== 'unpin' || g.held) &&
      (ready(s, sc.holders[h].start) || pc === holderStart(sc.holders[h]));
  }

  for (let p = 0; p < s.page.length; p++) {
    const pg = s.page[p];
    const maps = forkPending(s, p) + ptesMapping(s, p);
    ok =
      ok &&
      pg.map === maps &&
      pg.ref === maps + gupRefs(s, sc, p) + pathRefs(s, sc, p) &&
      pg.pins === gupPins(s, sc, p) &&
      pg.free === (pg.ref === 0);
  }
  return ok;
}

/**
 * The strengthening of P6 (pinned => AnonExclusive, I3): inductive-refcounts
 * and
 *
 * 5. P6 itself: a page with a returned FOLL_PIN is AnonExclusive;
 * 6. I1 (P7 without the mapcount): a writable PTE maps an AnonExclusive page
 *    mapped once, except while fork holds the PTL between
 *    folio_try_dup_anon_rmap_pte (which cleared the flag and counted the
 *    child's mapping) and write-protecting the parent PTE (pc copy). This is
 *    why slow GUP's FOLL_WRITE pin, taken only through a writable PTE
 *    (can_follow_write_pte), and a R/O pin, taken only of an exclusive page
 *    (gup_must_unshare), pin exclusive pages;
 * 7. an AnonExclusive page has at most one mapping: fork clears the flag
 *    (folio_try_dup_anon_rmap_pte) before it counts a second one, and reuse
 *    sets it only for a page mapped once;
 * 8. MMF_HAS_PINNED is set in the owner's mm while one of its pages is
 *    pinned (held or grabbed), and already from the FOLL_PIN caller's first
 *    step after mm_set_has_pinned_flag (gup_fast_fallback, or slow GUP's
 *    __get_user_pages_locked) on, so fork's page_needs_cow_for_dma sees
 *    every pin: folio_try_dup_anon_rmap_pte never clears the flag of a
 *    pinned page;
 * 9. only the design's own steps run: fork's seqBegin/seqEnd need
 *    write_protect_seq, and with MADV_DONTFORK fork skips from lock to
 *    unlock; gup_fast steps a *_fast caller; fastBegin a
 *    FOLL_PIN one; fastSeq/fastSeqCheck both and write_protect_seq; unpin a
 *    caller that releases;
 * 10. write_protect_seq (designs with it): 0 before fork's
 *    raw_write_seqcount_begin, 1 until its end (dup, copy, seqEnd), 2
 *    after; without it (or with MADV_DONTFORK, which skips the VMA) 0. A
 *    FOLL_PIN gup_fast caller's snapshot (taken at fastSeq, only when even)
 *    is even and not newer than the counter;
 * 11. a FOLL_WRITE gup_fast caller between the PTE read and the recheck
 *    saw a writable PTE (it falls back to the slow path otherwise);
 * 12. at fastSeqCheck, if write_protect_seq still equals the snapshot, the
 *    grabbed page is AnonExclusive: the recheck found it mapped writable
 *    (so exclusive, by 6, unless fork was between dup and copy, but then
 *    the counter is odd) or exclusive (gup_must_unshare), and only fork's
 *    dup clears the flag, inside the odd section. This is what
 *    57efa1fe5957 (v5.11) adds.
 *
 * It holds exactly where P6 does (the buggy designs violate it, with P6's
 * trace); docs/kernel-induction.md lists where it is inductive.
 */
export function inductivePinExclusive(s: ROState, sc: Scenario, k: MmConfig): boolean {
  return inductiveRefcounts(s, sc) && pinExclusiveBeyondRefcounts(s, sc, k);
}

/**
 * Conjuncts 5-12 of inductive-pin-exclusive: what it adds to
 * inductive-refcounts. The property is registered as strengthening
 * inductive-refcounts (addInductivePinExclusive), so the explicit engine
 * evaluates inductive-refcounts once per state for both.
 */
export function pinExclusiveBeyondRefcounts(s: ROState, sc: Scenario, k: MmConfig): boolean {
  let ok = pinnedIsExclusive(s, sc);
  const fpc = s.fork.pc;
  const odd = fpc === 'wp' || fpc === 'dup' || fpc === 'copy' || fpc === 'seqEnd';
  const seq = s.mm[PARENT].wpSeq;
  const started = odd || fpc === 'unlock' || fpc === 'done';
  const expectSeq = !k.wpSeq || !started || k.madvDontfork ? 0 : odd ? 1 : 2;
  ok =
    ok &&
    s.mm[CHILD].wpSeq === 0 &&
    seq === expectSeq &&
    (k.wpSeq || !(fpc === 'seqBegin' || fpc === 'seqEnd')) &&
    (k.wpBeforeDup || fpc !== 'wp') &&
    (!k.madvDontfork || !(odd || fpc === 'seqBegin'));
  for (let m = 0; m < s.pte.length; m++) {
    const p = s.pte[m].page;
    ok = ok && !(p !== null && s.pte[m].w && !(s.page[p].excl && s.page[p].map === 1) && fpc !== 'copy');
  }
  for (let p = 0; p < s.page.length; p++) {
    ok = ok && !(s.page[p].excl && s.page[p].map > 1);
  }
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    const pc = g.pc;
    const flagged =
      g.held ||
      g.grabbed ||
      pc === 'fastSeq' ||
      pc === 'fastPte' ||
      pc === 'fastGrab' ||
      pc === 'fastRecheck' ||
      pc === 'fastSeqCheck' ||
      holdsMmapRead(pc);
    ok = ok && !(H.pin && flagged && !s.mm[H.owner].hasPinned);
    const fastAfterSeq = pc === 'fastPte' || pc === 'fastGrab' || pc === 'fastRecheck' || pc === 'fastSeqCheck';
    const useSeq = k.wpSeq && H.pin && H.fast;
    const ownerSeq = s.mm[H.owner].wpSeq;
    const fastPc = pc === 'fastBegin' || pc === 'fastSeq' || fastAfterSeq;
    ok =
      ok &&
      (H.fast || !fastPc) &&
      (H.pin || pc !== 'fastBegin') &&
      (useSeq || !(pc === 'fastSeq' || pc === 'fastSeqCheck')) &&
      (H.release || pc !== 'unpin') &&
      (!useSeq || !fastAfterSeq || (g.seq % 2 === 0 && g.seq <= ownerSeq)) &&
      (!(H.write || k.gupBreaksCow) || !(pc === 'fastGrab' || pc === 'fastRecheck') || g.w) &&
      !(useSeq && pc === 'fastSeqCheck' && g.seq === ownerSeq && g.page !== null && !s.page[g.page].excl);
  }
  return ok;
}

/**
 * Registers inductive-pin-exclusive on m (specs expect it where they expect
 * P6): inductive-refcounts, registered before (addInductiveRefcounts), and
 * conjuncts 5-12.
 */
export function addInductivePinExclusive(m: MmModel, sc: Scenario, k: MmConfig): void {
  m.always(INDUCTIVE_PIN_EXCLUSIVE, (s) => pinExclusiveBeyondRefcounts(s, sc, k), {
    strengthens: [INDUCTIVE_REFCOUNTS],
    doc: 'inductive strengthening of P6: inductive-refcounts, P6, writable => exclusive, MMF_HAS_PINNED while pinned',
  });
}

/** Registers inductive-refcounts on m (an always property, checked like the others). */
export function addInductiveRefcounts(m: MmModel, sc: Scenario): void {
  m.always(INDUCTIVE_REFCOUNTS, (s) => inductiveRefcounts(s, sc), {
    doc: 'inductive strengthening of P12: fork/GUP program counters, mmap_lock and page counters agree',
  });
}

// ---- device-exclusive entries (P8, P9) on the v6.15 design ----

/** 1 if pc is one of the labels, else 0 (a count, in the modelling subset). */
function at(pc: string, labels: readonly string[]): number {
  let n = 0;
  for (const l of labels) n = n + (pc === l ? 1 : 0);
  return n;
}

/**
 * Where a thread of the parent's mm (the one with the driver's
 * subscription) stands in its invalidation brackets, by program counter:
 * `inside` counts the ranges it has started and not ended (range_start ran,
 * range_end not yet: the step at pc is the callback or later), `post`
 * those whose interval callback has run (the PTE change and range_end are
 * still to come). The brackets still to be opened are bracketsAhead's.
 */
interface Brackets {
  inside: number;
  post: number;
}

/** The fault sub-path L (fault.ts): the COW bracket and, where the restore notifies, the restore bracket. */
function faultBrackets(pc: string, L: FaultPcs, nfy: boolean, xnfy: boolean): Brackets {
  const cowIn = nfy ? at(pc, L.cowInside) : 0;
  const cowPost = nfy ? at(pc, L.cowPost) : 0;
  const xIn = xnfy ? at(pc, L.xInside) : 0;
  const xPost = xnfy ? at(pc, L.xPost) : 0;
  return { inside: cowIn + xIn, post: cowPost + xPost };
}

/** Every bracket of the parent's mm, summed over its threads. */
function parentBrackets(s: ROState, sc: Scenario, k: MmConfig): Brackets {
  const nfy = !!sc.driver;
  const xnfy = nfy && k.restoreNotifies;
  let inside = 0;
  let post = 0;
  if (nfy) {
    const fpc = s.fork.pc;
    inside = inside + at(fpc, ['mnInv', 'seqBegin', 'wp', 'dup', 'copy', 'seqEnd', 'mnEnd']);
    post = post + at(fpc, ['seqBegin', 'wp', 'dup', 'copy', 'seqEnd', 'mnEnd']);
    const z = s.user[PARENT].unmap.pc;
    inside = inside + at(z, ['zInv', 'zClear', 'zEnd']);
    post = post + at(z, ['zClear', 'zEnd']);
    const mp = s.user[PARENT].mprotect.pc;
    inside = inside + at(mp, ['mpInv', 'mpChange', 'mpEnd']);
    post = post + at(mp, ['mpChange', 'mpEnd']);
    const d = s.drv.pc;
    inside = inside + at(d, ['xInv', 'install', 'xEnd']);
    post = post + (k.ownerFilter ? 0 : at(d, ['install', 'xEnd']));
  }
  const w = faultBrackets(s.user[PARENT].write.pc, W_FAULT, nfy, xnfy);
  const g = faultBrackets(s.drv.pc, G_FAULT, nfy, xnfy);
  inside = inside + w.inside + g.inside;
  post = post + w.post + g.post;
  for (let h = 0; h < sc.holders.length; h++) {
    const f = faultBrackets(s.gup[h].pc, F_FAULT, nfy && sc.holders[h].owner === PARENT, xnfy && sc.holders[h].owner === PARENT);
    inside = inside + f.inside;
    post = post + f.post;
  }
  return { inside, post };
}

/** The driver after mmu_interval_read_begin (and its wait): its snapshot is in use. */
function driverAfterBegin(pc: string): boolean {
  return pc === 'mlock' || driverHoldsMmapRead(pc) || pc === 'lock' || pc === 'check' || pc === 'map' || pc === 'release';
}

/**
 * The driver's GUP will fault once more before its PTE is present and
 * writable (do_swap_page on the entry, or the COW fault): the PTE maps a
 * page but is device-exclusive or read-only, and VM_WRITE is set (without
 * it GUP fails with no fault).
 */
function gupNeedsFault(s: ROState): number {
  const e = s.pte[PARENT];
  return e.page !== null && s.mm[PARENT].vmaW && (e.dx || !e.w) ? 1 : 0;
}

/**
 * An upper bound on the invalidation brackets the driver will still open
 * (v6.15, one GUP fault per round at most): per round not yet begun 2 (a
 * fault and make_device_exclusive's own EXCLUSIVE range); in a round
 * before it holds mmap_lock 2; while it holds mmap_lock (nothing but
 * readers runs, and readers only make the PTE more writable) what the
 * PTE says: a fault if it needs one, then its own range.
 */
function driverBracketsAhead(s: ROState): number {
  const pc = s.drv.pc;
  const rounds = s.drv.tries < MAX_TRIES ? MAX_TRIES - s.drv.tries : 0;
  if (pc === 'done') return 0;
  if (pc === 'begin') return 2 * rounds;
  let cur = 0;
  if (pc === 'wait' || pc === 'mlock') cur = 2;
  if (pc === 'gup') cur = gupNeedsFault(s) + 1;
  // In its fault: after it the PTE is writable (the COW's new page; the
  // restored entry of an exclusive page), unless it changed first (then
  // GUP may need another fault). Before the fault's range_start: that
  // bracket too.
  const e = s.pte[PARENT];
  const old = s.drv.old;
  const cowWillFix = e.page === old && !e.dx && !e.w;
  const restoreWillFix = e.page === old && e.dx;
  if (pc === 'gCopy' || pc === 'gStart') cur = 2 + (cowWillFix ? 0 : gupNeedsFault(s));
  if (pc === 'gXLock' || pc === 'gXStart') cur = 2 + (restoreWillFix ? 0 : gupNeedsFault(s));
  if (pc === 'gInv' || pc === 'gRelock') cur = 1 + (cowWillFix ? 0 : gupNeedsFault(s));
  if (pc === 'gXInv' || pc === 'gXRestore') cur = 1 + (restoreWillFix ? 0 : gupNeedsFault(s));
  if (pc === 'gEnd' || pc === 'gXUnlock' || pc === 'gXEnd') cur = 1 + gupNeedsFault(s);
  if (pc === 'flock' || pc === 'xStart') cur = 1;
  return cur + 2 * (MAX_TRIES - s.drv.tries);
}

/** Entries the driver may still install: one per round not yet past `install`. */
function driverInstallsAhead(s: ROState): number {
  const pc = s.drv.pc;
  const rounds = s.drv.tries < MAX_TRIES ? MAX_TRIES - s.drv.tries : 0;
  if (pc === 'done') return 0;
  if (pc === 'begin') return rounds;
  const beforeInstall = pc === 'wait' || pc === 'mlock' || pc === 'gup' || inFault(pc, G_FAULT) || pc === 'flock' || pc === 'xStart' || pc === 'xInv' || pc === 'install';
  return (beforeInstall ? 1 : 0) + rounds;
}

/**
 * An upper bound on the brackets the parent's store will still open: what
 * the PTE needs now (a restore or a COW fault, one each pass of the store's
 * loop), and one more pass for every entry the driver may still install
 * between the fault and the store (the store then finds no writable PTE
 * and faults again).
 */
function writeBracketsAhead(s: ROState, sc: Scenario): number {
  const w = s.user[PARENT].write;
  const pc = w.pc;
  if (sc.parentWrite === undefined || pc === 'done') return 0;
  const e = s.pte[PARENT];
  const needs = gupNeedsFault(s);
  const cowWillFix = e.page === w.old && !e.dx && !e.w;
  const restoreWillFix = e.page === w.old && e.dx;
  let cur = needs;
  if (pc === 'wCopy' || pc === 'wStart') cur = 1 + (cowWillFix ? 0 : needs);
  if (pc === 'wXLock' || pc === 'wXStart') cur = 1 + (restoreWillFix ? 0 : needs);
  if (pc === 'wInv' || pc === 'wRelock') cur = cowWillFix ? 0 : needs;
  if (pc === 'wXInv' || pc === 'wXRestore') cur = restoreWillFix ? 0 : needs;
  return cur + driverInstallsAhead(s);
}

/**
 * An upper bound on the brackets the parent mm's threads will still open,
 * for the declared bound of the notifier sequence numbers (SEQ_MAX): fork,
 * munmap and mprotect open one each; the driver and the parent's store as
 * above. GUP holders in the parent are not counted (none in the device
 * specs), nor a fork or mprotect making the PTE read-only under a parent
 * store that has not faulted yet: where that matters the explicit engine
 * finds conjunct 26 false.
 */
function bracketsAhead(s: ROState, sc: Scenario, k: MmConfig): number {
  if (!sc.driver) return 0;
  const fork = k.madvDontfork ? 0 : at(s.fork.pc, ['lock', 'mnStart']);
  const unmap = at(s.user[PARENT].unmap.pc, ['zap', 'zStart']);
  const mprot = at(s.user[PARENT].mprotect.pc, ['mpLock', 'mpStart']);
  return fork + unmap + mprot + driverBracketsAhead(s) + writeBracketsAhead(s, sc);
}

/** The parent's PTE is the device-exclusive entry for page p. */
function parentExclusiveOn(s: ROState, p: number | null): boolean {
  return p !== null && s.pte[PARENT].dx && s.pte[PARENT].page === p;
}

/**
 * The strengthening of P8 (device-exclusive mutual exclusion) and P9 (not
 * inherited) for the v6.15 design (make_device_exclusive, mapcount kept;
 * fork restores the entry with try_restore_exclusive_pte):
 * inductive-refcounts, P8, P9 and (numbered on from inductive-pin-exclusive,
 * docs/kernel-induction.md)
 *
 * 19. I1 and its converse: a present writable PTE maps an AnonExclusive page
 *     mapped once (except at fork's `copy`); an AnonExclusive page has at most
 *     one mapping.
 * 20. a device-exclusive entry is the parent's (the driver's mm), and its page
 *     is AnonExclusive and mapped by that entry alone.
 * 21. mmu_notifier bookkeeping: active_invalidate_ranges is the number of
 *     threads between range_start and range_end, invalidate_seq is odd iff
 *     one is, and the interval's sequence is not newer than it; once an
 *     interval callback of a still-active range has run, the interval's
 *     sequence equals the (odd) global one (mmu_interval_set_seq(cur_seq)).
 * 22. the driver's read_begin snapshot is not newer than invalidate_seq, and
 *     after the wait it is not the odd sequence of a range still active.
 * 23. the driver's locals per step: no folio before GUP returned one; the
 *     folio (referenced) from folio_lock to the end of the round, locked
 *     from folio_lock on; make_device_exclusive succeeded only after
 *     install; svmm->mutex held exactly at check and map.
 * 24. make_device_exclusive's folio_walk recheck (v6.15) always succeeds:
 *     between GUP and install the driver holds mmap_lock, so no fork,
 *     munmap or mprotect changes the PTE, and other readers only make it
 *     writable.
 * 25. the grant: after install, the entry is the driver's page unless a
 *     callback has run since read_begin (so read_retry will fail); at `map`
 *     the snapshot is current and the entry there; the device's mirror is
 *     'none' or RW+atomic on the page of the parent's entry, and no
 *     invalidation is past its callback.
 * 26. the notifier sequence numbers stay within SEQ_MAX: invalidate_seq
 *     (rounded up to even) plus 2 per bracket still to come.
 * 27. a locked folio has one lock holder, an unlocked one none.
 * 28. write_protect_seq by fork's step (conjuncts 9, 10, 18 with fork's
 *     notifier bracket).
 */
export function inductiveDeviceExclusive(s: ROState, sc: Scenario, k: MmConfig): boolean {
  return (
    inductiveRefcounts(s, sc) &&
    deviceExclusive(s) &&
    exclusiveNotInherited(s) &&
    exclusivePagesAgree(s) &&
    notifierAgrees(s, sc, k) &&
    driverAgrees(s, k) &&
    folioLocksHeld(s, sc) &&
    grantBacked(s, sc, k) &&
    seqWithinBound(s, sc, k) &&
    wpSeqAgrees(s, sc, k)
  );
}

/**
 * 28 (conjuncts 9 and 10 of inductive-pin-exclusive, with fork's notifier
 * bracket): write_protect_seq is 0 before fork's raw_write_seqcount_begin,
 * 1 inside, 2 after (through mnEnd); 0 without it or without a fork; fork's
 * seqBegin/seqEnd and wp steps run only in designs that have them.
 */
export function wpSeqAgrees(s: ROState, sc: Scenario, k: MmConfig): boolean {
  const fpc = s.fork.pc;
  const odd = fpc === 'wp' || fpc === 'dup' || fpc === 'copy' || fpc === 'seqEnd';
  const started = odd || fpc === 'mnEnd' || fpc === 'unlock' || fpc === 'done';
  const expectSeq = !k.wpSeq || sc.noFork || k.madvDontfork || !started ? 0 : odd ? 1 : 2;
  return (
    s.mm[CHILD].wpSeq === 0 &&
    s.mm[PARENT].wpSeq === expectSeq &&
    (k.wpSeq || !(fpc === 'seqBegin' || fpc === 'seqEnd')) &&
    (k.wpBeforeDup || fpc !== 'wp')
  );
}

/** 19, 20: who maps an AnonExclusive page, and a device-exclusive entry's page. */
export function exclusivePagesAgree(s: ROState): boolean {
  let ok = true;
  for (let m = 0; m < s.pte.length; m++) {
    const p = s.pte[m].page;
    ok = ok && !(p !== null && !s.pte[m].dx && s.pte[m].w && !(s.page[p].excl && s.page[p].map === 1) && s.fork.pc !== 'copy');
    ok = ok && !(p !== null && s.pte[m].dx && !(m === PARENT && s.page[p].excl && ptesMapping(s, p) === 1));
  }
  for (let p = 0; p < s.page.length; p++) ok = ok && !(s.page[p].excl && s.page[p].map > 1);
  return ok;
}

/** 21, 22: the notifier's counters against the threads in brackets, and the driver's snapshot. */
export function notifierAgrees(s: ROState, sc: Scenario, k: MmConfig): boolean {
  const b = parentBrackets(s, sc, k);
  const mn = s.mn;
  const d = s.drv;
  let ok = mn.active === b.inside && mn.seq % 2 === (b.inside > 0 ? 1 : 0) && mn.iseq <= mn.seq;
  ok = ok && (b.post === 0 || mn.iseq === mn.seq);
  ok = ok && (d.pc !== 'wait' || d.seq <= mn.seq);
  ok = ok && (!driverAfterBegin(d.pc) || (d.seq <= mn.seq && !(d.seq === mn.seq && mn.seq % 2 === 1)));
  return ok;
}

/** 23, 24: the driver's locals per step, and make_device_exclusive's recheck. */
export function driverAgrees(s: ROState, k: MmConfig): boolean {
  const d = s.drv;
  const dpc = d.pc;
  const noFolio = dpc === 'begin' || dpc === 'wait' || dpc === 'mlock' || dpc === 'gup' || inFault(dpc, G_FAULT);
  const hasFolio =
    dpc === 'flock' || dpc === 'xStart' || dpc === 'xInv' || dpc === 'install' || dpc === 'lock' || dpc === 'check' || dpc === 'map' || dpc === 'release';
  const lockedPc = hasFolio || dpc === 'xEnd' || dpc === 'munlock';
  const walking = dpc === 'flock' || dpc === 'xStart' || dpc === 'xInv' || dpc === 'install';
  const e = s.pte[PARENT];
  let ok = !noFolio || (d.page === null && !d.locked && !d.ok);
  ok = ok && (!hasFolio || d.page !== null);
  ok = ok && d.locked === (lockedPc && dpc !== 'flock' && d.page !== null);
  ok = ok && (!d.locked || (d.page !== null && s.page[d.page].lock));
  ok = ok && !(d.ok && walking);
  ok = ok && !((dpc === 'munlock' || dpc === 'lock' || dpc === 'check' || dpc === 'map' || dpc === 'release') && d.page !== null && !d.ok);
  // v6.15: the recheck succeeded (24), so range_end follows a success.
  ok = ok && !(k.de === 'single' && dpc === 'xEnd' && !d.ok);
  ok = ok && s.dev.lock === (dpc === 'check' || dpc === 'map');
  ok = ok && d.leaked === null && d.tries <= MAX_TRIES;
  ok = ok && (!walking || k.de !== 'single' || (d.page !== null && e.page === d.page && !e.dx && e.w));
  return ok;
}

/** A fault of this thread (sub-path L) holds folio_lock(page) (remove_device_exclusive_entry, XLock to XUnlock). */
function faultLocks(pc: string, L: FaultPcs, old: number | null, page: number): number {
  const locked = pc === L.xStart || pc === L.xInv || pc === L.xRestore || pc === L.xUnlock;
  return locked && old === page ? 1 : 0;
}

/**
 * 27: PG_locked is a lock: a locked folio has exactly one holder (the
 * driver from folio_lock to the end of its round, or a fault restoring a
 * device-exclusive entry), an unlocked one none.
 */
export function folioLocksHeld(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let p = 0; p < s.page.length; p++) {
    let n = (s.drv.locked && s.drv.page === p ? 1 : 0) + (s.drv.leaked === p ? 1 : 0);
    n = n + faultLocks(s.drv.pc, G_FAULT, s.drv.old, p);
    for (let m = 0; m < s.user.length; m++) n = n + faultLocks(s.user[m].write.pc, W_FAULT, s.user[m].write.old, p);
    for (let h = 0; h < sc.holders.length; h++) n = n + faultLocks(s.gup[h].pc, F_FAULT, s.gup[h].old, p);
    ok = ok && n === (s.page[p].lock ? 1 : 0);
  }
  return ok;
}

/** 25: the device's atomic grant is backed by the parent's entry. */
export function grantBacked(s: ROState, sc: Scenario, k: MmConfig): boolean {
  const d = s.drv;
  const dpc = d.pc;
  const mn = s.mn;
  const perm = s.dev.perm;
  const installed = dpc === 'xEnd' || dpc === 'munlock' || dpc === 'lock' || dpc === 'check';
  let ok = !(installed && d.ok && mn.iseq === d.seq && !parentExclusiveOn(s, d.page));
  ok = ok && (dpc !== 'map' || (mn.iseq === d.seq && parentExclusiveOn(s, d.page)));
  ok = ok && (perm === 'none' || perm === 'atomic') && (perm === 'none') === (s.dev.page === null);
  ok = ok && (perm !== 'atomic' || (parentExclusiveOn(s, s.dev.page) && parentBrackets(s, sc, k).post === 0));
  return ok;
}

/** 26: invalidate_seq (rounded up to even) plus 2 per bracket still to come stays within SEQ_MAX. */
export function seqWithinBound(s: ROState, sc: Scenario, k: MmConfig): boolean {
  const b = parentBrackets(s, sc, k);
  return s.mn.seq + (b.inside > 0 ? 1 : 0) + 2 * bracketsAhead(s, sc, k) <= SEQ_MAX;
}

/** Registers inductive-device-exclusive on m (the device specs, v6.15). */
export function addInductiveDeviceExclusive(m: MmModel, sc: Scenario, k: MmConfig): void {
  m.always(INDUCTIVE_DEVICE_EXCLUSIVE, (s) => inductiveDeviceExclusive(s, sc, k), {
    doc: 'inductive strengthening of P8/P9: inductive-refcounts, notifier brackets, the driver loop, the grant',
  });
}
