// The kernel's promises for fork x GUP x COW (mm-primer §4) as pure
// predicates over the model state. "Who sees whose write" is in the state:
// each page carries the writer of its content, each GUP holder the page it
// holds, so no property needs to look at the past.

import { faultRefs } from './fault.ts';
import { CHILD, PARENT, type ROState } from './state.ts';
import type { Scenario } from './scenario.ts';
import type { MmModel } from './paths.ts';

/** Property names, as they appear in expectations and verdict tables. */
export const PROP = {
  P1: 'P1-parent-write-private',
  P2: 'P2-child-write-private',
  P3: 'P3-rw-pin-stable',
  P4: 'P4-ro-pin-coherent',
  P5: 'P5-pinned-stays-with-parent',
  P6: 'P6-pinned-is-exclusive',
  P7: 'P7-writable-is-exclusive',
  P8: 'P8-device-exclusive',
  P9: 'P9-exclusive-not-inherited',
  P10: 'P10-mirror-sound',
  P11R: 'P11-retry-releases',
  P12: 'P12-refcounts-exact',
  P13: 'P13-gup-fast-vs-fork',
  P14: 'P14-has-pinned-first',
} as const;
export type PropId = keyof typeof PROP;

/** Not a kernel property: the scenario's page bound was large enough. */
export const PAGES_SUFFICE = 'model-pages-suffice';

/** A spec's default expectation row: the page-bound check and every listed property hold. */
export function allHold(ids: readonly PropId[], ...more: string[]): Record<string, 'holds'> {
  return Object.fromEntries([PAGES_SUFFICE, ...ids.map((id) => PROP[id]), ...more].map((n) => [n, 'holds' as const]));
}

/** P1: no page the child can read (its PTE, its GUP references) holds a parent store made after fork returned. */
export function parentWritePrivate(s: ROState, sc: Scenario): boolean {
  return noForeignData(s, sc, CHILD, 'parent');
}

/** P2: no page the parent can read holds a store the child made. */
export function childWritePrivate(s: ROState, sc: Scenario): boolean {
  return noForeignData(s, sc, PARENT, 'child');
}

function noForeignData(s: ROState, sc: Scenario, reader: number, writer: 'parent' | 'child'): boolean {
  let ok = true;
  const c = s.pte[reader].page;
  ok = ok && !(c !== null && s.page[c].data === writer);
  for (let h = 0; h < sc.holders.length; h++) {
    const g = s.gup[h];
    ok = ok && !(sc.holders[h].owner === reader && g.held && g.page !== null && s.page[g.page].data === writer);
  }
  return ok;
}

/** P3: a held R/W pin's page is still the page the pinner maps at the VA (until it unmaps the VA itself). */
export function rwPinStable(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    ok = ok && !(H.pin && H.write && g.held && g.mapValid && s.pte[H.owner].page !== g.page);
  }
  return ok;
}

/**
 * P4: through a held R/O pin the holder reads what the pinner reads at the
 * VA. (Loop bodies here test the state in expressions, not in if
 * statements: the symbolic engine needs that, see docs/kernel-model.md.)
 */
export function roPinCoherent(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    const mapped = s.pte[H.owner].page;
    const applies = H.pin && !H.write && g.held && g.mapValid;
    ok = ok && !(applies && g.page !== null && mapped !== null && s.page[g.page].data !== s.page[mapped].data);
  }
  return ok;
}

/** P5: a page the parent had pinned when fork copied the VA is not mapped by the child. */
export function pinnedStaysWithParent(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    ok = ok && !(H.owner === PARENT && H.pin && g.held && g.preFork && s.pte[CHILD].page === g.page);
  }
  return ok;
}

/** P6 (I3): a page with a returned pin is AnonExclusive (a gup_fast attempt that will undo itself is exempt). */
export function pinnedIsExclusive(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let h = 0; h < sc.holders.length; h++) {
    const g = s.gup[h];
    ok = ok && !(sc.holders[h].pin && g.held && g.page !== null && !s.page[g.page].excl);
  }
  return ok;
}

/**
 * Fork holds both PTLs between folio_try_dup_anon_rmap_pte and setting the
 * child PTE (pc 'copy'): the page is counted for a child PTE that is not
 * there yet, and the parent PTE is still writable. Lock-holding readers
 * cannot see this state; P7 and P12 are checked whenever the PTL is free.
 * (Lockless gup_fast can see it: that is B4, checked by P5/P6/P13.)
 */
/** Witness: both processes have written a page of their own (parent and child data exist). */
export function bothWrote(s: ROState): boolean {
  let parent = false;
  let child = false;
  for (let p = 0; p < s.page.length; p++) {
    parent = parent || s.page[p].data === 'parent';
    child = child || s.page[p].data === 'child';
  }
  return parent && child;
}

export function forkHoldsPtl(s: ROState): boolean {
  return s.fork.pc === 'copy';
}

/** P7 (I1): a writable PTE maps an AnonExclusive page mapped once. */
export function writableIsExclusive(s: ROState): boolean {
  let ok = true;
  for (let i = 0; i < s.pte.length; i++) {
    const p = s.pte[i].page;
    ok = ok && !(p !== null && s.pte[i].w && !s.pte[i].dx && !(s.page[p].excl && s.page[p].map === 1));
  }
  return ok || forkHoldsPtl(s);
}

