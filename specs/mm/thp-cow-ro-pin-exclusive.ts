// cow.c cases 13/14 on THP layouts: no fork; VA 0 mapped read-only by
// mprotect but exclusive; a R/O pin, then the parent writes. Before v5.19
// only a mapcount test (a PMD-mapped THP in v5.9-v5.17) reused the pinned
// page; page_count tests copied away from the pin (P4). The partially
// shared layout's head subpage is not exclusive (P6 with the ghost flag).

import { roPinSpec } from '../../models/mm/thp/ro-pin.ts';
import { THP_PROP } from '../../models/mm/thp/cow-properties.ts';

export default roPinSpec('exclusive', (v) => {
  if (v.era !== 'v5.17' && v.era !== 'v5.18') return [];
  if (v.era === 'v5.17' && v.layout === 'pmd') return [];
  return v.layout === 'partial' ? [THP_PROP.P4, THP_PROP.P6] : [THP_PROP.P4];
});
