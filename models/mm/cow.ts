// The write/unshare fault on a present read-only PTE of a private anon page:
// do_wp_page (mm/memory.c) under the PTL, with the era's reuse test.

import type { KernelDesign } from './kernels.ts';
import { allocPage, putRef, type MmState, type ROState } from './state.ts';

/** Whether do_wp_page may keep page p (make it writable in place) instead of copying. */
export function canReuse(s: ROState, p: number, k: KernelDesign): boolean {
  const pg = s.page[p];
  if (k.reuse === 'mapcount') return pg.map === 1;
  if (k.reuse === 'refcount') return pg.ref === 1;
  return pg.excl || pg.ref === 1;
}

/**
 * do_wp_page for mm m: reuse (wp_page_reuse; with unshare the PTE stays
 * read-only, the page just becomes exclusive) or copy (wp_page_copy: a new
 * exclusive page with the same content replaces the old one in the PTE, and
 * the old page loses this mapping and its reference).
 * free is freePage(s), the page a copy would use.
 * Left out: wp_page_copy drops the PTL to allocate and re-checks pte_same
 * afterwards; here the whole fault is one atomic step.
 */
export function wpFault(s: ROState, n: MmState, m: number, unshare: boolean, k: KernelDesign, free: number): void {
  const p = s.pte[m].page;
  if (p === null || s.pte[m].w) return;
  if (canReuse(s, p, k)) {
    n.page[p].excl = true;
    if (!unshare) n.pte[m].w = true;
    return;
  }
  const q = free;
  if (!allocPage(n, q, s.page[p].data)) return;
  n.pte[m].page = q;
  n.pte[m].w = !unshare;
  n.page[p].map = n.page[p].map - 1;
  putRef(n, p);
}
