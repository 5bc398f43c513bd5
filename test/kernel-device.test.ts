// Device-exclusive entries, MMU notifiers and the driver loop (issue 8):
// every verdict of the specs under specs/mm/device under every design, the
// minimal length of every counterexample as worked out by hand from the
// steps (docs/kernel-model.md), and the order of the steps in the
// headline traces (B7, the owner filter, fork of a device-exclusive PTE).

import { describe, expect, it } from 'vitest';
import type { Spec } from '../src/index.ts';
import type { Trace } from '../src/spec/results.ts';
import b7 from '../specs/mm/device/b7-nouveau-retry.ts';
import b8c from '../specs/mm/device/b8c-migrate-de.ts';
import allPaths from '../specs/mm/device/de-all-paths.ts';
import exclusive from '../specs/mm/device/de-exclusive.ts';
import fork from '../specs/mm/device/de-fork.ts';
import mprotect from '../specs/mm/device/de-mprotect.ts';
import owner from '../specs/mm/device/de-owner-filter.ts';
import { P11_FINISHES as LF, P11_SUCCEEDS as LS, PROP } from '../models/mm/properties.ts';
import { OFFLINE_COMPLETES as OC, P15, renumber } from '../models/mm/migrate.ts';
import { readBeginWaits, readBeginWoken, readRetry } from '../models/mm/notifier.ts';
import type { MigState } from '../models/mm/state.ts';
import { CHILD, PARENT, type MmState } from '../models/mm/state.ts';
import { labels, lastState, result, run } from './support/kernel-runs.ts';

const { P8, P9, P10, P11R, P12 } = PROP;
const DL = 'deadlockFree';

/**
 * The driver's make_device_exclusive up to the installed entry is begin,
 * mlock, gup, flock, xStart, xInv, install (7: where the old design's
 * mapcount is gone, P12); + xEnd, munlock (9); the mapping is lock, check,
 * map (12), release (13). An invalidation between munlock and check sends
 * the loop round again: check is where the old loop leaks (P11).
 */
const MINIMAL: Record<string, Record<string, Record<string, number>>> = {
  'de-exclusive': {
    'v5.14': { [P12]: 7 },
    'v6.14': { [P12]: 7 },
    // grant (12), release (13), the CPU store's fault: access, wXLock,
    // wXRestore makes the PTE present while the device keeps its grant (16).
    'v6.15-restore-no-notifier': { [P8]: 16, [P10]: 16 },
  },
  'de-fork': {
    // install (9), fork lock, mnStart, mnInv (12: the callback bumps the
    // interval seq), driver lock, check: retry with the folio (14). Fork's
    // trylock fails, fork fails (seqBegin, dup, seqEnd, mnEnd, unlock), the
    // child's path ends, and round 2 (begin, mlock, gup, gXLock...) sleeps
    // on the driver's own folio lock: nothing can run (23).
    // P11-loop-finishes: the same deadlock, a lasso stuttering there (23).
    'v5.14': { [P12]: 7, [P11R]: 14, [DL]: 23, [LF]: 23 },
    'v6.14': { [P12]: 7 },
    // install (9), fork lock, mnStart, mnInv, seqBegin, dup (14).
    'v6.15-copy-de': { [P9]: 14 },
    // as copy-de for P9; P8: fork to unlock (17), the child's store faults
    // (access), the driver's retry releases the folio (lock, check), the
    // child restores its entry (wXLock, wXRestore) while the parent's is
    // still device-exclusive (22).
    'v6.15-share-de': { [P9]: 14, [P8]: 22 },
  },
  'de-owner-filter': {
    'v5.14': { [P12]: 7 },
    // install (9), lock, check: its own EXCLUSIVE callback bumped the seq (11);
    // round 2 begin, mlock, gup: the fault sleeps on its own lock (14).
    'v5.14-no-owner-filter': { [P12]: 7, [P11R]: 11, [DL]: 14, [LF]: 14, [LS]: 14 },
    // Round 1 fails read_retry in 11 steps (begin .. check); rounds 2 and 3
    // take 18 (the GUP first faults its own entry back: gXLock .. gXEnd, and
    // gup again); then begin gives up (48) and the lasso stutters there.
    'v6.15-no-owner-filter': { [LS]: 48 },
  },
  'b7-nouveau-retry': {
    // install (9), munmap: zap, zStart, zInv (12), lock, check (14).
    'v5.14': { [P12]: 7, [P11R]: 14 },
    'v6.14': { [P12]: 7 },
  },
  'de-mprotect': {
    // install (9), mprotect: mpLock, mpStart, mpInv (12), lock, check (14).
    'v5.14': { [P12]: 7, [P11R]: 14 },
    'v6.14': { [P12]: 7 },
  },
  'b8c-migrate-de': {
    // Round 1 of the driver up to map (12); offline isolates (13), its
    // trylock fails on the driver's lock (14); release (15), putback (16),
    // isolate again (17: the attempt counter saturates); then the cycle
    // mLock, move (refcount 2, mapcount 0: -EAGAIN), putback, isolate (21).
    'v6.14': { [P12]: 7, [P15]: 21, [OC]: 21 },
    // As v6.14 for P15; B7 too: begin, mlock (2), offline moves the page
    // inside the driver's window (isolate .. move, 7), the driver installs
    // on the new page and fails read_retry (gup .. check, 16), keeping
    // the folio locked; mEnd, round 2 begin, mlock, gup sleeps on its own
    // lock, putback (21): nothing can run.
    'v5.14': { [P12]: 7, [P11R]: 16, [DL]: 21, [LF]: 21, [P15]: 21, [OC]: 21 },
  },
};

