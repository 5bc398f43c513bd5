// The THP x device-exclusive model: nouveau's SVM atomic fault loop
// (nouveau_atomic_range_fault) calling make_device_exclusive on a VA backed
// by an anon THP, with the kernel's PMD split, GUP (slow path, FOLL_WRITE,
// with or without FOLL_SPLIT_PMD), the CPU-fault restore of a
// device-exclusive entry, the device-exclusive rmap walk, and a user munmap
// as the outside invalidation. Every step is atomic under the lock the
// kernel holds (PMD lock, PTL, folio lock); mmap_lock is state. Seed 5
// (../shared/seeds/ 004) and B8a are specs over this model.

import { model, type Model } from '../../../src/index.ts';
import { deSchema, expectedRef, HEAD, MAX_RETRIES, type DeSchema, type DeState, type RODe } from './de-state.ts';
import { RANGES, insertInterval, invCanStart, invEnd, invStart, readBegin } from './notifier.ts';
import { splitPmdLocked } from './split.ts';

export type DeModel = Model<DeSchema>;

/** A make_device_exclusive design plus the driver loop around it. */
export interface DeDesign {
  /** (a) v9-era: split_huge_pmd_address -> __split_huge_pmd, always (no pmd_trans_huge pre-check). */
  readonly explicitSplit: boolean;
  /** (b) the merged one: GUP with FOLL_SPLIT_PMD splits only a huge PMD it finds. */
  readonly splitPmd: boolean;
  /** (c) Peter Xu: insert the interval after make_device_exclusive returns, before the folio unlock. */
  readonly lateInterval: boolean;
  /** make_device_exclusive keeps a device-exclusive entry already there instead of restoring it. */
  readonly keepDe: boolean;
  /** 'old': v5.14-v6.14 rmap walk (tail pages refused, mapcount dropped); 'new': v6.15 folio_walk. */
  readonly de: 'old' | 'new';
}

export interface DeScenario {
  /** Initial PMD slots: 'huge' (PMD-mapped THP) and/or 'table' (PTE-mapped THP). */
  readonly layouts: readonly ('huge' | 'table')[];
  /** VAs (subpages) the device faults on, one initial state each. */
  readonly targets: readonly number[];
  /** A user munmap of the range may happen at any time. */
  readonly zap: boolean;
  /** A CPU access to the target VA may happen at any time (restoring a device-exclusive entry). */
  readonly cpu?: boolean;
}

function initial(layout: 'huge' | 'table', target: number, d: DeDesign, zap: boolean, cpu: boolean): DeState {
  const huge = layout === 'huge';
  return {
    folio: { ref: huge ? 1 : 2, entire: huge ? 1 : 0, locked: false },
    sub: [
      { map: huge ? 0 : 1, excl: true },
      { map: huge ? 0 : 1, excl: true },
    ],
    pmd: layout,
    pmdW: huge,
    pte: [
      { kind: huge ? 'none' : 'present', w: !huge },
      { kind: huge ? 'none' : 'present', w: !huge },
    ],
    mmapW: false,
    mmapR: 0,
    nt: { registered: !d.lateInterval, active: 0, hit: false, dirty: false },
    mirror: false,
    drv: {
      pc: d.lateInterval ? 'mmapLock' : 'begin',
      target,
      mutex: false,
      held: false,
      viaGup: false,
      failed: false,
      retries: 0,
      outside: false,
    },
    zap: { pc: zap ? 'zapStart' : 'done' },
    cpu: { pc: cpu ? 'touch' : 'done' },
  };
}

/** Drops the driver's folio reference (and lock): put_page / unlock_page. */
function release(s: RODe, n: DeState, locked: boolean): void {
  n.folio.ref = s.folio.ref - 1;
  if (locked) n.folio.locked = false;
  n.drv.held = false;
}

/**
 * restore_exclusive_pte under the PTL after pte_same: the entry is a present
 * PTE again (the old design re-adds the rmap it dropped), then unlock_page.
 * Shared by the driver's GUP restore and a CPU access.
 */
function restoreExclusivePte(s: RODe, n: DeState, d: DeDesign): void {
  const t = s.drv.target;
  if (s.pte[t].kind === 'devx') {
    n.pte[t].kind = 'present';
    if (d.de === 'old') n.sub[t].map = s.sub[t].map + 1;
  }
  n.folio.locked = false;
}

