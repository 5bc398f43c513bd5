// B4: a FOLL_PIN gup_fast racing fork. Fork's copy_present_pte checks for
// pins (folio_try_dup_anon_rmap_pte) before it write-protects the parent PTE;
// gup_fast runs without locks, so it can read the still-writable PTE, pin,
// and re-check it in that window. The page is then pinned and shared with
// the child, and the parent's next store copies away from the pin. Fixed by
// write_protect_seq (57efa1fe5957, v5.11): fork makes it odd around the
// copy, and gup_fast backs off if it was odd or changed. The v5.19 design
// without it (v5.19-no-wpseq) is the negative control. Before early COW
// (v5.9) the pin is shared by fork even without a race (B0).
// The window itself came with f3c64eda3e50 ("mm: avoid early COW write
// protect games during fork()", v5.9-rc9: check pins, then write-protect),
// the commit 57efa1fe5957 names in its Fixes: tag. 70e806e4e645 as first
// merged write-protected first, as copy_one_pte always had (v5.7-v5.9-rc4
// here); v5.9-wp-first is that version. Under this model's sequentially
// consistent memory it closes the race (gup_fast's recheck sees the
// write-protect, or fork's pin check sees the pin): it holds. It was
// removed because it "was missing a barrier": on weakly ordered memory the
// two sides can each miss the other's store (store buffering), which this
// model cannot show.

import { spec } from '../../src/index.ts';
import { KERNELS, KERNEL_DOCS } from '../../models/mm/kernels.ts';
import { forkPinModel, scenario } from '../../models/mm/fork-pin-model.ts';
import { PROP, parentWritesWhilePinned, allHold, type PropId } from '../../models/mm/properties.ts';
import { INDUCTIVE_PIN_EXCLUSIVE, INDUCTIVE_REFCOUNTS, addInductivePinExclusive, addInductiveRefcounts } from '../../models/mm/inductive.ts';
import { PARENT } from '../../models/mm/state.ts';

const SC = scenario(
  3,
  // pin_user_pages_fast(FOLL_WRITE|FOLL_LONGTERM), e.g. io_uring buffer registration.
  [{ name: 'gupFast', owner: PARENT, pin: true, write: true, longterm: true, fast: true, start: 'any', release: true }],
  { parentWrite: 'afterFork' },
);

const BROKEN = {
  [PROP.P3]: 'violated',
  [PROP.P5]: 'violated',
  [PROP.P6]: 'violated',
  [PROP.P13]: 'violated',
  [INDUCTIVE_PIN_EXCLUSIVE]: 'violated',
} as const;

const PROPS: readonly PropId[] = ['P3', 'P5', 'P6', 'P7', 'P12', 'P13', 'P14'];

export default spec({
  name: 'b4-gup-fast-fork',
  doc: 'B4: pin_user_pages_fast racing fork; write_protect_seq makes gup_fast back off',
  variants: { ...KERNELS, 'v5.9-wp-first': { ...KERNELS['v5.9'], wpBeforeDup: true } },
  variantDocs: {
    ...KERNEL_DOCS,
    'v5.9-wp-first':
      '70e806e4e645 as first merged: write-protect before the pin check; holds only under this sequentially consistent model (f3c64eda3e50 removed it)',
  },
  bounds: () => '1 VA, 2 mms, 3 pages, 1 R/W FOLL_PIN (gup_fast, slow fallback), 1 fork, 1 parent store',
  model: (k) => {
    const m = forkPinModel(k, SC, PROPS);
    addInductiveRefcounts(m, SC);
    addInductivePinExclusive(m, SC, k);
    m.sometimes('gup-fast-grabs-inside-fork', (s) => s.gup[0].grabbed && s.mm[PARENT].mmapW, {
      doc: 'gup_fast holds a reference it took while fork runs',
    });
    m.sometimes('gup-fast-falls-back-during-fork', (s) => s.gup[0].pc === 'slowLock' && s.mm[PARENT].mmapW, {
      doc: 'gup_fast gave up and the slow path waits for fork to drop mmap_lock',
    });
    m.sometimes('parent-writes-while-pinned', (s) => parentWritesWhilePinned(s));
    return m;
  },
  expect: {
    '*': allHold(PROPS, INDUCTIVE_REFCOUNTS, INDUCTIVE_PIN_EXCLUSIVE),
    'v5.7': BROKEN,
    'v5.8': BROKEN,
    'v5.9-rc4': BROKEN,
    'v5.9': BROKEN,
    'v5.19-no-wpseq': BROKEN,
  },
});