/** PTEs (of any mm) that map page p, present or device-exclusive. */
export function ptesMapping(s: ROState, p: number): number {
  let n = 0;
  for (let i = 0; i < s.pte.length; i++) n = n + (s.pte[i].page === p ? 1 : 0);
  return n;
}

/** GUP references on page p: held by a caller, or grabbed by gup_fast and not yet undone. */
export function gupRefs(s: ROState, sc: Scenario, p: number): number {
  let n = 0;
  for (let h = 0; h < sc.holders.length; h++) {
    const g = s.gup[h];
    n = n + ((g.held || g.grabbed) && g.page === p ? 1 : 0);
  }
  return n;
}

/** The FOLL_PIN ones among gupRefs. */
export function gupPins(s: ROState, sc: Scenario, p: number): number {
  let n = 0;
  for (let h = 0; h < sc.holders.length; h++) {
    const g = s.gup[h];
    n = n + ((g.held || g.grabbed) && g.page === p && sc.holders[h].pin ? 1 : 0);
  }
  return n;
}

/**
 * References held by kernel paths in flight on page p: do_wp_page /
 * wp_page_copy's old and new folio, remove_device_exclusive_entry's
 * folio_try_get (fault.ts), of every faulting thread; the driver's GUP
 * reference to the folio make_device_exclusive works on or returned, and
 * one a retry leaked (B7).
 */
export function pathRefs(s: ROState, sc: Scenario, p: number): number {
  let n = faultRefs(s.user[PARENT].write, p) + faultRefs(s.user[CHILD].write, p) + faultRefs(s.drv, p);
  for (let h = 0; h < sc.holders.length; h++) n = n + faultRefs(s.gup[h], p);
  return n + (s.drv.page === p ? 1 : 0) + (s.drv.leaked === p ? 1 : 0);
}

/**
 * P12 (I5, I6): every page's counters equal what references it: mapcount the
 * PTEs (device-exclusive entries included: I6), refcount the PTEs plus GUP
 * references (held or grabbed by gup_fast) plus references of paths in
 * flight, pins the FOLL_PIN ones; a page is free exactly when its refcount
 * is 0. So no count goes negative, nothing is freed while referenced,
 * nothing free is mapped or pinned, and nothing leaks.
 */
export function refcountsExact(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let p = 0; p < s.page.length; p++) {
    const pg = s.page[p];
    const maps = ptesMapping(s, p);
    ok = ok && !(pg.map !== maps || pg.pins !== gupPins(s, sc, p) || pg.ref !== maps + gupRefs(s, sc, p) + pathRefs(s, sc, p));
    ok = ok && !(pg.free !== (pg.ref === 0));
  }
  return ok || forkHoldsPtl(s);
}

/**
 * P13: a FOLL_PIN returned by gup_fast is ordered before or after fork's copy
 * of the VA: either fork saw the pin (the child got a copy) or the pin came
 * after the write-protect (and faulted an exclusive page). Either way the
 * other mm does not map the pinned page.
 */
export function gupFastLinearizable(s: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    ok = ok && !(H.pin && g.held && g.viaFast && s.pte[1 - H.owner].page === g.page);
  }
  return ok;
}

/** P14: MMF_HAS_PINNED is never cleared, and is set in an mm before any pin of its pages is visible. */
export function hasPinnedFirst(s: ROState, n: ROState, sc: Scenario): boolean {
  let ok = true;
  for (let i = 0; i < s.mm.length; i++) {
    ok = ok && !(s.mm[i].hasPinned && !n.mm[i].hasPinned);
  }
  for (let h = 0; h < sc.holders.length; h++) {
    const g = n.gup[h];
    ok = ok && !(sc.holders[h].pin && (g.held || g.grabbed) && !n.mm[sc.holders[h].owner].hasPinned);
  }
  return ok;
}

/**
 * P8: a device-exclusive entry excludes the CPU: no PTE maps its page
 * present, and the device's atomic grant on a page implies the parent's
 * entry for it is still device-exclusive (a CPU access restores the PTE
 * only after the EXCLUSIVE callback revoked the grant).
 */
export function deviceExclusive(s: ROState): boolean {
  let ok = true;
  for (let i = 0; i < s.pte.length; i++) {
    const p = s.pte[i].page;
    for (let j = 0; j < s.pte.length; j++) {
      ok = ok && !(p !== null && s.pte[i].dx && s.pte[j].page === p && !s.pte[j].dx);
    }
  }
  const d = s.dev.page;
  ok = ok && !(s.dev.perm === 'atomic' && d !== null && !(s.pte[PARENT].dx && s.pte[PARENT].page === d));
  return ok;
}

/** P9: the child never has a device-exclusive entry. */
export function exclusiveNotInherited(s: ROState): boolean {
  return !s.pte[CHILD].dx;
}

