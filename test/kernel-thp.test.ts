// Kernel model III (THP): every verdict of every THP spec under every
// variant, the minimal length of every counterexample as derived by hand
// (rules below, derivations in docs/thp-model.md), and the stories the
// headline traces must tell (seed 5, B8a, B1 through THP).

import { describe, expect, it } from 'vitest';
import type { Spec } from '../src/index.ts';
import seed5 from '../specs/mm/thp-seed5-split-pmd.ts';
import seed5cpu from '../specs/mm/thp-seed5-cpu-access.ts';
import b8a from '../specs/mm/thp-b8a-de-tail-pages.ts';
import b1 from '../specs/mm/thp-b1-vmsplice-child.ts';
import basic from '../specs/mm/thp-cow-basic.ts';
import pinFork from '../specs/mm/thp-cow-pin-fork.ts';
import roShared from '../specs/mm/thp-cow-ro-pin-shared.ts';
import roPrev from '../specs/mm/thp-cow-ro-pin-prev-shared.ts';
import roExcl from '../specs/mm/thp-cow-ro-pin-exclusive.ts';
import splitPin from '../specs/mm/thp-split-folio-pin.ts';
import cowAll from '../specs/mm/thp-cow-all.ts';
import { DE_PROP } from '../models/mm/thp/de-model.ts';
import { THP_PROP } from '../models/mm/thp/cow-properties.ts';
import type { CowState } from '../models/mm/thp/cow-state.ts';
import type { DeState } from '../models/mm/thp/de-state.ts';
import { labels, lastState, result, run } from './support/kernel-runs.ts';

const { P1, P3, P4, P5, P6 } = THP_PROP;

/**
 * Hand-derived minimal lengths. Seed 5 iterations: (b) with a huge PMD is
 * begin, gupPmd, gupPmdLocked, splitCheck, splitStart, splitLocked,
 * splitEnd, followPte, trylock, walkStart, walkPte, walkEnd, mmapUnlock,
 * check (14); every later one is begin, gupPmd, followPte (a device-exclusive
 * entry), restoreStart, restorePte, restoreEnd, followPte, trylock,
 * walkStart, walkPte, walkEnd, mmapUnlock, check (13): the second retry at
 * 27. (a) splits before GUP every time (begin, 3 split steps, gupPmd,
 * followPte, trylock, 3 walk steps, mmapUnlock, check = 12, then 16 with
 * the restore): 28. (c) from the PTE-mapped layout: mmapLock, gupPmd,
 * followPte, trylock, 3 walk steps, mmapUnlock (8), the munmap (3), begin,
 * check (13). B8a: begin, gupPmd, followPte, trylock (5th step: mmapUnlock
 * with no page for a tail); the head's walk converts both PTEs at walkPte (6).
 */
const DE_MINIMAL: Record<string, Record<string, Record<string, number>>> = {
  'thp-seed5-split-pmd': {
    'a-unconditional-split': { [DE_PROP.P11b]: 28 },
    'b-foll-split-pmd': { [DE_PROP.P11b]: 27 },
    'b-v6.15': { [DE_PROP.P11b]: 27 },
    'c-late-interval': { [DE_PROP.P10]: 13 },
  },
  // the CPU access only adds interleavings; (b)'s shortest livelock is the same
  'thp-seed5-cpu-access': {
    'b-foll-split-pmd': { [DE_PROP.P11b]: 27 },
  },
  'thp-b8a-de-tail-pages': {
    'v5.14': { [DE_PROP.P11f]: 5, [DE_PROP.LOC]: 6, [DE_PROP.I6]: 6 },
  },
  // split without the freeze: lock, precheck, the pin's fastPte, unmap (both
  // PTEs become migration entries), fastGrab on the large folio, the split
  // drops the grabbed reference (6); or the pin grabs first (the unmap then
  // stops at the pinned page), the split, and the recheck returns a pin
  // counted on the head's folio (7).
  'thp-split-folio-pin': {
    'no-freeze': { 'P12-thp-refcounts': 6, 'pin-on-its-folio': 7 },
  },
};

type Cow = { layout: string; era: string; fast?: boolean };

/**
 * THP COW lengths: fork is lock, copyPmd, unlock (3) for a PMD-mapped THP,
 * lock, copyPte x2, unlock (4) otherwise; slow GUP to the grab is slowLock,
 * follow (2; gup_fast fastRead, fastGrab, also 2), plus a fault and a second
 * follow on a R/O PTE for a R/W pin (partial layout); a parent store to a
 * R/O THP is access (split), access (PTE copy), store (3) when PMD-mapped,
 * access (copy), store (2) when PTE-mapped; the child's exit or munmap is 1.
 */
