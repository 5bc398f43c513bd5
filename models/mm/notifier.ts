// MMU notifiers (mm/mmu_notifier.c, the interval-tree half) and the one
// driver interval subscription of the model, as plain functions of the
// state that kernel paths call from their own steps.
//
// Interface for paths (fork, faults, zap, mprotect, make_device_exclusive,
// THP split, migration): a PTE change that removes or downgrades a CPU
// translation is bracketed by three separate steps of the changing thread,
//
//   <x>Start  rangeStart()                 mmu_notifier_invalidate_range_start:
//                                          active_invalidate_ranges++, seq odd
//   <x>Inv    guard callbackReady(), apply callback()
//                                          the interval's ->invalidate(): skip
//                                          own EXCLUSIVE/MIGRATE (owner filter),
//                                          else driver lock, mmu_interval_set_seq,
//                                          zap the device mirror, unlock
//   ...       the PTE change itself, under the PTL, in the path's own step(s)
//   <x>End    rangeEnd()                   mmu_notifier_invalidate_range_end:
//                                          active--, seq even when the last
//                                          range ends (wakes read_begin waiters)
//
// and skips all three when notifying(nc, mm) is false: the kernel's
// mm_has_notifiers() fast path (no subscription in that mm), so scenarios
// without a driver keep their state space. Several ranges may be active at
// once (fork's PROTECTION_PAGE around a CPU fault's EXCLUSIVE, ...): the
// sequence number turns even only when the last one ends.
//
// Driver side (driver.ts): readBegin/readBeginWaits, readRetry.
//
// Sequentially consistent: every step here runs under
// subscriptions->lock or the driver lock in the kernel, except
// mmu_interval_read_begin's wait, which is a guard on the state.

import { PARENT, type MmState, type ROState } from './state.ts';

/** enum mmu_notifier_event (include/linux/mmu_notifier.h). */
export type MnEvent = 'UNMAP' | 'CLEAR' | 'PROTECTION_VMA' | 'PROTECTION_PAGE' | 'MIGRATE' | 'EXCLUSIVE';

/** One invalidation: its event and whether its owner cookie is the driver's (range->owner). */
export interface MnRange {
  readonly event: MnEvent;
  readonly ownerIsDriver: boolean;
}

/** What the scenario and the design say about notifier subscribers. */
export interface NotifierConfig {
  /** A driver has an interval notifier over the VA in the parent's mm. */
  readonly subscribed: boolean;
  /**
   * The driver's callback ignores EXCLUSIVE and MIGRATE invalidations whose
   * owner is itself (the v4 review of device-exclusive, seed 002; before it
   * only MIGRATE carried an owner).
   */
  readonly ownerFilter: boolean;
}

/** mm_has_notifiers(mm): only the parent's mm has the driver's subscription. */
export function notifying(nc: NotifierConfig, mm: number): boolean {
  return nc.subscribed && mm === PARENT;
}

/**
 * mn_itree_inv_start_range: count the range; the driver's interval
 * overlaps the one VA, so the sequence number becomes odd.
 */
export function rangeStart(s: ROState, n: MmState): void {
  n.mn.active = s.mn.active + 1;
  n.mn.seq = s.mn.seq % 2 === 0 ? s.mn.seq + 1 : s.mn.seq;
}

/** The callback ignores this range (its own EXCLUSIVE/MIGRATE, with the owner filter). */
export function filtered(r: MnRange, nc: NotifierConfig): boolean {
  return nc.ownerFilter && r.ownerIsDriver && (r.event === 'EXCLUSIVE' || r.event === 'MIGRATE');
}

/** The callback can run now: it is filtered, or the driver lock is free (mutex_lock waits). */
export function callbackReady(s: ROState, r: MnRange, nc: NotifierConfig): boolean {
  return filtered(r, nc) || !s.dev.lock;
}

/**
 * The interval's invalidate callback (nouveau_svm_range_invalidate /
 * dmirror_interval_invalidate shape): mmu_interval_set_seq(mni, cur_seq)
 * and the device's translation of the VA zapped, both under the driver
 * lock, which the step takes and releases.
 */
export function callback(s: ROState, n: MmState, r: MnRange, nc: NotifierConfig): void {
  if (filtered(r, nc)) return;
  n.mn.iseq = s.mn.seq;
  n.dev.page = null;
  n.dev.perm = 'none';
}

/** mn_itree_inv_end: the last active range makes the sequence even again. */
export function rangeEnd(s: ROState, n: MmState): void {
  n.mn.active = s.mn.active - 1;
  n.mn.seq = s.mn.active === 1 && s.mn.seq % 2 === 1 ? s.mn.seq + 1 : s.mn.seq;
}

/**
 * mmu_interval_read_begin, first half: seq = mni->invalidate_seq; it is
 * "invalidating" when that equals the (odd) global sequence, i.e. a
 * callback for this interval ran in a range still active.
 */
export function readBeginWaits(s: ROState): boolean {
  return s.mn.iseq === s.mn.seq && s.mn.seq % 2 === 1;
}

/** The second half's wait_event condition: the global sequence moved on from the snapshot. */
export function readBeginWoken(s: ROState, seq: number): boolean {
  return s.mn.seq !== seq;
}

/** mmu_interval_read_retry (under the driver lock): a callback ran since read_begin. */
export function readRetry(s: ROState, seq: number): boolean {
  return s.mn.iseq !== seq;
}

/** No range is active (every bracket closed). */
export function quiescent(s: ROState): boolean {
  return s.mn.active === 0 && s.mn.seq % 2 === 0;
}