/**
 * P10: the device's translation is backed by the CPU's: it maps the page
 * the parent's PTE maps, read-only only if present, writable only if
 * present and writable, atomic only if device-exclusive; and never more
 * than VM_WRITE allows. An invalidation in progress whose callback has
 * not run yet is covered: the PTE changes only after the callbacks.
 */
export function mirrorSound(s: ROState): boolean {
  const d = s.dev.page;
  if (d === null || s.dev.perm === 'none') return true;
  const e = s.pte[PARENT];
  const same = e.page === d;
  const perm = s.dev.perm;
  const backed =
    same &&
    (perm === 'atomic' ? e.dx : perm === 'rw' ? !e.dx && e.w : true) &&
    (perm === 'r' || s.mm[PARENT].vmaW);
  return backed;
}

/** P11 (its safety half): a retry of the driver loop goes back to read_begin holding no folio lock or reference. */
export function retryReleases(s: ROState): boolean {
  return s.drv.leaked === null;
}

/** P11 (progress): the driver's atomic-fault loop finishes (maps the page, or gives up). */
export const P11_FINISHES = 'P11-loop-finishes';
/** P11 (progress), with no invalidation but the driver's own: the loop maps the page. */
export const P11_SUCCEEDS = 'P11-loop-succeeds';

/**
 * Registers P11's progress half (needs a driver, whose paths are strongly
 * fair): the loop finishes; with `succeeds`, it ends with the page mapped
 * RW+atomic (for scenarios without other invalidations, the primer's
 * premise "no external invalidations after some point").
 */
export function addDriverProgress(m: MmModel, succeeds: boolean): void {
  m.eventually(P11_FINISHES, (s) => s.drv.pc === 'done', {
    doc: 'P11 the driver loop finishes (maps the page or gives up), under strong fairness of every path',
  });
  if (succeeds)
    m.eventually(P11_SUCCEEDS, (s) => s.dev.perm === 'atomic', {
      doc: 'P11 with no other invalidation, the driver loop maps the page RW+atomic',
    });
}

const DOCS: Record<PropId, string> = {
  P1: 'P1 fork isolation parent->child: the child never reads a parent store made after fork',
  P2: 'P2 fork isolation child->parent: the parent never reads a child store',
  P3: 'P3 R/W pin stability: the pinner keeps mapping the pinned page',
  P4: 'P4 R/O pin coherence: the pin shows what the pinner reads at the VA',
  P5: 'P5 a page pinned when fork copies it is not mapped by the child',
  P6: 'P6 (I3) a pinned anon page is AnonExclusive',
  P7: 'P7 (I1) a writable anon PTE maps an exclusive page mapped once',
  P8: 'P8 a device-exclusive entry excludes the CPU; the atomic grant needs the entry',
  P9: 'P9 the child never inherits a device-exclusive entry',
  P10: "P10 the device mirror is backed by the CPU PTE (notifier before PTE change)",
  P11R: 'P11 (safety half) a retry of the driver loop releases the folio it got',
  P12: 'P12 (I5, I6) refcount, mapcount and pin count match the references',
  P13: 'P13 a gup_fast pin is linearizable with fork',
  P14: 'P14 MMF_HAS_PINNED is set before any pin is visible, never cleared',
};

/** Registers the chosen properties (and the page-bound check) on m. */
/** Witness: the parent has written the VA while the first GUP holder holds its reference. */
export function parentWritesWhilePinned(s: ROState): boolean {
  const p = s.pte[PARENT].page;
  return s.gup[0].held && p !== null && s.page[p].data === 'parent';
}

export function addProperties(m: MmModel, sc: Scenario, ids: readonly PropId[]): void {
  m.always(PAGES_SUFFICE, (s) => !s.oom, { doc: 'no allocation ran out of model pages (bound check)' });
  for (const id of ids) {
    const name = PROP[id];
    const doc = DOCS[id];
    if (id === 'P1') m.always(name, (s) => parentWritePrivate(s, sc), { doc });
    if (id === 'P2') m.always(name, (s) => childWritePrivate(s, sc), { doc });
    if (id === 'P3') m.always(name, (s) => rwPinStable(s, sc), { doc });
    if (id === 'P4') m.always(name, (s) => roPinCoherent(s, sc), { doc });
    if (id === 'P5') m.always(name, (s) => pinnedStaysWithParent(s, sc), { doc });
    if (id === 'P6') m.always(name, (s) => pinnedIsExclusive(s, sc), { doc });
    if (id === 'P7') m.always(name, (s) => writableIsExclusive(s), { doc });
    if (id === 'P8') m.always(name, (s) => deviceExclusive(s), { doc });
    if (id === 'P9') m.always(name, (s) => exclusiveNotInherited(s), { doc });
    if (id === 'P10') m.always(name, (s) => mirrorSound(s), { doc });
    if (id === 'P11R') m.always(name, (s) => retryReleases(s), { doc });
    if (id === 'P12') m.always(name, (s) => refcountsExact(s, sc), { doc });
    if (id === 'P13') m.always(name, (s) => gupFastLinearizable(s, sc), { doc });
    if (id === 'P14') m.transition(name, (s, n) => hasPinnedFirst(s, n, sc), { doc });
  }
}
