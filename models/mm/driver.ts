// The device driver's side: one GPU atomic fault handled by the nouveau
// loop (drivers/gpu/drm/nouveau/nouveau_svm.c nouveau_atomic_range_fault,
// 8f187163eb89, v5.14; b3fefbb30a16 in 2025) around make_device_exclusive
// (mm/rmap.c; make_device_exclusive_range before v6.15), and the device
// using the atomic grant it programs.
//
//   begin    mmu_interval_read_begin: snapshot mni->invalidate_seq; if an
//   wait     invalidation of the interval is in flight, wait for its end
//   mlock    mmap_read_lock (waits for fork, munmap, mprotect)
//   gup      get_user_pages_remote(FOLL_GET|FOLL_WRITE|FOLL_SPLIT_PMD):
//            follow_page_pte on a present writable PTE takes a reference;
//            otherwise faultin_page (fault.ts, prefix g: COW, or the
//            restore of a device-exclusive entry) and follow again
//   flock    'range': folio_trylock (fails: put, no page);
//            'single': folio_lock (waits)
//   xStart   mmu_notifier_invalidate_range_start(EXCLUSIVE, owner = driver)
//   xInv     the interval callback (ignored with the owner filter)
//   install  under the PTL: 'range': rmap walk, every present PTE of the
//            folio becomes a readable/writable device-exclusive entry and
//            loses its mapcount (folio_remove_rmap_pte), success iff the
//            target was mapped writable and mapcount is now 0; 'single':
//            folio_walk finds the same page mapped writable at PTE level,
//            ptep_clear_flush and one (writable) entry type, mapcount kept
//   xEnd     range_end; on failure folio_unlock + folio_put, then 'range':
//            no page, 'single': retry from gup
//   munlock  mmap_read_unlock; no page: -EINVAL, the fault is cancelled
//   lock     mutex_lock(&svmm->mutex)
//   check    mmu_interval_read_retry: retry -> mutex_unlock and (since
//            b3fefbb30a16) folio_unlock + folio_put, back to begin
//   map      program the GPU PTE (RW + atomic), mutex_unlock
//   release  folio_unlock, folio_put
//
// The timeout (HMM_RANGE_DEFAULT_TIMEOUT) is MAX_TRIES rounds: begin then
// gives up with -EBUSY. The interval notifier is registered for the whole
// run (nouveau inserts it per fault before the loop and removes it after:
// the model sees the invalidations of a longer window, never fewer).
// Left out: the GPU fault buffer, replay/cancel, FOLL_SPLIT_PMD (no THP
// here), nouveau's second (svmm) notifier that zaps GPU PTEs (one
// callback does both here, as test_hmm's dmirror_interval_invalidate).

import type { MmConfig } from './kernels.ts';
import { faultEntry, faultSteps, type FaultCtx } from './fault.ts';
import { callback, callbackReady, rangeEnd, rangeStart, readBeginWaits, readBeginWoken, readRetry, type MnRange } from './notifier.ts';
import { fairness, notifierConfig, type MmModel } from './paths.ts';
import type { Scenario } from './scenario.ts';
import { MAX_TRIES, PARENT, freePage, putRef, type ROState } from './state.ts';

const OWN_EXCLUSIVE: MnRange = { event: 'EXCLUSIVE', ownerIsDriver: true };