function cowMinimal(spec: string, v: Cow): Record<string, number> {
  const fork = v.layout === 'pmd' ? 3 : 4;
  const store = v.layout === 'pmd' ? 3 : 2;
  switch (spec) {
    case 'thp-b1-vmsplice-child':
      // fork (3), vmsplice via gup_fast (2), child munmap (1), reuse fault and store (2)
      return v.era === 'v5.17' && v.layout === 'pmd' ? { [P1]: 8 } : {};
    case 'thp-cow-pin-fork': {
      if (v.era !== 'v5.8') return {};
      const pin = v.layout === 'partial' ? 5 : 3; // slowLock, follow[, fault, follow], slowUnlock
      const shared = pin + 2; // fork lock + copyPmd / first copyPte shares the pinned page
      return { [P5]: shared, [P6]: shared, [P3]: shared + 3 };
    }
    case 'thp-cow-ro-pin-shared':
    case 'thp-cow-ro-pin-prev-shared':
    case 'thp-cow-ro-pin-exclusive': {
      if (v.era !== 'v5.17' && v.era !== 'v5.18') return {};
      const excl = spec === 'thp-cow-ro-pin-exclusive';
      const pinned = (excl ? 0 : fork) + (spec === 'thp-cow-ro-pin-prev-shared' ? 1 : 0) + 2;
      const out: Record<string, number> = {};
      if (!excl || v.layout === 'partial') out[P6] = pinned;
      const mapcountLuck = v.era === 'v5.17' && v.layout === 'pmd' && spec !== 'thp-cow-ro-pin-shared';
      if (!mapcountLuck) out[P4] = pinned + (excl && v.layout === 'pmd' ? 3 : store);
      return out;
    }
    case 'thp-cow-all':
      // the shortest mechanism of each single scenario: v5.8 shares the THP the
      // gup_fast R/W pin (fastRead, fastGrab) holds at fork (4) and the parent's
      // store moves away from it (+3); B1 (8); the R/O pin of the shared THP (5/6)
      // and the parent's store copying away from it (8).
      if (v.era === 'v5.8') return { [P5]: 4, [P6]: 4, [P3]: 7 };
      if (v.era === 'v5.19') return {};
      return {
        ...(v.era === 'v5.17' && v.layout === 'pmd' ? { [P1]: 8 } : {}),
        [P6]: v.layout === 'pmd' ? 5 : 6,
        [P4]: 8,
      };
    default:
      return {};
  }
}

/** Variants of the all-paths spec the unit tests run (about 25k states each); npm run check runs all. */
const ALL_PATHS_SAMPLE = new Set(['v5.17-pmd']);

const SPECS: readonly Spec<any>[] = [seed5, seed5cpu, b8a, b1, basic, pinFork, roShared, roPrev, roExcl, splitPin, cowAll];

const last = lastState;

describe('THP model: every verdict and every minimal length', () => {
  for (const s of SPECS) {
    it(`${s.name}: all variants`, async () => {
      for (const v of s.variants) {
        if (s === cowAll && !ALL_PATHS_SAMPLE.has(v)) continue;
        const built = s.build(v);
        const r = await run(s, v);
        expect(r.status, v).toBe('complete');
        const minimal = DE_MINIMAL[s.name]?.[v] ?? cowMinimal(s.name, s.config(v) as Cow);
        for (const p of r.properties) {
          expect({ v, property: p.property, verdict: p.verdict }).toEqual({
            v,
            property: p.property,
            verdict: built.expected.get(p.property),
          });
          if (p.kind === 'always' && p.verdict === 'violated') {
            expect({ v, property: p.property, steps: p.trace?.steps.length }).toEqual({
              v,
              property: p.property,
              steps: minimal[p.property],
            });
          }
        }
        for (const name of Object.keys(minimal)) expect(result(r, name).verdict, `${v} ${name}`).toBe('violated');
      }
    });
  }
});

