// cow.c cases 9/10 on THP layouts: fork (the child stays alive), a R/O
// longterm pin of the parent's VA 0 (slow and fast GUP), the parent writes.
// v5.8 forced a COW break on GUP, so the pin took the parent's own copy;
// v5.9-v5.18 pinned the shared page and the parent's write fault copied
// away from it (P4; P6 with the ghost AnonExclusive flag); v5.19 unshares.

import { roPinSpec } from '../../models/mm/thp/ro-pin.ts';
import { THP_PROP } from '../../models/mm/thp/cow-properties.ts';

export default roPinSpec('shared', (v) =>
  v.era === 'v5.17' || v.era === 'v5.18' ? [THP_PROP.P4, THP_PROP.P6] : [],
);
