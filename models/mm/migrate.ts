// Migration of the anon folio at the parent's VA, driven by memory offline
// (mm-primer §2.12, §3 B8c), as a thread of the kernel's steps:
//
//   isolate  offline_pages -> do_migrate_range (mm/memory_hotplug.c): the
//            folio is free: the block is done. Else folio_try_get and
//            isolate_folio_to_list (off the LRU): migration now holds one
//            reference, the one folio_migrate_mapping expects.
//   mLock    migrate_pages -> migrate_folio_unmap (__unmap_and_move before
//            v6.3): folio_trylock(src); contended: -EAGAIN. (Later passes
//            of migrate_pages sleep in folio_lock instead; the retry loop
//            here covers both: the attempt succeeds once the lock is free.)
//            folio_mapped(src)? Then try_to_migrate; else straight to the
//            move. The old device-exclusive design dropped the mapcount
//            of the entry, so its folio looks unmapped and is never walked.
//   mStart   try_to_migrate -> try_to_migrate_one (mm/rmap.c):
//   mInv     mmu_notifier_invalidate_range_start(MMU_NOTIFY_CLEAR, owner
//            none: the source says CLEAR, not MIGRATE, which only
//            migrate_vma_* (device-private migration) uses) and the
//            interval callback, which zaps the device mirror.
//   move     Under the PTL, the rmap walk over every PTE mapping src:
//            present, or (v6.15, "Handle PFN swap PTEs, such as
//            device-exclusive ones") a device-exclusive entry. An
//            AnonExclusive, maybe-pinned page makes
//            folio_try_share_anon_rmap_pte fail: the PTE is restored and
//            the walk aborts (before v5.19 the refcount check below fails
//            instead: same outcome). Otherwise every mapping becomes a
//            migration entry (folio_remove_rmap_pte, folio_put), then
//            migrate_folio_move -> folio_migrate_mapping: an anon folio
//            moves only if folio_ref_count(src) == expected_count (1, the
//            isolation reference), else -EAGAIN and remove_migration_ptes
//            puts src back. On success dst is mapped where src was:
//            writable if the PTE was present and writable (a writable
//            migration entry), else read-only keeping AnonExclusive (a
//            device-exclusive entry becomes a readable exclusive one).
//   mEnd     mmu_notifier_invalidate_range_end.
//   putback  folio_unlock(src); the isolation reference is dropped
//            (putback_movable_folio on failure; after success it is the
//            last reference and src is freed). Not free yet: offline_pages
//            loops and tries again (until a signal, which the model never
//            sends): the retry loop of B8c.
//
// One abstraction, argued: try_to_migrate_one's PTE change, the refcount
// test and remove_migration_ptes are one step ('move'). Between them the
// PTEs are migration entries and src is locked; every modelled path that
// touches the VA would wait in migration_entry_wait (a fault, slow GUP) or
// fall back from it (gup_fast sees a non-present PTE), so none can observe
// the window or add a reference to src inside it; a reference dropped
// inside it (an unpin) is equivalent to one dropped just before or just
// after the step, which the search explores. The notifier callback runs
// before the step, as the kernel's range_start precedes the PTE change.
// Left out: THP and large folios (split_folio), the swap cache, KSM,
// non-LRU movable pages, the dst allocation failing, hugetlb, and
// memory offline's other checks (unmovable pages, isolation of the block:
// a freed page of the block is never reallocated here because the thread
// ends as soon as it is free).

import { model } from '../../src/index.ts';
import type { MmConfig } from './kernels.ts';
import { callback, callbackReady, notifying, rangeEnd, rangeStart, type MnRange } from './notifier.ts';
import { initialState, addPaths } from './fork-pin-model.ts';
import { fairness, notifierConfig, type MmModel } from './paths.ts';
import { addProperties, gupPins, gupRefs, pathRefs, ptesMapping, PROP, type PropId } from './properties.ts';
import type { Scenario } from './scenario.ts';
import {
  MIG_TRIES_SAT,
  PARENT,
  freePage,
  maybePinned,
  migSchema,
  putRef,
  type MigSchema,
  type MigState,
  type ROMig,
} from './state.ts';
import type { Model } from '../../src/index.ts';

export type MigModel = Model<MigSchema>;

/** The folio in the memory block being offlined: the parent's page at the start. */
export const OFFLINE_PAGE = 0;

const MIGRATION_RANGE: MnRange = { event: 'CLEAR', ownerIsDriver: false };

/** P15's name in verdict tables. */
export const P15 = 'P15-migration-completes';
/** The control: migration completes with no exception (a pinned page is not moved: violated there). */
export const OFFLINE_COMPLETES = 'offline-completes-unconditionally';

/**
 * The rmap walk of try_to_migrate finds this PTE of page p: a present PTE,
 * or since the 2025 rework a device-exclusive entry (which then has a
 * mapcount). An old device-exclusive entry is not found (no rmap).
 */
