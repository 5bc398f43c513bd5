// B8a (primer section 3): hmm-tests failed with THP enabled under the old
// device-exclusive design (v5.14-v6.14). After FOLL_SPLIT_PMD the THP is
// PTE-mapped but stays one large folio: make_device_exclusive_range refuses
// a tail page (PageTail: no page returned, the driver's atomic fault fails),
// and for the head page the rmap walk (page_vma_mapped_walk over the whole
// folio) turns every PTE of the folio into a device-exclusive entry and
// drops every subpage's mapcount, though the driver asked for one page.
// The 2025 rework (v6.15: make_device_exclusive with folio_walk) converts
// exactly the one PTE, tail or head, and keeps the mapcount.

import { spec } from '../../src/index.ts';
import { addDeProperties, deModel, DE_PROP, type DeDesign } from '../../models/mm/thp/de-model.ts';
import { HEAD, TAIL } from '../../models/mm/thp/de-state.ts';

const base: DeDesign = { explicitSplit: false, splitPmd: true, lateInterval: false, keepDe: false, de: 'old' };

const VARIANTS = {
  'v5.14': base,
  'v6.15': { ...base, de: 'new' },
} as const satisfies Record<string, DeDesign>;

const SC = { layouts: ['table'] as const, targets: [HEAD, TAIL], zap: false };

export default spec({
  name: 'thp-b8a-de-tail-pages',
  doc: 'B8a: make_device_exclusive on a subpage of a PTE-mapped THP',
  variants: VARIANTS,
  variantDocs: {
    'v5.14': 'make_device_exclusive_range + page_make_device_exclusive (rmap walk), v5.14-v6.14',
    'v6.15': 'make_device_exclusive via folio_walk on one PTE, mapcount kept (2025 rework)',
  },
  bounds: () => '1 PTE-mapped THP of 2 subpages, 1 driver fault on the head or the tail VA',
  model: (d) => {
    const m = deModel(d, SC);
    addDeProperties(m, d, ['P10', 'P11f', 'P12', 'LOC', 'I6']);
    m.sometimes('tail-granted', (s) => s.mirror && s.drv.target === TAIL);
    m.sometimes('head-granted', (s) => s.mirror && s.drv.target === HEAD);
    return m;
  },
  expect: {
    '*': {
      [DE_PROP.P10]: 'holds',
      [DE_PROP.P11f]: 'holds',
      [DE_PROP.P12]: 'holds',
      [DE_PROP.LOC]: 'holds',
      [DE_PROP.I6]: 'holds',
    },
    'v5.14': {
      [DE_PROP.P11f]: 'violated',
      [DE_PROP.LOC]: 'violated',
      [DE_PROP.I6]: 'violated',
      'tail-granted': 'violated',
    },
  },
});