export function deModel(d: DeDesign, sc: DeScenario): DeModel {
  const m = model(deSchema());
  for (const layout of sc.layouts) for (const t of sc.targets) m.init(initial(layout, t, d, sc.zap, !!sc.cpu));
  const afterMde = 'mmapUnlock' as const;
  const restore = d.de === 'old' ? RANGES.restoreOld : RANGES.restoreNew;
  m.thread('drv', {
    actor: 'driver',
    doc: 'nouveau_atomic_range_fault: read_begin, make_device_exclusive, read_retry',
    at: (s) => s.drv,
    // the driver keeps running while it can (a kernel thread, not a user decision)
    fairness: 'weak',
    steps: {
      mmapLock: {
        guard: (s) => !s.mmapW,
        apply: (s, n) => {
          n.mmapR = s.mmapR + 1;
          return 'gupPmd';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mmap_read_lock (design c: make_device_exclusive before the interval exists)',
      },
      begin: {
        guard: (s) => !s.nt.hit && (d.lateInterval || !s.mmapW),
        apply: (s, n) => {
          readBegin(n);
          if (d.lateInterval) return 'check';
          n.mmapR = s.mmapR + 1;
          return d.explicitSplit ? 'splitStart' : 'gupPmd';
        },
        kernel: 'mm/mmu_notifier.c: mmu_interval_read_begin',
        doc: 'waits while an invalidation of the interval is active; then mmap_read_lock',
      },
      splitStart: {
        guard: (s) => invCanStart(s, RANGES.split),
        apply: (s, n) => {
          invStart(s, n, RANGES.split);
        },
        kernel: 'mm/huge_memory.c: __split_huge_pmd',
        doc: 'mmu_notifier_invalidate_range_start(CLEAR, huge range, owner NULL)',
      },
      splitLocked: {
        apply: (s, n) => {
          splitPmdLocked(s, n);
        },
        kernel: 'mm/huge_memory.c: __split_huge_pmd_locked',
        doc: 'PMD lock; if still huge, split it into a page table',
      },
      splitEnd: {
        apply: (s, n) => {
          invEnd(s, n);
          if (s.drv.viaGup) {
            n.drv.viaGup = false;
            return 'followPte';
          }
          return 'gupPmd';
        },
        kernel: 'mm/huge_memory.c: __split_huge_pmd',
        doc: 'mmu_notifier_invalidate_range_only_end',
      },
      gupPmd: {
        apply: (s) => (s.pmd === 'huge' ? 'gupPmdLocked' : 'followPte'),
        kernel: 'mm/gup.c: follow_pmd_mask',
        doc: 'lockless pmd_trans_huge(pmdval): a page table goes to follow_page_pte',
      },
      gupPmdLocked: {
        apply: (s, n) => {
          if (s.pmd !== 'huge') return 'followPte';
          if (d.splitPmd) return 'splitCheck';
          // follow_trans_huge_pmd: FOLL_WRITE on the writable huge PMD, whole-folio grab.
          n.folio.ref = s.folio.ref + 1;
          n.drv.held = true;
          return 'trylock';
        },
        kernel: 'mm/gup.c: follow_pmd_mask',
        doc: 'pmd_lock, recheck; FOLL_SPLIT_PMD: unlock and split; else follow_trans_huge_pmd',
      },
      splitCheck: {
        apply: (s, n) => {
          if (s.pmd !== 'huge') return 'followPte';
          n.drv.viaGup = true;
          return 'splitStart';
        },
        kernel: 'include/linux/huge_mm.h: split_huge_pmd',
        doc: 'the lockless pmd_trans_huge pre-check before __split_huge_pmd',
      },
      followPte: {
        apply: (s, n) => {
          const t = s.drv.target;
          const e = s.pte[t];
          if (e.kind === 'none') {
            n.drv.failed = true;
            return afterMde;
          }
          if (e.kind === 'devx' && !d.keepDe) return 'restoreStart';
          // present and writable (the THP is exclusive and writable), or a kept entry
          n.folio.ref = s.folio.ref + 1;
          n.drv.held = true;
          return 'trylock';
        },
        kernel: 'mm/gup.c: follow_page_pte',
        doc: 'under the PTL: FOLL_WRITE on a writable PTE grabs; a device-exclusive entry faults',
      },
      restoreStart: {
        guard: (s) => !s.folio.locked && invCanStart(s, restore),
        apply: (s, n) => {
          n.folio.locked = true;
          invStart(s, n, restore);
        },
        kernel: 'mm/memory.c: remove_device_exclusive_entry',
        doc: 'do_swap_page: lock_page, then range_start(EXCLUSIVE, owner NULL): nobody can filter it',
      },
      restorePte: {
        apply: (s, n) => restoreExclusivePte(s, n, d),
        kernel: 'mm/memory.c: restore_exclusive_pte',
        doc: 'PTL, pte_same: the PTE is present again (old DE re-adds the rmap); unlock_page',
      },
      restoreEnd: {
        apply: (s, n) => {
          invEnd(s, n);
          return 'followPte';
        },
        kernel: 'mm/memory.c: remove_device_exclusive_entry',
        doc: 'range_end; GUP follows the PTE again',
      },
      trylock: {
        apply: (s, n) => {
          const t = s.drv.target;
          if (s.folio.locked || (d.de === 'old' && t !== HEAD)) {
            // trylock failed, or v5.14 page_make_device_exclusive: PageTail -> false
            release(s, n, false);
            n.drv.failed = true;
            return afterMde;
          }
          n.folio.locked = true;
          if (d.keepDe && s.pte[t].kind === 'devx') return afterMde;
          return 'walkStart';
        },
        kernel: d.de === 'old' ? 'mm/rmap.c: make_device_exclusive_range' : 'mm/rmap.c: make_device_exclusive',
        doc: 'trylock_page; the old design refuses tail pages (PageTail)',
      },
      walkStart: {
        apply: (s, n) => {
          invStart(s, n, RANGES.walk);
        },
        kernel: d.de === 'old' ? 'mm/rmap.c: page_make_device_exclusive_one' : 'mm/rmap.c: make_device_exclusive',
        doc: 'range_start(EXCLUSIVE, owner = the driver): the driver filters it out',
      },
      walkPte: {
        apply: (s, n) => {
          const t = s.drv.target;
          if (d.de === 'new') {
            const ok = s.pte[t].kind === 'present' && s.pte[t].w;
            if (ok) n.pte[t].kind = 'devx';
            n.drv.failed = !ok;
            return;
          }
          // The rmap walk of the head page visits every PTE mapping the folio.
          // A PTE that is not present (a device-exclusive entry left by an
          // earlier call) ends the walk; the PTEs before it are converted.
          let valid = false;
          let stop = false;
          let headMap = s.sub[HEAD].map;
          for (let i = 0; i < s.pte.length; i++) {
            stop = stop || s.pte[i].kind !== 'present';
            const conv = !stop;
            valid = valid || (conv && i === t && s.pte[i].w);
            headMap = conv && i === HEAD ? headMap - 1 : headMap;
            if (conv) {
              n.pte[i].kind = 'devx';
              n.sub[i].map = s.sub[i].map - 1;
            }
          }
          // page_make_device_exclusive: args.valid && !page_mapcount(page)
          n.drv.failed = !(valid && headMap + s.folio.entire === 0);
        },
        kernel: d.de === 'old' ? 'mm/rmap.c: page_make_device_exclusive_one' : 'mm/rmap.c: make_device_exclusive',
        doc: 'PTL: clear the PTE(s), install device-exclusive entries (old: mapcount dropped)',
      },
      walkEnd: {
        apply: (s, n) => {
          invEnd(s, n);
          if (s.drv.failed) release(s, n, true);
          return afterMde;
        },
        kernel: 'mm/rmap.c: make_device_exclusive_range',
        doc: 'range_end; on failure unlock_page, put_page: no page returned',
      },
      mmapUnlock: {
        apply: (s, n) => {
          n.mmapR = s.mmapR - 1;
          if (s.drv.failed) return 'done';
          if (d.lateInterval && !s.nt.registered) insertInterval(s, n);
          return d.lateInterval ? 'begin' : 'check';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mmap_read_unlock; no page: -EINVAL (design c: insert the interval now)',
      },
      check: {
        apply: (s, n) => {
          if (s.nt.dirty) {
            // b3fefbb30a16: a retry unlocks and puts the folio
            release(s, n, true);
            n.drv.retries = Math.min(s.drv.retries + 1, MAX_RETRIES);
            return d.lateInterval ? 'mmapLock' : 'begin';
          }
          n.drv.mutex = true;
          n.mirror = true;
          return 'finish';
        },
        kernel: 'mm/mmu_notifier.c: mmu_interval_read_retry',
        doc: 'mutex_lock(svmm); retry: unlock, unlock_page, put_page, loop; else program the GPU',
      },
      finish: {
        apply: (s, n) => {
          n.drv.mutex = false;
          release(s, n, true);
          return 'done';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mutex_unlock; unlock_page; put_page: CPU access now revokes the grant',
      },
    },
  });
  if (sc.zap) addZap(m, d);
  if (sc.cpu) addCpu(m, d);
  // Whether user space munmaps or touches the page is its choice (unfair);
  // once the kernel path has started, it completes.
  if (sc.zap) m.fair('weak', 'munmap-completes', { actions: ['zap'], where: (s) => s.zap.pc !== 'zapStart' });
  if (sc.cpu) m.fair('weak', 'cpu-fault-completes', { actions: ['cpu'], where: (s) => s.cpu.pc !== 'touch' });
  return m;
}

/**
 * A CPU load or store to the target VA. On a device-exclusive entry it
 * faults: do_swap_page -> remove_device_exclusive_entry, which sleeps in
 * lock_page while the driver holds the folio lock (from make_device_
 * exclusive's trylock until the driver's final unlock). On a present PTE it
 * just completes.
 */
function addCpu(m: DeModel, d: DeDesign): void {
  const restore = d.de === 'old' ? RANGES.restoreOld : RANGES.restoreNew;
  m.thread('cpu', {
    actor: 'cpu',
    doc: 'a CPU access to the VA the device faulted on',
    at: (s) => s.cpu,
    steps: {
      touch: {
        guard: (s) => s.pte[s.drv.target].kind !== 'devx' || (!s.folio.locked && invCanStart(s, restore)),
        apply: (s, n) => {
          if (s.pmd === 'huge' || s.pte[s.drv.target].kind !== 'devx') return 'done';
          n.folio.locked = true;
          invStart(s, n, restore);
          if (s.drv.pc !== 'done') n.drv.outside = true;
        },
        kernel: 'mm/memory.c: remove_device_exclusive_entry',
        doc: 'a present PTE: done; a device-exclusive entry: lock_page (waits), range_start(owner NULL)',
      },
      cpuRestorePte: {
        apply: (s, n) => restoreExclusivePte(s, n, d),
        kernel: 'mm/memory.c: restore_exclusive_pte',
        doc: 'PTL, pte_same: the PTE is present again; unlock_page',
      },
      cpuRestoreEnd: {
        apply: (s, n) => {
          invEnd(s, n);
          return 'done';
        },
        kernel: 'mm/memory.c: remove_device_exclusive_entry',
        doc: 'range_end; the access completes',
      },
    },
  });
}

function addZap(m: DeModel, d: DeDesign): void {
  m.thread('zap', {
    actor: 'user',
    doc: 'munmap of the range (an invalidation from outside the driver)',
    at: (s) => s.zap,
    steps: {
      zapStart: {
        guard: (s) => !s.mmapW && s.mmapR === 0 && invCanStart(s, RANGES.unmap),
        apply: (s, n) => {
          n.mmapW = true;
          invStart(s, n, RANGES.unmap);
          if (s.drv.pc !== 'done') n.drv.outside = true;
        },
        kernel: 'mm/mmap.c: unmap_region',
        doc: 'mmap_write_lock; range_start(UNMAP)',
      },
      zapPtes: {
        apply: (s, n) => {
          let ref = s.folio.ref;
          if (s.pmd === 'huge') {
            ref -= 1;
            n.folio.entire = 0;
            n.pmd = 'table';
            n.pmdW = false;
          } else {
            for (let i = 0; i < s.pte.length; i++) {
              const k = s.pte[i].kind;
              ref -= k === 'none' ? 0 : 1;
              if (k === 'present' || (k === 'devx' && d.de === 'new')) n.sub[i].map = s.sub[i].map - 1;
              n.pte[i].kind = 'none';
              n.pte[i].w = false;
            }
          }
          n.folio.ref = ref;
        },
        kernel: 'mm/memory.c: zap_pte_range',
        doc: 'zap_huge_pmd or, per PTE, clear it (a device-exclusive entry too) and drop its reference',
      },
      zapEnd: {
        apply: (s, n) => {
          invEnd(s, n);
          n.mmapW = false;
        },
        kernel: 'mm/mmap.c: unmap_region',
        doc: 'range_end; the VMA is gone',
      },
    },
  });
}

// ---- properties ----

export const DE_PROP = {
  P10: 'P10-mirror-sound',
  P11b: 'P11-bounded-retries',
  P11f: 'P11-no-spurious-failure',
  P12: 'P12-thp-refcounts',
  LOC: 'de-only-at-target',
  I6: 'I6-mapcount-counts-devx',
  P11L: 'P11-loop-ends',
} as const;

/** P10: the device's atomic mapping of the target is backed by the target's device-exclusive entry. */
export function mirrorSound(s: RODe): boolean {
  return !s.mirror || (s.pmd === 'table' && s.pte[s.drv.target].kind === 'devx');
}

/**
 * P11, bounded-retries safety form: without an outside invalidation the
 * loop retries at most once (the FOLL_SPLIT_PMD argument of seed 5).
 */
export function boundedRetries(s: RODe): boolean {
  return s.drv.outside || s.drv.retries <= 1;
}

/** P11 (end): the loop does not give up with an error unless something outside invalidated it. */
export function noSpuriousFailure(s: RODe): boolean {
  return !(s.drv.pc === 'done' && s.drv.failed && !s.drv.outside);
}

/**
 * P12 for this model: the folio's refcount counts the huge PMD, every PTE
 * and device-exclusive entry, and the driver's reference; a subpage's
 * mapcount counts its PTEs (and, in the v6.15 design, its device-exclusive
 * entry: the old design dropped it, primer I6/B8c).
 */
export function thpRefcounts(s: RODe, d: DeDesign): boolean {
  let ok = s.folio.ref === expectedRef(s) && s.folio.entire === (s.pmd === 'huge' ? 1 : 0);
  for (let i = 0; i < s.sub.length; i++) {
    const k = s.pmd === 'table' ? s.pte[i].kind : 'none';
    const want = (k === 'present' ? 1 : 0) + (k === 'devx' && d.de === 'new' ? 1 : 0);
    ok = ok && s.sub[i].map === want;
  }
  return ok;
}

/** I6 (primer): a subpage's mapcount counts its device-exclusive entry too (B8c). */
export function mapcountCountsDevx(s: RODe): boolean {
  let ok = true;
  for (let i = 0; i < s.sub.length; i++) {
    const k = s.pmd === 'table' ? s.pte[i].kind : 'none';
    ok = ok && s.sub[i].map === (k === 'present' || k === 'devx' ? 1 : 0);
  }
  return ok;
}

/** Only the VA the device asked for lost its CPU translation. */
export function deOnlyAtTarget(s: RODe): boolean {
  let ok = true;
  for (let i = 0; i < s.pte.length; i++) ok = ok && !(i !== s.drv.target && s.pte[i].kind === 'devx');
  return ok;
}

export function addDeProperties(m: DeModel, d: DeDesign, which: readonly (keyof typeof DE_PROP)[]): void {
  const add = (k: keyof typeof DE_PROP, f: (s: RODe) => boolean, doc: string) => {
    if (which.includes(k)) m.always(DE_PROP[k], f, { doc });
  };
  add('P10', mirrorSound, 'a device atomic mapping is backed by the device-exclusive entry');
  add('P11b', boundedRetries, 'no outside invalidation: at most one retry (safety form of P11)');
  add('P11f', noSpuriousFailure, 'no outside invalidation: the atomic fault does not fail');
  add('P12', (s) => thpRefcounts(s, d), 'refcount and mapcounts count the entries that map the folio');
  add('LOC', deOnlyAtTarget, 'no VA other than the target became device-exclusive');
  add('I6', mapcountCountsDevx, 'mapcount = PTEs + device-exclusive entries mapping the subpage');
  if (which.includes('P11L')) {
    // P11 as a progress property: under weak fairness of the driver, with
    // user-space munmap and CPU access free to happen or not, the atomic
    // fault loop ends (granted or failed). A livelock is a lasso.
    m.eventually(DE_PROP.P11L, (s) => s.drv.pc === 'done', { doc: 'the driver read_begin/read_retry loop ends' });
  }
}