/**
 * Variants checked here; b8c-migrate-de's pinned control (45,000 states
 * with the liveness passes) runs in `npm run check` only.
 */
const VARIANTS: Record<string, readonly string[]> = { 'b8c-migrate-de': ['v5.14', 'v6.14', 'v6.15'] };

const SPECS: readonly Spec<any>[] = [exclusive, fork, owner, b7, mprotect, b8c];

const last = (t: Trace | undefined): MmState => lastState<MmState>(t);

describe('device-exclusive designs: every verdict, every minimal length', () => {
  for (const s of SPECS) {
    for (const v of VARIANTS[s.name] ?? s.variants) {
      it(`${s.name} / ${v}`, async () => {
        const built = s.build(v);
        const r = await run(s, v);
        expect(r.status).toBe('complete');
        const minimal = MINIMAL[s.name]?.[v] ?? {};
        for (const p of r.properties) {
          expect({ property: p.property, verdict: p.verdict }).toEqual({
            property: p.property,
            verdict: built.expected.get(p.property) ?? 'holds',
          });
          if (p.verdict === 'violated' && p.kind !== 'sometimes') {
            expect({ property: p.property, steps: p.trace?.steps.length }).toEqual({
              property: p.property,
              steps: minimal[p.property],
            });
          }
        }
        for (const name of Object.keys(minimal)) expect(result(r, name).verdict).toBe('violated');
      });
    }
  }
});