export function addDriver(m: MmModel, k: MmConfig, sc: Scenario): void {
  const D = sc.driver!;
  const nc = notifierConfig(k, sc);
  const c: FaultCtx<'g', 'gup'> = {
    prefix: 'g',
    mm: PARENT,
    k,
    nc,
    unshare: false,
    at: (s) => s.drv,
    nat: (n) => n.drv,
    next: 'gup',
  };
  const started = (s: ROState) => D.start !== 'afterFork' || s.forked;
  m.thread('driver', {
    ...fairness(sc),
    actor: 'driver',
    doc: 'the GPU driver handles one atomic fault: make_device_exclusive, then map the page RW+atomic',
    at: (s) => s.drv,
    steps: {
      begin: {
        guard: started,
        apply: (s, n) => {
          if (s.drv.tries >= MAX_TRIES) return 'done';
          n.drv.tries = s.drv.tries + 1;
          n.drv.seq = s.mn.iseq;
          return readBeginWaits(s) ? 'wait' : 'mlock';
        },
        kernel: 'mm/mmu_notifier.c: mmu_interval_read_begin',
        doc: 'timeout check; seq = mni->invalidate_seq, invalidating if it equals the odd global seq',
      },
      wait: {
        guard: (s) => readBeginWoken(s, s.drv.seq),
        apply: () => 'mlock',
        kernel: 'mm/mmu_notifier.c: mmu_interval_read_begin',
        doc: 'wait_event until the global invalidate_seq moved on (the range ended)',
      },
      mlock: {
        guard: (s) => !s.mm[PARENT].mmapW,
        apply: (s, n) => {
          n.mm[PARENT].mmapR = s.mm[PARENT].mmapR + 1;
          return 'gup';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mmap_read_lock(mm)',
      },
      gup: {
        apply: (s, n) => {
          const e = s.pte[PARENT];
          const p = e.page;
          if (p === null || !s.mm[PARENT].vmaW) return 'munlock';
          if (!e.dx && e.w) {
            n.page[p].ref = s.page[p].ref + 1;
            n.drv.page = p;
            return 'flock';
          }
          return faultEntry(s, n, c) ?? 'munlock';
        },
        kernel: 'mm/gup.c: follow_page_pte',
        doc: 'FOLL_GET|FOLL_WRITE: a present writable PTE is grabbed; else faultin_page; no PTE or no VM_WRITE: error',
      },
      ...(faultSteps(c, freePage) as {}),
      flock: {
        guard: (s) => {
          const p = s.drv.page;
          return k.de === 'range' || p === null || !s.page[p].lock;
        },
        apply: (s, n) => {
          const p = s.drv.page;
          if (p === null) return 'munlock';
          if (s.page[p].lock) {
            putRef(n, p);
            n.drv.page = null;
            return 'munlock';
          }
          n.page[p].lock = true;
          n.drv.locked = true;
          return 'xStart';
        },
        kernel: k.de === 'range' ? 'mm/rmap.c: make_device_exclusive_range' : 'mm/rmap.c: make_device_exclusive',
        doc: k.de === 'range' ? 'folio_trylock: failure puts the page and skips it' : 'folio_lock_killable',
      },
      xStart: {
        apply: (s, n) => {
          rangeStart(s, n);
          return 'xInv';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_start_range',
        doc: 'mmu_notifier_range_init_owner(EXCLUSIVE, owner = the driver); range_start',
      },
      xInv: {
        guard: (s) => callbackReady(s, OWN_EXCLUSIVE, nc),
        apply: (s, n) => {
          callback(s, n, OWN_EXCLUSIVE, nc);
          return 'install';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_invalidate',
        doc: "the driver's own interval callback: ignored only with the owner filter",
      },
      install: {
        apply: (s, n) => {
          const p = s.drv.page;
          if (p === null) return 'xEnd';
          if (k.de === 'single') {
            const e = s.pte[PARENT];
            const ok = e.page === p && !e.dx && e.w;
            if (ok) n.pte[PARENT].dx = true;
            n.drv.ok = ok;
            return 'xEnd';
          }
          // rmap walk over every mapping of the folio (both mms).
          let valid = false;
          let maps = s.page[p].map;
          for (let i = 0; i < s.pte.length; i++) {
            const hit = s.pte[i].page === p && !s.pte[i].dx;
            valid = valid || (hit && i === PARENT && s.pte[i].w);
            maps = maps - (hit ? 1 : 0);
            n.pte[i].dx = s.pte[i].dx || hit;
          }
          n.page[p].map = maps;
          n.drv.ok = valid && maps === 0;
          return 'xEnd';
        },
        kernel: k.de === 'range' ? 'mm/rmap.c: page_make_device_exclusive_one' : 'mm/rmap.c: make_device_exclusive',
        doc:
          k.de === 'range'
            ? 'per mapping: ptep_clear_flush, readable/writable exclusive entry, folio_remove_rmap_pte (the reference is kept)'
            : 'folio_walk_start: same page, PTE level, writable? ptep_clear_flush, device-exclusive entry (mapcount kept)',
      },
      xEnd: {
        apply: (s, n) => {
          rangeEnd(s, n);
          const p = s.drv.page;
          if (s.drv.ok || p === null) return 'munlock';
          n.page[p].lock = false;
          putRef(n, p);
          n.drv.page = null;
          n.drv.locked = false;
          return k.de === 'single' ? 'gup' : 'munlock';
        },
        kernel: 'mm/mmu_notifier.c: mn_itree_inv_end',
        doc: 'range_end; on failure folio_unlock + folio_put and (v6.15) retry the GUP',
      },
      munlock: {
        apply: (s, n) => {
          n.mm[PARENT].mmapR = s.mm[PARENT].mmapR - 1;
          return s.drv.page === null ? 'done' : 'lock';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mmap_read_unlock; no page: -EINVAL, the GPU fault is cancelled',
      },
      lock: {
        guard: (s) => !s.dev.lock,
        apply: (_s, n) => {
          n.dev.lock = true;
          return 'check';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'mutex_lock(&svmm->mutex)',
      },
      check: {
        apply: (s, n) => {
          if (!readRetry(s, s.drv.seq)) return 'map';
          n.dev.lock = false;
          const p = s.drv.page;
          if (p !== null && k.retryReleases) {
            n.page[p].lock = false;
            putRef(n, p);
          }
          if (!k.retryReleases) n.drv.leaked = p;
          n.drv.page = null;
          n.drv.locked = false;
          n.drv.ok = false;
          return 'begin';
        },
        kernel: 'mm/mmu_notifier.c: mmu_interval_read_retry',
        doc: k.retryReleases
          ? 'retry: mutex_unlock, folio_unlock, folio_put, loop (b3fefbb30a16)'
          : 'retry: mutex_unlock and loop, the folio still locked and referenced (before b3fefbb30a16)',
      },
      map: {
        apply: (s, n) => {
          n.dev.page = s.drv.page;
          n.dev.perm = 'atomic';
          n.dev.lock = false;
          return 'release';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'nvif_object_ioctl: the GPU PTE, V|W|A; mutex_unlock',
      },
      release: {
        apply: (s, n) => {
          const p = s.drv.page;
          if (p !== null) {
            n.page[p].lock = false;
            putRef(n, p);
          }
          n.drv.page = null;
          n.drv.locked = false;
          return 'done';
        },
        kernel: 'drivers/gpu/drm/nouveau/nouveau_svm.c: nouveau_atomic_range_fault',
        doc: 'folio_unlock, folio_put: from now on a CPU access revokes the grant',
      },
    },
  });
}

/**
 * The device writes through its mirror with its atomic grant (no kernel
 * code). Content written before fork copied the VA is part of what the
 * child may see ('old'); after, it is the parent's (the device works for
 * the process that owns the grant).
 */
export function addDeviceWrite(m: MmModel): void {
  m.action('deviceAtomic', {
    actor: 'device',
    doc: 'the GPU performs an atomic write through its RW+atomic mirror',
    guard: (s) => {
      const p = s.dev.page;
      return s.dev.perm === 'atomic' && p !== null && s.page[p].data !== (s.fork.copied ? 'parent' : 'old');
    },
    apply: (s, n) => {
      const p = s.dev.page;
      if (p !== null) n.page[p].data = s.fork.copied ? 'parent' : 'old';
    },
    kernel: '(device atomic access, no kernel code)',
  });
}
