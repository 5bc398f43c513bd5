// Seed 5, Peter Xu's argument for design (c): between make_device_exclusive
// and the interval insertion the folio lock stops a CPU access from
// restoring the entry, so the late interval loses nothing to the CPU. Here
// the only outside event is a CPU access to the target VA (no munmap): P10
// holds for (c) too, unlike under a munmap (thp-seed5-split-pmd), which the
// folio lock does not stop (Alistair Popple's reply).

import { spec } from '../../src/index.ts';
import { addDeProperties, deModel, DE_PROP, type DeDesign } from '../../models/mm/thp/de-model.ts';
import { HEAD } from '../../models/mm/thp/de-state.ts';

const base: DeDesign = { explicitSplit: false, splitPmd: true, lateInterval: false, keepDe: false, de: 'old' };

const VARIANTS = {
  'b-foll-split-pmd': base,
  'c-late-interval': { ...base, lateInterval: true },
  'b-keep-de': { ...base, keepDe: true },
} as const satisfies Record<string, DeDesign>;

const SC = { layouts: ['huge', 'table'] as const, targets: [HEAD], zap: false, cpu: true };

export default spec({
  name: 'thp-seed5-cpu-access',
  doc: 'Seed 5 with a CPU access instead of a munmap: the folio lock protects design (c)',
  variants: VARIANTS,
  variantDocs: {
    'b-foll-split-pmd': 'v5.14: FOLL_SPLIT_PMD, interval inserted before the loop',
    'c-late-interval': 'Peter Xu: interval inserted after make_device_exclusive returns, folio still locked',
    'b-keep-de': '(b) + make_device_exclusive keeps a device-exclusive entry it finds (not merged)',
  },
  bounds: () => '1 THP of 2 subpages, PMD- or PTE-mapped, 1 driver fault on the head VA, 1 CPU access',
  model: (d) => {
    const m = deModel(d, SC);
    addDeProperties(m, d, ['P10', 'P11b', 'P12', 'P11L']);
    m.sometimes('device-granted', (s) => s.mirror);
    m.sometimes('cpu-waits-for-folio-lock', (s) => s.cpu.pc === 'touch' && s.folio.locked && s.pte[0].kind === 'devx');
    m.sometimes('cpu-revokes-grant', (s) => s.cpu.pc === 'done' && s.drv.pc === 'done' && !s.mirror && s.pte[0].kind === 'present');
    return m;
  },
  expect: {
    '*': { [DE_PROP.P10]: 'holds', [DE_PROP.P11b]: 'holds', [DE_PROP.P12]: 'holds', [DE_PROP.P11L]: 'holds' },
    'b-foll-split-pmd': { [DE_PROP.P11b]: 'violated', [DE_PROP.P11L]: 'violated' },
  },
});
