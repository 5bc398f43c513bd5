// State of the THP x fork x GUP x COW model: one anon THP folio of two
// subpages (pages 'head' and 'tail'), two small pages for COW copies, and
// one huge-aligned range in a parent and a child mm, each with a PMD slot
// (none / huge / page table) and two PTEs. docs/thp-model.md argues why two
// subpages suffice for the properties checked.
//
// Counters follow the kernel's large-folio accounting: the folio's
// _refcount and exact _pincount live on the head page (a large-folio pin
// is ref+1 and pincount+1), _entire_mapcount counts huge PMDs, each page
// has its own _mapcount (PTEs) and PG_anon_exclusive; a small page has its
// own counters (here pins are counted exactly as well: see
// docs/kernel-model.md on GUP_PIN_COUNTING_BIAS).

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
} from '../../../src/index.ts';

// The two mms are model I's (one domain, so traces name them alike).
export { Proc, PARENT, CHILD } from '../state.ts';
import { Proc } from '../state.ts';

/** Pages 0 and 1 are the THP's subpages; the rest are small pages for copies. */
export const Page = domain('Page', ['head', 'tail', 'X', 'Y', 'Z']);
export const SUBPAGES = 2;
export const Va = domain('Va', ['va0', 'va1']);

export const Content = enumOf('zero', 'old', 'parent', 'child', 'dma');
export type ContentValue = Infer<typeof Content>;

export const GUP_STEPS = ['fastRead', 'fastGrab', 'slowLock', 'follow', 'fault', 'slowUnlock', 'unpin'] as const;

/** GUP callers, one thread each; named by the scenario ('none' when there is none). */
export function holderDomain(names: readonly string[]): Domain {
  return domain('Holder', names.length > 0 ? names : ['none']);
}

export function cowSchema(Holder: Domain) {
  return record({
    /** ref, pins: the folio's (on the head) or a small page's; map/excl/data per page. */
    page: array(
      record({ free: bool(), ref: int(0, 7), pins: int(0, 2), map: int(0, 2), excl: bool(), data: Content }),
      Page,
    ),
    /** The THP's _entire_mapcount: huge PMDs mapping it. */
    entire: int(0, 2),
    mm: array(
      record({
        live: bool(),
        pmd: enumOf('none', 'huge', 'table'),
        pmdW: bool(),
        pte: array(record({ page: optional(ref(Page)), w: bool() }), Va),
        mmapW: bool(),
        mmapR: int(0, 2),
        hasPinned: bool(),
      }),
      Proc,
    ),
    forked: bool(),
    oom: bool(),
    fork: thread(['lock', 'copyPmd', 'forkSplit', 'copyPte', 'unlock'], {
      /** The VA copy_pte_range is at. */
      va: int(0, 1),
      /** The child's view was taken (fork copied the range). */
      copied: bool(),
    }),
    gup: array(
      thread(GUP_STEPS, {
      /** The page it holds (the subpage or small page at VA 0). */
      page: optional(ref(Page)),
      held: bool(),
      /** gup_fast's grabbed reference, not yet validated. */
      grabbed: bool(),
      /** Returned before fork copied the range (P5). */
      preFork: bool(),
      /** The owner has not unmapped the range since (P3/P4). */
      mapValid: bool(),
      }),
      Holder,
    ),
    user: array(
      record({ write: thread(['access', 'store']), unmap: thread(['zap']), exit: thread(['exit']) }),
      Proc,
    ),
  });
}

export type CowSchema = ReturnType<typeof cowSchema>;
export type CowState = Infer<CowSchema>;
export type ROCow = DeepReadonly<CowState>;

/** The page whose counters hold p's refcount and pins: the head for a subpage. */
export function folioOf(p: number): number {
  return p < SUBPAGES ? 0 : p;
}

/** The page mm m maps at VA 0 (a huge PMD maps the head there), or null. */
export function pageAt(s: ROCow, m: number, va: number): number | null {
  const x = s.mm[m];
  if (x.pmd === 'huge') return va;
  if (x.pmd === 'table') return x.pte[va].page;
  return null;
}

/** The lowest free small page, or -1 (computed at the top of a step). */
export function freeSmall(s: ROCow): number {
  let q = -1;
  for (let i = s.page.length - 1; i >= SUBPAGES; i--) q = s.page[i].free ? i : q;
  return q;
}

/** Drops one reference of page p's folio; a folio is freed at zero. */
export function putPage(n: CowState, p: number): void {
  const f = folioOf(p);
  n.page[f].ref = n.page[f].ref - 1;
  if (n.page[f].ref === 0) {
    const last = f === 0 ? SUBPAGES - 1 : f;
    for (let i = f; i <= last; i++) {
      n.page[i].free = true;
      n.page[i].excl = false;
      n.page[i].data = 'zero';
    }
  }
}