describe('THP model: the traces tell the story', () => {
  it('seed 5 (b): the split CLEAR forces one retry, then each retry restores the last entry', async () => {
    const t = result(await run(seed5, 'b-foll-split-pmd'), DE_PROP.P11b).trace;
    const ls = labels(t);
    const checks = ls.flatMap((l, i) => (l === 'drv.check' ? [i] : []));
    expect(checks.length).toBe(2);
    expect(ls.indexOf('drv.splitStart')).toBeLessThan(checks[0]!);
    const restore = ls.indexOf('drv.restoreStart');
    expect(restore).toBeGreaterThan(checks[0]!);
    expect(restore).toBeLessThan(checks[1]!);
    expect(ls.some((l) => l.startsWith('zap.'))).toBe(false);
    const s = last<DeState>(t);
    expect([s.drv.retries, s.drv.outside, s.mirror]).toEqual([2, false, false]);
  });

  it('seed 5 (b), P11 as progress: the lasso cycle is restore, re-install, retry', async () => {
    const t = result(await run(seed5, 'b-foll-split-pmd'), DE_PROP.P11L).trace!;
    expect(t.loop).toBeDefined();
    const cycle = labels(t).slice(t.loop!);
    expect(cycle[0]).toBe('drv.begin');
    expect(cycle).toContain('drv.restoreStart');
    expect(cycle).toContain('drv.walkPte');
    expect(cycle[cycle.length - 1]).toBe('drv.check');
    expect(cycle.some((l) => l.startsWith('drv.split') || l.startsWith('zap.'))).toBe(false);
    for (const v of ['c-late-interval', 'b-keep-de']) {
      expect(result(await run(seed5, v), DE_PROP.P11L).verdict, v).toBe('holds');
    }
  });

  it('seed 5 (a): the unconditional split retries even from a PTE-mapped THP; never granted', async () => {
    const r = await run(seed5, 'a-unconditional-split');
    expect(result(r, 'device-granted').verdict).toBe('violated');
    const ls = labels(result(r, DE_PROP.P11b).trace);
    expect(ls.filter((l) => l === 'drv.splitStart').length).toBe(2);
  });

  it('seed 5 (c): a munmap between make_device_exclusive and read_begin is lost', async () => {
    const ls = labels(result(await run(seed5, 'c-late-interval'), DE_PROP.P10).trace);
    expect(ls.slice(-5)).toEqual(['zap.zapStart', 'zap.zapPtes', 'zap.zapEnd', 'drv.begin', 'drv.check']);
    expect(ls.indexOf('drv.mmapUnlock')).toBeLessThan(ls.indexOf('zap.zapStart'));
  });

  it('seed 5 (c): a CPU access waits for the folio lock, so the late interval sees it', async () => {
    const r = await run(seed5cpu, 'c-late-interval');
    expect(result(r, DE_PROP.P10).verdict).toBe('holds');
    expect(result(r, 'cpu-waits-for-folio-lock').verdict).toBe('holds');
    expect(result(r, 'cpu-revokes-grant').verdict).toBe('holds');
  });

  it('seed 5: keeping the device-exclusive entry bounds the loop at exactly one retry', async () => {
    const r = await run(seed5, 'b-keep-de');
    expect(result(r, DE_PROP.P11b).verdict).toBe('holds');
    const w = result(r, 'granted-after-one-retry');
    expect(w.verdict).toBe('holds');
    expect(labels(w.trace).filter((l) => l === 'drv.restoreStart')).toEqual([]);
  });

  it('B8a: the old walk refuses a tail page and converts every PTE for the head', async () => {
    const r = await run(b8a, 'v5.14');
    const tail = last<DeState>(result(r, DE_PROP.P11f).trace);
    expect([tail.drv.target, tail.drv.failed, tail.pte[1].kind]).toEqual([1, true, 'present']);
    const head = last<DeState>(result(r, DE_PROP.LOC).trace);
    expect([head.drv.target, head.pte[0].kind, head.pte[1].kind, head.sub[1].map]).toEqual([0, 'devx', 'devx', 0]);
  });

  it('split_folio: a pin makes the split fail and remap; an unpinned THP splits', async () => {
    const r = await run(splitPin, 'current');
    const fail = labels(result(r, 'freeze-fails-and-remaps').trace);
    expect(fail.slice(-3)).toEqual(['splitter.unmap', 'gup.fastGrab', 'splitter.freeze']);
    expect(result(r, 'split-fails-on-pin').verdict).toBe('holds');
    expect(result(r, 'split-succeeds').verdict).toBe('holds');
  });

  it('B1 through THP: the parent reuses the PMD-mapped THP the pipe still shows', async () => {
    const t = result(await run(b1, 'v5.17-pmd'), P1).trace;
    const ls = labels(t);
    expect(ls.slice(0, 3)).toEqual(['fork.lock', 'fork.copyPmd', 'fork.unlock']);
    expect(ls.slice(-3)).toEqual(['childUnmap.zap', 'parentWrite.access', 'parentWrite.store']);
    const s = last<CowState>(t);
    expect([s.mm[0].pmd, s.mm[0].pmdW, s.gup[0]!.page, s.page[0].data]).toEqual(['huge', true, 0, 'parent']);
  });
});
