// Symmetry reduction: counts equal to TLC's with the same SYMMETRY set
// (SimpleAllocator from tlaplus/Examples, TLC's figures in the spec's
// header), verdicts and trace lengths equal to the unreduced run, traces
// that replay as executions of the model, and the canonical form: equal on
// a state and its renamings (refs mapped too), different across orbits.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { array, bool, domain, DomainSet, int, model, optional, record, ref, set, spec, thread } from '../src/index.ts';
import { TracedSpecError } from '../src/explicit/errors.ts';
// In process: the same main() as the CLI's, without 1-2 s of CPU per spawned process.
import { runCliInProcess as runCli } from './support/cli.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codecFor } from '../src/state/codec.ts';
import { symmetryFor } from '../src/state/symmetry.ts';
import { explore } from '../src/explicit/explore.ts';
import { exploreParallel } from '../src/explicit/parallel/explore-parallel.ts';
import type { RunResult, SearchStats, Trace } from '../src/spec/results.ts';
import type { BuiltModel, Spec } from '../src/spec/spec.ts';
import allocator from '../specs/classic/simple-allocator-symmetry.ts';
import lostUpdate from '../specs/classic/lost-update.ts';

const counts = (r: RunResult<SearchStats>) => [r.stats.distinct, r.stats.generated, r.stats.depth];
const verdicts = (r: RunResult) => r.properties.map((p) => [p.property, p.verdict, p.trace?.steps.length ?? null]);

function replay(built: BuiltModel, t: Trace): any {
  expect(built.model.inits).toContainEqual(t.initial);
  let s = t.initial;
  for (const step of t.steps) {
    expect(step.transition.enabled(s), step.transition.label).toBe(true);
    const n = structuredClone(s);
    step.transition.fire(s, n);
    expect(n).toEqual(step.state);
    s = step.state;
  }
  return s;
}

// TLC 2 (tla2tools.jar, -workers 1) on bench/tla/: [distinct, generated, depth].
const TLC = {
  allocatorClients: [86, 370, 6],
  allocatorBoth: [50, 226, 6],
  lostUpdateLocked: [9, 10, 9],
  lostUpdateRacy: [21, 32, 9],
};

describe('symmetry reduction in the explicit engine (--symmetry)', () => {
  it("SimpleAllocator and lost-update: TLC's counts with the same SYMMETRY sets; verdicts as unreduced; traces replay", async () => {
    const runs: [Spec<any>, string, number[]][] = [
      [allocator, 'clients-symmetric', TLC.allocatorClients],
      [allocator, 'all-symmetric', TLC.allocatorBoth],
      [lostUpdate, 'locked', TLC.lostUpdateLocked],
      [lostUpdate, 'racy', TLC.lostUpdateRacy],
    ];
    for (const [sp, v, tlc] of runs) {
      const built = sp.build(v);
      const sym = await explore(built, { symmetry: true });
      expect(counts(sym), `${sp.name}/${v}`).toEqual(tlc);
      const full = await explore(sp.build(v));
      expect(verdicts(sym)).toEqual(verdicts(full));
      for (const p of sym.properties) {
        if (!p.trace) continue;
        const end = replay(built, p.trace);
        const pred = built.properties.find((q) => q.name === p.property)?.pred as ((s: any) => boolean) | undefined;
        if (pred && p.kind !== 'deadlock') expect(pred(end), p.property).toBe(p.kind === 'sometimes');
      }
    }
    // lost-update/racy's counterexample is found under reduction too.
    const racy = await explore(lostUpdate.build('racy'), { symmetry: true });
    expect(racy.properties.find((p) => p.property === 'NoLostUpdate')?.verdict).toBe('violated');
  });

  // Two workers on a lock, symmetric, with liveness and a step that throws once both waited.
  const W = domain('W', ['a', 'b'], { symmetric: true });
  const lockSpec = (throwing: boolean) =>
    spec({
      name: 'sym-lock',
      variants: { only: {} },
      model: () => {
        const m = model(record({ locked: bool(), entries: int(0, 3), w: array(thread(['try', 'cs'], {}, { forever: true }), W) }));
        m.init({ locked: false, entries: 0, w: [{ pc: 'try' }, { pc: 'try' }] });
        m.thread('worker', {
          instances: W,
          fairness: 'weak',
          at: (s, self) => s.w[self]!,
          steps: {
            try: { guard: (s) => !s.locked, apply: (s, n) => { n.locked = true; n.entries = Math.min(s.entries + 1, 3); } },
            cs: {
              apply: (s, n) => {
                if (throwing && s.entries === 3) throw new Error('third entry');
                n.locked = false;
                return 'try';
              },
            },
          },
        });
        m.always('Counted', (s) => s.entries <= 3);
        m.eventually('SomeEnters', (s) => s.locked);
        return m;
      },
      expect: { '*': { Counted: 'holds', SomeEnters: 'holds' } },
    });

  it('temporal properties are not checked under reduction: unknown, with the reason (the unreduced run decides them)', async () => {
    const sym = await explore(lockSpec(false).build('only'), { symmetry: true });
    const full = await explore(lockSpec(false).build('only'));
    expect(full.properties.find((p) => p.property === 'SomeEnters')?.verdict).toBe('holds');
    const p = sym.properties.find((q) => q.property === 'SomeEnters')!;
    expect(p.verdict).toBe('unknown');
    expect(p.coverage).toMatchObject({ kind: 'not-checked' });
    expect(sym.properties.find((q) => q.property === 'Counted')?.verdict).toBe('holds');
    expect(sym.stats.distinct).toBeLessThan(full.stats.distinct);
  });

  it('a spec error under reduction comes with a trace that is an execution', async () => {
    const built = lockSpec(true).build('only');
    const e = await explore(built, { symmetry: true }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TracedSpecError);
    const end = replay(built, (e as TracedSpecError).trace);
    expect(end.entries).toBe(3);
  });

  it('CLI: --symmetry gives the reduced counts, and --replay confirms its counterexample', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mmcheck-sym-'));
    const r = await runCli(['check', 'lost-update', '--variant', 'racy', '--symmetry', '--json', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).results[0].distinctStates).toBe(TLC.lostUpdateRacy[0]);
    const rep = await runCli(['check', '--replay', join(out, 'lost-update/racy/NoLostUpdate.json')]);
    expect(rep.code, rep.stdout + rep.stderr).toBe(0);
    expect(rep.stdout).toContain('reproduces:');
    // Golden traces and the state graph are of the unreduced search.
    for (const extra of [['--update-goldens'], ['--dump-graph', join(out, 'g.dot')]]) {
      const bad = await runCli(['check', 'lost-update', '--variant', 'racy', '--symmetry', ...extra]);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toContain('drop --symmetry');
    }
  }, 180_000);
});

