// State of the THP x device-exclusive model (seed 5, B8a): one anon THP
// folio of two subpages mapped in one mm at a huge-aligned range, its PMD
// slot, the two PTEs under it once split, one MMU interval notifier of a
// driver (nouveau's SVM atomic fault), and the device mirror of the target.
// docs/thp-model.md argues why two subpages suffice.

import {
  bool,
  domain,
  enumOf,
  int,
  record,
  array,
  thread,
  type DeepReadonly,
  type Infer,
} from '../../../src/index.ts';

/** The subpages of the THP; subpage i is mapped at VA i of the huge range. */
export const Sub = domain('Sub', ['head', 'tail']);
export const HEAD = 0;
export const TAIL = 1;

/** The driver loop's steps (nouveau_atomic_range_fault + make_device_exclusive). */
export const DRV_STEPS = [
  'mmapLock',
  'begin',
  'splitStart',
  'splitLocked',
  'splitEnd',
  'gupPmd',
  'gupPmdLocked',
  'splitCheck',
  'followPte',
  'restoreStart',
  'restorePte',
  'restoreEnd',
  'trylock',
  'walkStart',
  'walkPte',
  'walkEnd',
  'mmapUnlock',
  'check',
  'finish',
] as const;

/** A saturating retry counter: 3 means "3 or more". */
export const MAX_RETRIES = 3;

export function deSchema() {
  return record({
    /** The THP folio: _refcount, _entire_mapcount (PMD mappings), PG_locked. */
    folio: record({ ref: int(0, 4), entire: int(0, 1), locked: bool() }),
    /** Per subpage: its _mapcount + 1 (PTE mappings) and PG_anon_exclusive. */
    sub: array(record({ map: int(0, 1), excl: bool() }), Sub),
    /** The PMD slot: a huge mapping of the folio, or a page table. */
    pmd: enumOf('huge', 'table'),
    /** The huge PMD's write bit. */
    pmdW: bool(),
    /** The PTEs of the range (meaningful when pmd is 'table'). */
    pte: array(record({ kind: enumOf('none', 'present', 'devx'), w: bool() }), Sub),
    /** mmap_lock: held for write / number of readers. */
    mmapW: bool(),
    mmapR: int(0, 2),
    /**
     * The driver's mmu_interval_notifier and the mm's invalidation state
     * (mm/mmu_notifier.c), reduced to what read_begin/read_retry observe:
     * registered = inserted; active = invalidate_range_start without end;
     * hit = an active range called the interval's invalidate (read_begin
     * blocks); dirty = it did so since the driver's read_begin (read_retry
     * returns true).
     */
    nt: record({ registered: bool(), active: int(0, 2), hit: bool(), dirty: bool() }),
    /** The device holds an atomic (RW+atomic) mapping of the target. */
    mirror: bool(),
    drv: thread(DRV_STEPS, {
      /** The VA (subpage) the device faulted on. */
      target: int(0, 1),
      /** svmm->mutex held. */
      mutex: bool(),
      /** A folio reference (and, after trylock, the folio lock) is held. */
      held: bool(),
      /** The split in progress was started by GUP (FOLL_SPLIT_PMD), not by the explicit call. */
      viaGup: bool(),
      /** make_device_exclusive returned no page: the loop exits with an error. */
      failed: bool(),
      /** read_retry said retry this many times (saturating). */
      retries: int(0, MAX_RETRIES),
      /** A retry was caused by an invalidation from outside the driver's own path. */
      outside: bool(),
    }),
    /** A user munmap of the range (the outside invalidation of seed 5). */
    zap: thread(['zapStart', 'zapPtes', 'zapEnd']),
    /** A CPU access to the target VA: do_swap_page on a device-exclusive entry. */
    cpu: thread(['touch', 'cpuRestorePte', 'cpuRestoreEnd']),
  });
}

export type DeSchema = ReturnType<typeof deSchema>;
export type DeState = Infer<DeSchema>;
export type RODe = DeepReadonly<DeState>;

/** The folio's references as the kernel era counts them (P12 for this model). */
export function expectedRef(s: RODe): number {
  let r = s.pmd === 'huge' ? 1 : 0;
  for (let i = 0; i < s.pte.length; i++) r += s.pte[i].kind === 'none' || s.pmd === 'huge' ? 0 : 1;
  return r + (s.drv.held ? 1 : 0);
}