function walkFinds(s: ROMig, k: MmConfig, i: number, p: number): boolean {
  return s.pte[i].page === p && (!s.pte[i].dx || k.de === 'single');
}

/**
 * The page carries a pin that will never be released: a FOLL_PIN holder
 * that has its reference and no unpin step left. P15 promises nothing for
 * such a page (the primer's P15: pinned pages are not moved).
 */
export function pinnedForGood(s: ROMig, sc: Scenario, p: number): boolean {
  let pinned = false;
  for (let h = 0; h < sc.holders.length; h++) {
    const H = sc.holders[h];
    const g = s.gup[h];
    pinned = pinned || (H.pin && !H.release && g.held && g.page === p);
  }
  return pinned;
}

/** P12 with migration's isolation reference counted (refcountsExact of properties.ts, plus mig.src). */
export function refcountsExactMig(s: ROMig, sc: Scenario): boolean {
  let ok = true;
  for (let p = 0; p < s.page.length; p++) {
    const pg = s.page[p];
    const maps = ptesMapping(s, p);
    const refs = maps + gupRefs(s, sc, p) + pathRefs(s, sc, p) + (s.mig.src === p ? 1 : 0);
    ok = ok && !(pg.map !== maps || pg.pins !== gupPins(s, sc, p) || pg.ref !== refs);
    ok = ok && !(pg.free !== (pg.ref === 0));
  }
  return ok || s.fork.pc === 'copy';
}

/**
 * The offline loop may run try_to_migrate's notifier range any number of
 * times, and each one moves the sequence numbers on by 2; the model's
 * counters are bounded (SEQ_MAX). The notifier protocol only compares
 * them (readBeginWaits: iseq === seq, odd; readBeginWoken: seq !== the
 * driver's snapshot; readRetry: iseq !== the snapshot) and never against
 * a constant, so shifting all of them down by the same even amount
 * changes no step's outcome. Called after rangeStart (n.mn.seq is odd,
 * iseq <= seq always). The driver's snapshot is dead outside read_begin
 * .. read_retry (pc 'begin' overwrites it, 'done' never reads it) and is
 * then set to 0; a live snapshot older than iseq can only make read_retry
 * and the wake-up true, which any smaller value does too, so it becomes 0
 * below the shifted iseq (>= 2).
 */
export function renumber(s: ROMig, n: MigState): void {
  const iseq = n.mn.iseq;
  const live = s.drv.pc !== 'begin' && s.drv.pc !== 'done';
  const current = live && s.drv.seq === iseq;
  const shift = current || !live ? iseq - (iseq % 2) : Math.max(0, iseq - (iseq % 2) - 2);
  n.mn.seq = n.mn.seq - shift;
  n.mn.iseq = iseq - shift;
  n.drv.seq = current ? s.drv.seq - shift : shift > 0 || !live ? 0 : s.drv.seq;
}

