// split_folio racing a longterm pin on a PTE-mapped THP: the split must
// fail (-EAGAIN after remapping) whenever a pin exists, because
// folio_ref_freeze(folio, 1 + extra_pins) sees the pin's reference; a pin
// racing the unmap either finds a migration entry (gup_fast undoes its
// grab; the slow path waits) or makes the freeze fail. The negative
// control splits without the freeze check: the pin's reference and
// pincount stay on the head although the pinned page is now its own folio.

import { spec } from '../../src/index.ts';
import { pinOnItsFolio, splitModel, splitRefcounts, type SplitDesign } from '../../models/mm/thp/split-folio.ts';

const VARIANTS = {
  current: { freeze: true },
  'no-freeze': { freeze: false },
} as const satisfies Record<string, SplitDesign>;

export default spec({
  name: 'thp-split-folio-pin',
  doc: 'split_huge_page_to_list vs pin_user_pages_fast on a PTE-mapped THP',
  variants: VARIANTS,
  variantDocs: {
    current: 'can_split_folio, unmap_folio, folio_ref_freeze(1 + extra_pins), remap_page (v5.x-v6.x)',
    'no-freeze': 'negative control: the split proceeds without folio_ref_freeze',
  },
  bounds: () => '1 PTE-mapped THP of 2 subpages, 1 splitter, 1 R/W longterm gup_fast pin of the tail',
  model: (d) => {
    const m = splitModel(d);
    m.always('P12-thp-refcounts', splitRefcounts, { doc: 'refcount and pincount of every folio are exact' });
    m.always('pin-on-its-folio', pinOnItsFolio, { doc: 'a pin is counted on the folio of the pinned page' });
    m.sometimes('split-succeeds', (s) => s.splitter.split && s.splitter.pc === 'done');
    m.sometimes('split-fails-on-pin', (s) => !s.splitter.split && s.splitter.pc === 'done' && s.gup.held);
    m.sometimes(
      'freeze-fails-and-remaps',
      (s) => s.splitter.pc === 'remap' && !s.splitter.split && s.pte[1].kind === 'migration',
    );
    m.sometimes('gup-fast-undoes-on-migration-entry', (s) => s.gup.pc === 'slowFollow' && s.pte[1].kind === 'migration');
    m.sometimes('pinned-after-split', (s) => s.splitter.split && s.gup.held);
    return m;
  },
  expect: {
    current: { 'P12-thp-refcounts': 'holds', 'pin-on-its-folio': 'holds' },
    'no-freeze': {
      'P12-thp-refcounts': 'violated',
      'pin-on-its-folio': 'violated',
      'freeze-fails-and-remaps': 'violated',
    },
  },
});
