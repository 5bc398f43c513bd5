// cow.c cases 11/12 on THP layouts: fork, the child exits, then a R/O pin
// of the parent's VA 0 and a parent write. v5.9-v5.17's mapcount reuse of
// a PMD-mapped THP happens to keep the pin coherent (mapcount is 1 again),
// but the pinned page is not exclusive (P6); PTE-mapped, page_count decides
// and the write copies away from the pin (P4). v5.18's page_count test
// breaks the PMD case too. v5.19 unshares at pin time.

import { roPinSpec } from '../../models/mm/thp/ro-pin.ts';
import { THP_PROP } from '../../models/mm/thp/cow-properties.ts';

export default roPinSpec('prevShared', (v) => {
  if (v.era === 'v5.17') return v.layout === 'pmd' ? [THP_PROP.P6] : [THP_PROP.P4, THP_PROP.P6];
  if (v.era === 'v5.18') return [THP_PROP.P4, THP_PROP.P6];
  return [];
});