/** The memory-offline thread: the migration of OFFLINE_PAGE, retried until it is free. */
export function addMigration(m: MigModel, k: MmConfig, sc: Scenario): void {
  const nc = notifierConfig(k, sc);
  const nfy = notifying(nc, PARENT);
  m.thread('offline', {
    ...fairness(sc),
    actor: 'offline',
    doc: 'memory offline of the block holding the parent page: migrate it, retry until it is free',
    at: (s) => s.mig,
    steps: {
      isolate: {
        apply: (s, n) => {
          const p = OFFLINE_PAGE;
          if (s.page[p].free) return 'done';
          n.page[p].ref = s.page[p].ref + 1;
          n.mig.src = p;
          n.mig.tries = s.mig.tries < MIG_TRIES_SAT ? s.mig.tries + 1 : s.mig.tries;
          return 'mLock';
        },
        kernel: 'mm/memory_hotplug.c: do_migrate_range',
        doc: 'a free page is done; else folio_try_get + isolate_folio_to_list, then migrate_pages',
      },
      mLock: {
        apply: (s, n) => {
          const p = s.mig.src;
          if (p === null) return 'putback';
          if (s.page[p].lock) return 'putback';
          n.page[p].lock = true;
          n.mig.locked = true;
          if (s.page[p].map > 0 && nfy) return 'mStart';
          return 'move';
        },
        kernel: k.migrateBatched ? 'mm/migrate.c: migrate_folio_unmap' : 'mm/migrate.c: __unmap_and_move',
        doc: 'folio_trylock (contended: -EAGAIN); folio_mapped? try_to_migrate, else straight to the move',
      },
      mStart: {
        apply: (s, n) => {
          rangeStart(s, n);
          renumber(s, n);
          n.mig.unmapped = true;
          return 'mInv';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
        doc: 'try_to_migrate_one: mmu_notifier_invalidate_range_start(CLEAR)',
      },
      mInv: {
        guard: (s) => callbackReady(s, MIGRATION_RANGE, nc),
        apply: (s, n) => {
          callback(s, n, MIGRATION_RANGE, nc);
          return 'move';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
        doc: 'the interval callback for the migration range (owner none: never filtered)',
      },
      move: {
        apply: (s, n) => {
          const p = s.mig.src;
          const q = freePage(s);
          const after = s.mig.unmapped ? 'mEnd' : 'putback';
          if (p === null) return after;
          // The rmap walk runs only if folio_mapped() was true (mLock).
          const walk = s.page[p].map > 0;
          let found = 0;
          let dx = false;
          for (let i = 0; i < s.pte.length; i++) {
            const hit = walk && walkFinds(s, k, i, p);
            found = found + (hit ? 1 : 0);
            dx = dx || (hit && s.pte[i].dx);
          }
          const pinnedExclusive = found > 0 && s.page[p].excl && maybePinned(s, p);
          // After the walk: mapcount and refcount without the mappings found.
          const stillMapped = s.page[p].map - found > 0;
          const expected = s.page[p].ref - found === 1;
          // Nothing found (an old device-exclusive entry has no rmap; or
          // every mapping is gone): refcount 1 is migrate_pages_batch's
          // "freed from under us" (no move, putback frees it), more is
          // -EAGAIN from folio_migrate_mapping. Either way dst is unused.
          if (found === 0 || pinnedExclusive || stillMapped || !expected || q < 0) {
            n.oom = n.oom || (q < 0 && found > 0 && !pinnedExclusive && !stillMapped && expected);
            return after;
          }
          // folio_migrate_mapping succeeded: dst takes src's place.
          const dst = n.page[q];
          dst.free = false;
          dst.ref = found;
          dst.map = found;
          dst.pins = 0;
          dst.excl = s.page[p].excl;
          dst.data = s.page[p].data;
          dst.lock = false;
          for (let i = 0; i < s.pte.length; i++) {
            if (walk && walkFinds(s, k, i, p)) {
              n.pte[i].page = q;
              n.pte[i].w = s.pte[i].w && !s.pte[i].dx;
              n.pte[i].dx = false;
            }
          }
          n.page[p].map = 0;
          n.page[p].ref = 1;
          n.page[p].excl = false;
          n.mig.movedDx = s.mig.movedDx || dx;
          return after;
        },
        kernel: k.migrateBatched ? 'mm/migrate.c: folio_migrate_mapping' : 'mm/migrate.c: migrate_page_move_mapping',
        doc: 'try_to_migrate_one under the PTL (pinned exclusive: restore, abort); refcount == 1 (the isolation ref)? copy to dst and remove_migration_ptes; else -EAGAIN',
      },
      mEnd: {
        apply: (s, n) => {
          rangeEnd(s, n);
          n.mig.unmapped = false;
          return 'putback';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
        doc: 'try_to_migrate_one: mmu_notifier_invalidate_range_end',
      },
      putback: {
        apply: (s, n) => {
          const p = s.mig.src;
          n.mig.src = null;
          n.mig.locked = false;
          if (p === null) return 'isolate';
          if (s.mig.locked) n.page[p].lock = false;
          putRef(n, p);
          return s.page[p].ref === 1 ? 'done' : 'isolate';
        },
        kernel: k.migrateBatched ? 'mm/migrate.c: migrate_folio_undo_src' : 'mm/migrate.c: unmap_and_move',
        doc: 'folio_unlock; the isolation reference is put back (putback_movable_pages) or, after a move, freed with src; offline_pages retries',
      },
    },
  });
}

/**
 * The model of a scenario with memory offline migrating OFFLINE_PAGE:
 * the ordinary paths (fork-pin-model.ts), the offline thread, the chosen
 * properties with P12 counting migration's reference, and P15.
 */
export function migrateModel(k: MmConfig, sc: Scenario, props: readonly PropId[]): MigModel {
  const m = model(migSchema(sc.pages, sc.holderDomain));
  const init: MigState = {
    ...initialState(sc),
    mig: { pc: 'isolate', src: null, locked: false, unmapped: false, movedDx: false, tries: 0 },
  };
  m.init(init);
  // The ordinary paths read and write only the fields they know; the
  // offline thread's own fields pass through their steps unchanged.
  const shared = m as unknown as MmModel;
  addPaths(shared, k, sc);
  addProperties(
    shared,
    sc,
    props.filter((id) => id !== 'P12'),
  );
  if (props.includes('P12'))
    m.always(PROP.P12, (s) => refcountsExactMig(s, sc), {
      doc: 'P12 (I5, I6) refcount, mapcount and pin count match the references (migration isolation counted)',
    });
  addMigration(m, k, sc);
  m.eventually(P15, (s) => s.mig.pc === 'done' || pinnedForGood(s, sc, OFFLINE_PAGE), {
    doc: 'P15 memory offline migrates the page away unless it stays pinned, under strong fairness of every path',
  });
  return m;
}