describe('symmetry reduction', () => {
  it("SimpleAllocator: TLC's counts with SYMMETRY Permutations(Clients), and with Clients x Resources", async () => {
    const c = await exploreParallel(allocator.build('clients-symmetric'), { workers: 1, symmetry: true });
    expect(counts(c)).toEqual([86, 370, 6]);
    const cr = await exploreParallel(allocator.build('all-symmetric'), { workers: 1, symmetry: true });
    expect(counts(cr)).toEqual([50, 226, 6]);
    const full = await explore(allocator.build('all-symmetric'));
    expect(counts(full)).toEqual([400, 1633, 6]);
    expect(verdicts(cr)).toEqual(verdicts(full));
    for (const p of cr.properties) if (p.trace) replay(allocator.build('all-symmetric'), p.trace);
  });

  it('lost-update: same verdicts and trace lengths as without reduction; the counterexample replays and fails', async () => {
    for (const v of ['racy', 'locked']) {
      const built = lostUpdate.build(v);
      const sym = await exploreParallel(built, { workers: 1, symmetry: true });
      const full = await explore(lostUpdate.build(v));
      expect(sym.stats.distinct).toBeLessThan(full.stats.distinct);
      expect(verdicts(sym)).toEqual(verdicts(full));
      for (const p of sym.properties) {
        if (!p.trace) continue;
        const end = replay(built, p.trace);
        const pred = built.properties.find((q) => q.name === p.property)?.pred as ((s: any) => boolean) | undefined;
        if (pred) expect(pred(end)).toBe(p.kind === 'sometimes');
      }
    }
  });

  it('two workers with symmetry give the one-thread counts', async () => {
    const file = fileURLToPath(new URL('../specs/classic/simple-allocator-symmetry.ts', import.meta.url));
    const r = await exploreParallel((allocator as Spec<any>).build('all-symmetric'), {
      workers: 2,
      specFile: file,
      awaitWorkers: true,
      symmetry: true,
    });
    expect(counts(r)).toEqual([50, 226, 6]);
  }, 60_000);

  it('canonical form: a state and its renamings agree, refs included; other orbits differ', () => {
    const P = domain('P', 3, { symmetric: true });
    const Q = domain('Q', 2); // not symmetric: never renamed
    const schema = record({
      p: array(record({ n: int(0, 3), peer: optional(ref(P)), q: ref(Q) }), P),
      owner: ref(P),
      members: set(P),
    });
    const codec = codecFor(schema);
    const sym = symmetryFor(schema)!;
    expect(sym.groupSize).toBe(6);
    const canon = (o: unknown) => {
      const w = new Uint32Array(codec.words);
      codec.encode(o, w, 0);
      sym.canonicalize(w);
      return Array.from(w);
    };
    const s = {
      p: [
        { n: 1, peer: 2, q: 0 },
        { n: 3, peer: null, q: 1 },
        { n: 0, peer: 0, q: 1 },
      ],
      owner: 1,
      members: DomainSet.of(P, [0, 1]),
    };
    // Rename by pi = (0 -> 1, 1 -> 2, 2 -> 0): element i moves to pi(i), every ref v becomes pi(v).
    const pi = [1, 2, 0];
    const renamed = { p: [s.p[2]!, s.p[0]!, s.p[1]!].map((e) => ({ ...e, peer: e.peer === null ? null : pi[e.peer]! })), owner: pi[s.owner]!, members: DomainSet.of(P, [pi[0]!, pi[1]!]) };
    expect(canon(renamed)).toEqual(canon(s));
    // Same multiset of element records but refs pointing elsewhere: another orbit.
    const other = { ...s, owner: 0 };
    expect(canon(other)).not.toEqual(canon(s));
    // A set of elements is renamed too: {0, 1} is not {0, 2} here.
    expect(canon({ ...s, members: DomainSet.of(P, [0, 2]) })).not.toEqual(canon(s));
    expect(canon({ ...renamed, members: DomainSet.of(P, [1, 2]) })).toEqual(canon(s));
    // Renaming the non-symmetric Q is not a symmetry.
    const qSwapped = { ...s, p: s.p.map((e) => ({ ...e, q: 1 - e.q })) };
    expect(canon(qSwapped)).not.toEqual(canon(s));
  });
});
