// split_folio (split_huge_page_to_list, mm/huge_memory.c) racing a
// pin_user_pages_fast on a PTE-mapped anon THP of two subpages: the racy
// can_split_folio pre-check, unmap_folio (try_to_migrate: migration entries;
// an exclusive page that may be pinned is left mapped and the walk stops:
// folio_try_share_anon_rmap_pte), folio_ref_freeze(1 + extra_pins) (fails on
// any extra reference: remap_page, -EAGAIN), the split itself, remap_page.
// The pin takes gup_fast's grab / recheck path, or the slow path, which
// waits on a migration entry (migration_entry_wait) and grabs under the PTL.

import { array, bool, domain, enumOf, int, model, record, thread, type Model } from '../../../src/index.ts';
import type { DeepReadonly, Infer } from '../../../src/index.ts';

const Sub = domain('Sub', ['head', 'tail']);
const PINNED = 1; // the pin is on the tail VA (and page)

export function splitSchema() {
  return record({
    /** ref/pins: the folio's on the head while large; each page's own after the split
     *  (-1 lets a broken design show its underflow as a violation). */
    page: array(record({ ref: int(-1, 4), pins: int(-1, 1), map: int(0, 1), excl: bool() }), Sub),
    /** Still one large folio. */
    large: bool(),
    /** folio_ref_freeze succeeded: the refcount reads 0 to try_grab_folio_fast. */
    frozen: bool(),
    /** The folio lock (of the head). */
    locked: bool(),
    /** The PTEs; a migration entry remembers the page's exclusivity. */
    pte: array(record({ kind: enumOf('present', 'migration'), w: bool(), excl: bool() }), Sub),
    splitter: thread(['lock', 'precheck', 'unmap', 'freeze', 'remap', 'unlock'], {
      /** The freeze succeeded (the folio is split). */
      split: bool(),
    }),
    gup: thread(['fastPte', 'fastGrab', 'fastRecheck', 'slowFollow', 'unpin'], {
      /** The folio (by its first page) the grab counted on. */
      folio: int(0, 1),
      grabbed: bool(),
      held: bool(),
    }),
  });
}

export type SplitState = Infer<ReturnType<typeof splitSchema>>;
type RO = DeepReadonly<SplitState>;
export type SplitModel = Model<ReturnType<typeof splitSchema>>;

export interface SplitDesign {
  /** folio_ref_freeze(folio, 1 + extra_pins) guards the split (every kernel). */
  readonly freeze: boolean;
}

const folioOf = (s: RO, p: number) => (s.large ? 0 : p);

function grab(s: RO, n: SplitState): void {
  const f = folioOf(s, PINNED);
  n.page[f].ref = s.page[f].ref + 1;
  n.page[f].pins = s.page[f].pins + 1;
  n.gup.folio = f;
}

function ungrab(s: RO, n: SplitState): void {
  const f = s.gup.folio;
  n.page[f].ref = s.page[f].ref - 1;
  n.page[f].pins = s.page[f].pins - 1;
}

