// cow.c cases 9-14 on THP layouts: a R/O longterm pin (GUP: 9, 11, 13;
// GUP-fast: 10, 12, 14) of VA 0, then the parent writes; the pin must show
// the write (P4). Three situations, one spec each:
//   shared:      fork, the child stays alive, then the pin (9/10);
//   prevShared:  fork, the child exits, then the pin (11/12);
//   exclusive:   never shared, VA 0 mapped read-only by mprotect (13/14).
// Before v5.19 a R/O pin was a snapshot (no unshare); v5.19 unshares a
// possibly shared anon page at pin time (COW fixes part 2).

import { spec } from '../../../src/index.ts';
import { cowModel, type CowCase } from './cow-model.ts';
import { addThpProperties, THP_PROP } from './cow-properties.ts';
import { PARENT } from './cow-state.ts';
import { thpVariants, type ThpVariant } from './variants.ts';

export type RoPinSituation = 'shared' | 'prevShared' | 'exclusive';

const CASES: Record<RoPinSituation, string> = {
  shared: 'cases 9/10: R/O pin on a R/O-mapped shared page',
  prevShared: 'cases 11/12: R/O pin on a R/O-mapped previously-shared page',
  exclusive: 'cases 13/14: R/O pin on a R/O-mapped exclusive page',
};

function caseOf(v: ThpVariant, sit: RoPinSituation): CowCase {
  return {
    layout: v.layout,
    readOnly: sit === 'exclusive',
    noFork: sit === 'exclusive',
    childExit: sit === 'prevShared',
    holders: [{
      name: v.fast ? 'roPinFast' : 'roPin',
      owner: PARENT,
      pin: true,
      write: false,
      fast: v.fast,
      start: sit === 'prevShared' ? 'afterChildExit' : 'afterFork',
      release: false,
    }],
    parentWrite: true,
    writeAfterPin: true,
  };
}

/** One cow.c R/O-pin situation as a spec; `violated` lists the expected failures per variant. */
export function roPinSpec(sit: RoPinSituation, violated: (v: ThpVariant) => readonly string[]) {
  const { variants, docs } = thpVariants(undefined, ['slow', 'fast']);
  const expect: Record<string, Record<string, 'holds' | 'violated'>> = {
    '*': { [THP_PROP.P4]: 'holds', [THP_PROP.P6]: 'holds', [THP_PROP.P12]: 'holds', [THP_PROP.OOM]: 'holds' },
  };
  for (const [name, v] of Object.entries(variants)) {
    const bad = violated(v);
    if (bad.length > 0) expect[name] = Object.fromEntries(bad.map((p) => [p, 'violated' as const]));
  }
  return spec({
    name: `thp-cow-ro-pin-${sit === 'prevShared' ? 'prev-shared' : sit}`,
    doc: `cow.c ${CASES[sit]}, on THP layouts, slow and fast GUP`,
    variants,
    variantDocs: docs,
    bounds: (v) => `1 THP of 2 subpages (${v.layout}), 2 mms, 2 small pages, 1 R/O pin, 1 parent store`,
    model: (v) => {
      const c = caseOf(v, sit);
      const m = cowModel(v.k, c);
      addThpProperties(m, c, ['P4', 'P6', 'P12']);
      m.sometimes('parent-wrote-while-pinned', (s) => s.gup[0].held && s.user[PARENT].write.pc === 'done');
      return m;
    },
    expect,
  });
}
