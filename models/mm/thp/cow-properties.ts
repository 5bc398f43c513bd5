// mm-primer section 4 P1-P6 and P12 over the THP x fork x GUP x COW state. Who
// wrote a page is in the state (data), so "who sees whose write" is a state
// predicate, as in kernel model I.

import { CHILD, PARENT, SUBPAGES, folioOf, pageAt, type ROCow } from './cow-state.ts';
import type { CowCase, CowModel } from './cow-model.ts';

export const THP_PROP = {
  P1: 'P1-parent-write-private',
  P2: 'P2-child-write-private',
  P3: 'P3-rw-pin-stable',
  P4: 'P4-ro-pin-coherent',
  P5: 'P5-pinned-stays-with-parent',
  P6: 'P6-pinned-is-exclusive',
  P12: 'P12-thp-refcounts',
  OOM: 'model-pages-suffice',
} as const;
export type ThpPropId = keyof typeof THP_PROP;

function sees(s: ROCow, c: CowCase, reader: number, writer: 'parent' | 'child'): boolean {
  let bad = false;
  for (let va = 0; va < SUBPAGES; va++) {
    const p = pageAt(s, reader, va);
    bad = bad || (p !== null && s.page[p].data === writer);
  }
  const hs = c.holders ?? [];
  for (let h = 0; h < hs.length; h++) {
    const g = s.gup[h];
    bad = bad || (hs[h]!.owner === reader && g.held && g.page !== null && s.page[g.page].data === writer);
  }
  return bad;
}

/** P3: a held R/W pin is the page the pinner maps at VA 0. */
export function rwPinStable(s: ROCow, c: CowCase): boolean {
  let ok = true;
  const hs = c.holders ?? [];
  for (let h = 0; h < hs.length; h++) {
    const H = hs[h]!;
    const g = s.gup[h];
    ok = ok && !(H.pin && H.write && g.held && g.mapValid && pageAt(s, H.owner, 0) !== g.page);
  }
  return ok;
}

/** P4: through a held R/O pin the holder reads what the pinner reads at VA 0. */
export function roPinCoherent(s: ROCow, c: CowCase): boolean {
  let ok = true;
  const hs = c.holders ?? [];
  for (let h = 0; h < hs.length; h++) {
    const H = hs[h]!;
    const g = s.gup[h];
    const p = pageAt(s, H.owner, 0);
    const applies = H.pin && !H.write && g.held && g.mapValid && g.page !== null && p !== null;
    ok = ok && !(applies && s.page[p!].data !== s.page[g.page!].data);
  }
  return ok;
}

/** P5: a page the parent pinned before fork copied the range is not mapped by the child. */
export function pinnedStaysWithParent(s: ROCow, c: CowCase): boolean {
  let ok = true;
  const hs = c.holders ?? [];
  for (let h = 0; h < hs.length; h++) {
    const H = hs[h]!;
    const g = s.gup[h];
    ok = ok && !(H.pin && H.owner === PARENT && g.held && g.preFork && pageAt(s, CHILD, 0) === g.page);
  }
  return ok;
}

/** P6: a pinned page is AnonExclusive. */
export function pinnedIsExclusive(s: ROCow, c: CowCase): boolean {
  let ok = true;
  const hs = c.holders ?? [];
  for (let h = 0; h < hs.length; h++) {
    const g = s.gup[h];
    ok = ok && !(hs[h]!.pin && g.held && g.page !== null && !s.page[g.page].excl);
  }
  return ok;
}

/** P12: refcount/mapcount/pincount of every folio equal the entries and references to it. */
export function thpRefcounts(s: ROCow, c: CowCase): boolean {
  let ok = true;
  let huge = 0;
  for (let m = 0; m < s.mm.length; m++) huge += s.mm[m].pmd === 'huge' ? 1 : 0;
  ok = ok && s.entire === huge;
  for (let p = 0; p < s.page.length; p++) {
    let maps = 0;
    for (let m = 0; m < s.mm.length; m++) {
      for (let va = 0; va < SUBPAGES; va++) {
        maps += s.mm[m].pmd === 'table' && s.mm[m].pte[va].page === p ? 1 : 0;
      }
    }
    ok = ok && s.page[p].map === maps;
  }
  const hs = c.holders ?? [];
  for (let f = 0; f < s.page.length; f++) {
    if (f === 1) continue; // the tail's counters live on the head
    let refs = f === 0 ? huge : 0;
    let pins = 0;
    for (let p = 0; p < s.page.length; p++) refs += folioOf(p) === f ? s.page[p].map : 0;
    for (let h = 0; h < hs.length; h++) {
      const g = s.gup[h];
      const holds = (g.held || g.grabbed) && g.page !== null && folioOf(g.page) === f;
      refs += holds ? 1 : 0;
      pins += holds && hs[h]!.pin ? 1 : 0;
    }
    ok = ok && s.page[f].ref === refs && s.page[f].pins === pins && s.page[f].free === (refs === 0);
  }
  return ok;
}

export function addThpProperties(m: CowModel, c: CowCase, ids: readonly ThpPropId[]): void {
  const add = (id: ThpPropId, f: (s: ROCow) => boolean, doc: string) => {
    if (ids.includes(id)) m.always(THP_PROP[id], f, { doc });
  };
  add('P1', (s) => !sees(s, c, CHILD, 'parent'), 'the child never sees a store the parent made after fork');
  add('P2', (s) => !sees(s, c, PARENT, 'child'), 'the parent never sees a store of the child');
  add('P3', (s) => rwPinStable(s, c), 'a R/W pin stays the page the pinner maps');
  add('P4', (s) => roPinCoherent(s, c), 'a R/O pin shows what the pinner reads');
  add('P5', (s) => pinnedStaysWithParent(s, c), 'a page pinned before fork is not mapped by the child');
  add('P6', (s) => pinnedIsExclusive(s, c), 'a pinned page is AnonExclusive');
  add('P12', (s) => thpRefcounts(s, c), 'refcount, mapcounts, entire mapcount and pincount are exact');
  m.always(THP_PROP.OOM, (s) => !s.oom, { doc: 'the model had enough small pages for every copy' });
}
