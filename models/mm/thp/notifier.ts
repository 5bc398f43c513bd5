// The MMU-notifier interface the THP model needs (mm/mmu_notifier.c),
// reduced to one interval subscription of one driver: a range start runs
// the interval's invalidate callback (unless the driver filters the event
// by its owner cookie), which takes the driver mutex, bumps the interval's
// seq (mmu_interval_set_seq) and zaps the device mirror; a range end lets
// mmu_interval_read_begin proceed once no range is active.
//
// The start and the callback are one atomic step here (the callback waits
// for the driver mutex, so the step does). Nothing in these scenarios reads
// the state between the two kernel steps except read_begin, which only
// blocks after the callback ran, as here.

// The event vocabulary and the owner-filter rule are kernel model II's
// (models/mm/notifier.ts: MnRange, filtered); its state functions work on
// that model's one-VA state, so this model keeps its own four fields.

import { filtered, type MnRange, type NotifierConfig } from '../notifier.ts';
import type { DeState, RODe } from './de-state.ts';

/** nouveau's interval, with the owner filter of the v4 review (seed 002). */
const NC: NotifierConfig = { subscribed: true, ownerFilter: true };

/** The ranges of this model, with their kernel event and owner. */
export const RANGES = {
  /** __split_huge_pmd: CLEAR over the huge range, no owner. */
  split: { event: 'CLEAR', ownerIsDriver: false },
  /** remove_device_exclusive_entry: EXCLUSIVE, owner NULL (v5.14). */
  restoreOld: { event: 'EXCLUSIVE', ownerIsDriver: false },
  /** remove_device_exclusive_entry: CLEAR, owner NULL (v6.15). */
  restoreNew: { event: 'CLEAR', ownerIsDriver: false },
  /** make_device_exclusive: EXCLUSIVE with the driver's owner cookie. */
  walk: { event: 'EXCLUSIVE', ownerIsDriver: true },
  /** munmap: UNMAP. */
  unmap: { event: 'UNMAP', ownerIsDriver: false },
} as const satisfies Record<string, MnRange>;

/** The callback can run now: the event is filtered, or nobody holds the driver mutex. */
export function invCanStart(s: RODe, r: MnRange): boolean {
  return filtered(r, NC) || !s.nt.registered || !s.drv.mutex;
}

/**
 * mmu_notifier_invalidate_range_start over the huge range (or a page of
 * it: the interval covers the faulting page, which every range here
 * overlaps), and the interval's callback unless it filters the event.
 */
export function invStart(s: RODe, n: DeState, r: MnRange): void {
  n.nt.active = s.nt.active + 1;
  if (s.nt.registered && !filtered(r, NC)) {
    n.nt.hit = true;
    n.nt.dirty = true;
    n.mirror = false;
  }
}

/** mmu_notifier_invalidate_range_end: the last active range lets read_begin return. */
export function invEnd(s: RODe, n: DeState): void {
  n.nt.active = s.nt.active - 1;
  if (s.nt.active === 1) n.nt.hit = false;
}

/**
 * mmu_interval_notifier_insert: an interval inserted while a range is
 * active starts "invalidating" (its seq is the current odd seq), so
 * read_begin waits for the active ranges to end.
 */
export function insertInterval(s: RODe, n: DeState): void {
  n.nt.registered = true;
  if (s.nt.active > 0) n.nt.hit = true;
}

/** mmu_interval_read_begin's snapshot: later set_seq calls make read_retry true. */
export function readBegin(n: DeState): void {
  n.nt.dirty = false;
}
