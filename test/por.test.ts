// Partial-order reduction (--por): the reduced search gives the unreduced
// verdicts, its traces replay, and each of C1, C2, C3 is needed: with the
// footprints weakened (or, for C3, on a spec with an invisible cycle) a
// constructed bug is missed, which the sound reduction finds. The sweep of
// every spec and variant in specs/ is bench/por.ts (CI runs it).

import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explore } from '../src/explicit/explore.ts';
import { footprintsOf, type Footprints } from '../src/symbolic/footprint.ts';
import { disposeZ3 } from '../src/symbolic/index.ts';
import type { Spec } from '../src/spec/spec.ts';
import { comparePor, traceProblem } from '../bench/por-compare.ts';
import { cycleMatters, readsMatter, visibleMatters } from './por-fixtures.ts';
import lostUpdate from '../specs/classic/lost-update.ts';
// In process: the same main() as the CLI's, without a spawned process and
// its front end (test/ts-loader.test.ts runs --por through bin/mmcheck.js).
import { runCliInProcess as runCli } from './support/cli.ts';

afterAll(() => disposeZ3());

const verdictOf = (r: Awaited<ReturnType<typeof explore>>, name: string) => r.properties.find((p) => p.property === name)?.verdict;

/** The explicit run under --por with the footprints changed by `weaken`. */
async function withFootprints(sp: Spec<any>, weaken: (f: Footprints) => Footprints) {
  return explore(sp.build('only'), {
    por: async (b) => {
      const r = await footprintsOf(b);
      if (!r.ok) throw new Error(r.reason);
      return { ok: true, footprints: weaken(r.footprints) };
    },
  });
}

describe('partial-order reduction (--por)', () => {
  it('same verdicts as the unreduced search, fewer states where steps commute, traces replay', async () => {
    const racy = await comparePor(lostUpdate, 'racy');
    expect(racy.problems).toEqual([]);
    // The two workers' read steps commute with each other's acquire: the
    // reduced search stores fewer states and says that it reduced.
    expect(racy.por.stats.distinct).toBeLessThan(racy.full.stats.distinct);
    expect(racy.por.partialOrder!.reduced).toBeGreaterThan(0);
    expect(racy.por.method).toMatch(/partial-order reduction/);
    expect(verdictOf(racy.por, 'NoLostUpdate')).toBe('violated');
    // Not reduced (the lock makes every step depend on the other thread's).
    const locked = await comparePor(lostUpdate, 'locked');
    expect(locked.problems).toEqual([]);
    expect(locked.por.method).toMatch(/not reduced/);
  });

  it('footprints: reads, writes and visibility of the C1 fixture', async () => {
    const built = readsMatter.build('only');
    const r = await footprintsOf(built);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const fp = r.footprints;
    const names = (xs: ReadonlySet<number>) => [...xs].map((i) => fp.leaves[i]).sort();
    const [a, b] = [0, 1].map((i) => fp.transitions[i]!);
    expect(built.transitions.map((t) => t.label)).toEqual(['A.set', 'B.look']);
    expect(names(a!.writes)).toEqual(['a.pc', 'x']);
    expect(names(b!.writes)).toEqual(['b.pc', 'y']);
    expect(names(b!.reads)).toContain('x');
    expect(a!.visible).toBe(false);
    expect(b!.visible).toBe(true);
  });

  it('C1: with reads left out of independence, a bug is missed; the sound reduction finds it', async () => {
    const sound = await explore(readsMatter.build('only'), { por: footprintsOf });
    expect(verdictOf(sound, 'YStaysZero')).toBe('violated');
    const weak = await withFootprints(readsMatter, (f) => ({
      ...f,
      transitions: f.transitions.map((t) => t && { ...t, reads: new Set(t.writes) }),
    }));
    expect(verdictOf(weak, 'YStaysZero')).toBe('holds'); // wrong: what C1 prevents
  });

  it('C2: with visible steps allowed in ample sets, a bug is missed; the sound reduction finds it', async () => {
    const sound = await explore(visibleMatters.build('only'), { por: footprintsOf });
    expect(verdictOf(sound, 'NotBoth')).toBe('violated');
    const weak = await withFootprints(visibleMatters, (f) => ({
      ...f,
      transitions: f.transitions.map((t) => t && { ...t, visible: false }),
    }));
    expect(verdictOf(weak, 'NotBoth')).toBe('holds'); // wrong: what C2 prevents
  });

  it('C3: an invisible cycle does not starve the other thread (the proviso expands it)', async () => {
    const built = cycleMatters.build('only');
    const r = await explore(built, { por: footprintsOf });
    expect(verdictOf(r, 'WStaysZero')).toBe('violated');
    expect(r.partialOrder!.reduced).toBeGreaterThan(0);
    expect(r.partialOrder!.proviso).toBeGreaterThan(0);
    const trace = r.properties.find((p) => p.property === 'WStaysZero')!.trace!;
    expect(traceProblem(built, trace)).toBeUndefined();
  });

  it('temporal properties: the run is not reduced, and says so', async () => {
    const mod = await import('../specs/classic/mutex-liveness.ts');
    const sp = mod.default as Spec<any>;
    const r = await explore(sp.build(sp.variants[0]!), { por: footprintsOf });
    expect(r.partialOrder).toBeUndefined();
    expect(r.method).toMatch(/not reduced \(--por: temporal properties/);
  });

  it('CLI: --por checks, says it reduced, and --replay confirms its counterexample', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mmcheck-por-'));
    const r = await runCli(['check', 'lost-update', '--variant', 'racy', '--por', '--traces', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/engine: explicit \(breadth-first\s+search with partial-order reduction/);
    expect(r.stdout).toMatch(/a counterexample \(breadth-first search with partial-order\s+reduction/);
    expect(r.stdout).toMatch(/30 distinct states/);
    const rep = await runCli(['check', '--replay', join(out, 'lost-update/racy/NoLostUpdate.json')]);
    expect(rep.code, rep.stdout + rep.stderr).toBe(0);
  });

  it('--por with --symmetry is refused', async () => {
    await expect(explore(lostUpdate.build('racy'), { por: footprintsOf, symmetry: true })).rejects.toThrow(/--por and --symmetry/);
  });
});
