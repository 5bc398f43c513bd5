// __split_huge_pmd_locked (mm/huge_memory.c) on the state of the
// device-exclusive THP model: under the PMD lock a huge PMD becomes a page
// table whose PTEs map the subpages. Each PTE inherits the PMD's write bit
// and each subpage the head's AnonExclusive flag; the entire mapcount moves
// to per-subpage mapcounts, and the folio gains one reference per extra PTE
// (page_ref_add(page, HPAGE_PMD_NR - 1)). The folio stays large: a
// PTE-mapped THP. The caller brackets it with a CLEAR notifier over the huge
// range (__split_huge_pmd).

import type { DeState, RODe } from './de-state.ts';

export function splitPmdLocked(s: RODe, n: DeState): void {
  if (s.pmd !== 'huge') return;
  const excl = s.sub[0].excl;
  n.pmd = 'table';
  n.pmdW = false;
  n.folio.entire = 0;
  n.folio.ref = s.folio.ref + s.sub.length - 1;
  for (let i = 0; i < s.sub.length; i++) {
    n.pte[i].kind = 'present';
    n.pte[i].w = s.pmdW;
    n.sub[i].map = s.sub[i].map + 1;
    n.sub[i].excl = excl;
  }
}