describe('migration: renumbering the notifier sequence numbers', () => {
  it('changes no outcome of read_begin, its wake-up or read_retry, and keeps the numbers small', () => {
    let checked = 0;
    for (let seq = 1; seq <= 19; seq += 2) {
      for (let iseq = 0; iseq <= seq; iseq++) {
        for (let snap = 0; snap <= iseq; snap++) {
          for (const pc of ['begin', 'lock', 'wait', 'done'] as const) {
            const s = { mn: { seq, active: 1, iseq }, drv: { pc, seq: snap } } as unknown as MigState;
            const n = structuredClone(s);
            renumber(s, n);
            const live = pc !== 'begin' && pc !== 'done';
            expect(n.mn.seq % 2).toBe(1);
            expect(n.mn.iseq).toBeLessThanOrEqual(n.mn.seq);
            expect(n.mn.seq - n.mn.iseq).toBe(seq - iseq);
            expect(n.mn.iseq).toBeLessThanOrEqual(3);
            expect(readBeginWaits(n as never)).toBe(readBeginWaits(s as never));
            if (live) {
              expect(n.drv.seq).toBeGreaterThanOrEqual(0);
              expect(readBeginWoken(n as never, n.drv.seq)).toBe(readBeginWoken(s as never, snap));
              expect(readRetry(n as never, n.drv.seq)).toBe(readRetry(s as never, snap));
            } else {
              expect(n.drv.seq).toBe(0);
            }
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

describe('device-exclusive designs: the traces tell the story', () => {
  it('B7: an unrelated invalidation sends the old loop round holding the folio', async () => {
    const t = result(await run(b7, 'v5.14'), P11R).trace;
    const ls = labels(t);
    expect(ls.slice(-5)).toEqual(['parentUnmap.zap', 'parentUnmap.zStart', 'parentUnmap.zInv', 'driver.lock', 'driver.check']);
    const s = last(t);
    expect(s.drv.leaked).toBe(0);
    expect(s.page[0].lock).toBe(true);
  });

  it('owner filter off: the driver never maps the page, in either design', async () => {
    for (const v of ['v5.14-no-owner-filter', 'v6.15-no-owner-filter']) {
      expect(result(await run(owner, v), 'atomic-granted').verdict, v).toBe('violated');
      expect(result(await run(owner, v), 'driver-retried').verdict, v).toBe('holds');
    }
    expect(result(await run(owner, 'v6.15'), 'atomic-granted').verdict).toBe('holds');
  });

  it('fork meets the driver holding the folio: the callback first, then the failed trylock', async () => {
    const t = result(await run(fork, 'v6.15'), 'fork-fails-on-locked-folio').trace;
    const ls = labels(t);
    expect(ls.indexOf('fork.mnInv')).toBeLessThan(ls.indexOf('fork.dup'));
    expect(ls.indexOf('driver.install')).toBeLessThan(ls.indexOf('fork.dup'));
    const s = last(t);
    expect(s.pte[CHILD].page).toBe(null);
    expect(s.pte[PARENT].dx).toBe(true);
  });

  it('share-de: the child restores a page the parent still has device-exclusive', async () => {
    const s = last(result(await run(fork, 'v6.15-share-de'), P8).trace);
    expect(s.pte[PARENT].dx).toBe(true);
    expect(s.pte[CHILD].dx).toBe(false);
    expect(s.pte[CHILD].page).toBe(s.pte[PARENT].page);
  });

  it('B8c: the old design loops in memory offline on refcount 2, mapcount 0', async () => {
    const t = result(await run(b8c, 'v6.14'), P15).trace!;
    expect(t.loop).toBeDefined();
    const cycle = labels(t).slice(t.loop!);
    expect(cycle).toEqual(['offline.mLock', 'offline.move', 'offline.putback', 'offline.isolate']);
    // At the move: the entry holds a reference but no mapcount, and the
    // isolation reference makes 2 where folio_migrate_mapping expects 1.
    const atMove = t.steps.find((x, i) => i >= t.loop! && x.transition.label === 'offline.mLock')!.state as MigState;
    expect(atMove.pte[PARENT].dx).toBe(true);
    expect(atMove.page[0].map).toBe(0);
    expect(atMove.page[0].ref).toBe(2);
    expect(atMove.drv.pc).toBe('done');
  });

  it('B8c: v6.15 moves the device-exclusive page, revoking the grant first', async () => {
    const r = await run(b8c, 'v6.15');
    expect(result(r, P15).verdict).toBe('holds');
    const t = result(r, 'device-exclusive-page-migrated').trace!;
    const ls = labels(t);
    expect(ls.indexOf('driver.map')).toBeLessThan(ls.indexOf('offline.mInv'));
    expect(ls.indexOf('offline.mInv')).toBeLessThan(ls.lastIndexOf('offline.move'));
    const s = lastState<MigState>(t);
    expect(s.pte[PARENT].page).toBe(1);
    expect(s.pte[PARENT].dx).toBe(false);
    expect(s.dev.perm).toBe('none');
  });

  it('de-all-paths expects a violation only where a smaller spec shows it (its search runs in npm run check)', async () => {
    for (const v of allPaths.variants) {
      const expected = allPaths.build(v).expected;
      const violatedBelow = new Set<string>();
      for (const small of [exclusive, fork]) {
        for (const p of (await run(small, v)).properties) if (p.verdict === 'violated') violatedBelow.add(p.property);
      }
      for (const [property, verdict] of expected) {
        if (verdict === 'violated') expect(violatedBelow, `${v} ${property}`).toContain(property);
      }
      // And the converse for the safety properties both check: what a
      // smaller spec violates with the same paths, the big one expects too.
      for (const p of (await run(fork, v)).properties) {
        if (p.verdict === 'violated' && p.kind === 'always' && expected.has(p.property)) {
          expect(expected.get(p.property), `${v} ${p.property}`).toBe('violated');
        }
      }
    }
  });

  it('every step names the kernel function it abstracts', () => {
    for (const s of [...SPECS, allPaths]) {
      for (const t of s.build(s.variants[0]!).transitions) {
        expect(t.kernel, t.label).toMatch(/^([a-z]+\/[a-z0-9_/]+\.[ch]: [a-z_]+|\(.+\))$/);
      }
    }
  });
});