export function splitModel(d: SplitDesign): SplitModel {
  const m = model(splitSchema());
  m.init({
    page: [
      { ref: 2, pins: 0, map: 1, excl: true },
      { ref: 0, pins: 0, map: 1, excl: true },
    ],
    large: true,
    frozen: false,
    locked: false,
    pte: [
      { kind: 'present', w: true, excl: false },
      { kind: 'present', w: true, excl: false },
    ],
    splitter: { pc: 'lock', split: false },
    gup: { pc: 'fastPte', folio: 0, grabbed: false, held: false },
  });
  m.thread('splitter', {
    actor: 'split',
    doc: 'split_huge_page_to_list on the THP (e.g. deferred split), holding a reference',
    at: (s) => s.splitter,
    steps: {
      lock: {
        guard: (s) => !s.locked && s.large,
        apply: (s, n) => {
          n.locked = true;
          n.page[0].ref = s.page[0].ref + 1;
        },
        kernel: 'mm/huge_memory.c: split_huge_page_to_list',
        doc: 'the caller holds a folio reference and the folio lock',
      },
      precheck: {
        apply: (s, _n) => (s.page[0].map + s.page[1].map === s.page[0].ref - 1 ? 'unmap' : 'unlock'),
        kernel: 'mm/huge_memory.c: can_split_folio',
        doc: 'racy: total mapcount == refcount - 1, else -EAGAIN',
      },
      unmap: {
        apply: (s, n) => {
          // try_to_migrate_one per PTE under the PTL (one page table: one hold)
          let stop = false;
          let ref = s.page[0].ref;
          for (let i = 0; i < s.pte.length; i++) {
            const pinnedExcl = s.page[i].excl && s.page[0].pins > 0;
            stop = stop || s.pte[i].kind !== 'present' || pinnedExcl;
            if (!stop) {
              n.pte[i] = { kind: 'migration', w: s.pte[i].w, excl: s.page[i].excl };
              n.page[i].excl = false;
              n.page[i].map = s.page[i].map - 1;
              ref -= 1;
            }
          }
          n.page[0].ref = ref;
        },
        kernel: 'mm/rmap.c: try_to_migrate_one',
        doc: 'unmap_folio: migration entries; a maybe-pinned exclusive page is left mapped',
      },
      freeze: {
        apply: (s, n) => {
          if (d.freeze && s.page[0].ref !== 1) return 'remap';
          // __split_huge_page: every page its own folio; references follow in remap
          n.frozen = true;
          n.large = false;
          n.splitter.split = true;
          n.page[0].ref = 1;
          n.page[0].pins = 0;
          n.page[1].ref = 0;
          n.page[1].pins = 0;
        },
        kernel: 'mm/huge_memory.c: split_huge_page_to_list',
        doc: 'folio_ref_freeze(folio, 1 + extra_pins); on success __split_huge_page',
      },
      remap: {
        apply: (s, n) => {
          let headRef = s.page[0].ref;
          for (let i = 0; i < s.pte.length; i++) {
            if (s.pte[i].kind === 'migration') {
              n.pte[i] = { kind: 'present', w: s.pte[i].w, excl: false };
              n.page[i].excl = s.pte[i].excl;
              n.page[i].map = s.page[i].map + 1;
              if (s.large || i === 0) headRef += 1;
              else n.page[i].ref = s.page[i].ref + 1;
            }
          }
          n.page[0].ref = headRef;
          n.frozen = false;
        },
        kernel: 'mm/huge_memory.c: remap_page',
        doc: 'remove_migration_ptes: the PTEs map the (split or still large) folio again',
      },
      unlock: {
        apply: (s, n) => {
          n.locked = false;
          n.page[0].ref = s.page[0].ref - 1;
          return 'done';
        },
        kernel: 'mm/huge_memory.c: split_huge_page_to_list',
        doc: 'unlock the folio, drop the caller reference; -EAGAIN unless split',
      },
    },
  });
  m.thread('gup', {
    actor: 'pin',
    doc: 'pin_user_pages_fast(FOLL_WRITE | FOLL_LONGTERM) on the tail VA, released later',
    at: (s) => s.gup,
    steps: {
      fastPte: {
        apply: (s) => (s.pte[PINNED].kind === 'present' && s.pte[PINNED].w ? 'fastGrab' : 'slowFollow'),
        kernel: 'mm/gup.c: gup_fast_pte_range',
        doc: 'ptep_get_lockless: a writable present PTE',
      },
      fastGrab: {
        apply: (s, n) => {
          if (s.frozen) return 'slowFollow'; // folio_try_get fails on a frozen refcount
          grab(s, n);
          n.gup.grabbed = true;
        },
        kernel: 'mm/gup.c: try_grab_folio_fast',
        doc: 'refcount + 1 unless frozen, pincount + 1, full barrier',
      },
      fastRecheck: {
        apply: (s, n) => {
          n.gup.grabbed = false;
          if (s.pte[PINNED].kind !== 'present') {
            ungrab(s, n);
            return 'slowFollow';
          }
          n.gup.held = true;
          return 'unpin';
        },
        kernel: 'mm/gup.c: gup_fast_pte_range',
        doc: 're-read the PTE: a migration entry now: undo, slow path',
      },
      slowFollow: {
        guard: (s) => s.pte[PINNED].kind === 'present',
        apply: (s, n) => {
          grab(s, n);
          n.gup.held = true;
          return 'unpin';
        },
        kernel: 'mm/gup.c: follow_page_pte',
        doc: 'migration_entry_wait until the entry is gone; under the PTL: try_grab_folio',
      },
      unpin: {
        apply: (s, n) => {
          ungrab(s, n);
          n.gup.held = false;
          return 'done';
        },
        kernel: 'mm/gup.c: unpin_user_page',
      },
    },
  });
  return m;
}

/** P12: every folio's refcount and pincount count exactly its mappings and references. */
export function splitRefcounts(s: RO): boolean {
  let ok = true;
  const pin = s.gup.held || s.gup.grabbed;
  const caller = s.splitter.pc !== 'lock' && s.splitter.pc !== 'done';
  for (let f = 0; f < s.page.length; f++) {
    const first = f === 0 || !s.large;
    let refs = 0;
    for (let p = 0; p < s.page.length; p++) {
      const mine = s.large ? f === 0 : p === f;
      refs += mine && s.pte[p].kind === 'present' ? 1 : 0;
    }
    refs += pin && s.gup.folio === f && first ? 1 : 0;
    refs += caller && f === 0 ? 1 : 0;
    const pins = pin && s.gup.folio === f && first ? 1 : 0;
    const want = first ? refs : 0;
    ok = ok && (s.frozen || s.page[f].ref === want) && s.page[f].pins === (first ? pins : 0);
  }
  return ok;
}

/** A pin counts on the folio that contains the pinned page. */
export function pinOnItsFolio(s: RO): boolean {
  return !(s.gup.held && s.gup.folio !== folioOf(s, PINNED));
}
