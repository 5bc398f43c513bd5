// The authoring gaps a TLA+ user hits first, each against a hand-derived
// answer: set(Domain) fields and subset parameters, initial states from an
// iterable and from a predicate, either/or alternatives in a step, threads
// that never finish, TLC's state constraint, `initially`, per-action
// coverage, and spec errors that carry the shortest trace to their state.

import { describe, expect, it } from 'vitest';
import { array, bool, domain, DomainSet, int, model, record, set, spec, thread } from '../src/index.ts';
import type { PropertyResult, RunResult } from '../src/spec/results.ts';
import { explore } from '../src/explicit/explore.ts';
import { TracedSpecError } from '../src/explicit/errors.ts';
import { codecFor } from '../src/state/codec.ts';
import { decodeValue, encodeValue } from '../src/report/itf.ts';
import { neverEnabledLines } from '../src/report/human.ts';
import { describeFailure } from '../src/cli/errors.ts';

const prop = (r: RunResult, name: string): PropertyResult => r.properties.find((p) => p.property === name)!;

const P = domain('P', ['a', 'b', 'c']);

describe('set(Domain)', () => {
  it('has/add/delete/size/iteration, and elements outside the domain are errors', () => {
    const x = DomainSet.of(P, [2, 0]);
    expect([x.has(0), x.has(1), x.has(2), x.size]).toEqual([true, false, true, 2]);
    expect([...x]).toEqual([0, 2]);
    expect(x.delete(0)).toBe(true);
    expect(x.delete(0)).toBe(false);
    expect(x.toString()).toBe('{c}');
    expect(() => x.add(3)).toThrow(/not an element of P/);
  });

  it('packs as a bit set and round-trips through the codec and ITF', () => {
    const schema = record({ s: set(P), t: array(set(P), 2) });
    const codec = codecFor(schema);
    expect(codec.words).toBe(1); // 3 + 3 + 3 bits
    const v = { s: DomainSet.of(P, [1]), t: [DomainSet.of(P, []), DomainSet.of(P, [0, 1, 2])] };
    const back = codec.clone(v);
    expect(back.s).toBeInstanceOf(DomainSet);
    expect(codec.equal(back, v)).toBe(true);
    expect(codec.format(back)).toBe('{s: {b}, t: [{}, {a, b, c}]}');
    const itf = encodeValue(schema, v);
    expect(itf).toMatchObject({ s: { '#set': ['b'] } });
    expect(codec.equal(decodeValue(schema, itf, '') as any, v)).toBe(true);
    expect(() => codec.encode({ s: 5, t: v.t }, new Uint32Array(1), 0)).toThrow(/s = 5, outside set\(P\)/);
  });

  it('subset parameters: one transition per subset (2^3 = 8), and sets in the next state are the engine\'s own', async () => {
    // From {} the action adds any subset: 8 successors, 8 distinct states.
    const s = spec({
      name: 'subsets',
      variants: { v: {} },
      model: () => {
        const m = model(record({ held: set(P) }));
        m.init({ held: new DomainSet(P) });
        m.action('take', {
          params: { S: set(P) },
          guard: (s) => s.held.size === 0,
          apply: (_s, n, { S }) => {
            for (const x of S) n.held.add(x);
          },
        });
        m.always('AtMostThree', (s) => s.held.size <= 3);
        return m;
      },
      deadlock: false,
      expect: { v: { AtMostThree: 'holds' } },
    });
    const built = s.build('v');
    expect(built.transitions).toHaveLength(8);
    const r = await explore(built);
    expect([r.stats.distinct, r.stats.generated]).toEqual([8, 9]);
  });
});

describe('initial states', () => {
  it('m.init takes an iterable: 655,200 initial states, no stack overflow', async () => {
    const n = 655_200;
    function* all(): Generator<{ x: number }> {
      for (let x = 0; x < n; x++) yield { x };
    }
    const s = spec({
      name: 'many-inits',
      variants: { v: {} },
      model: () => model(record({ x: int(0, n - 1) })).init(all()),
      deadlock: false,
      expect: {},
    });
    const r = await explore(s.build('v'));
    expect([r.stats.distinct, r.stats.generated, r.stats.depth]).toEqual([n, n, 1]);
  });

  it('a generator object is walked once; m.init(() => gen()) can be walked again', () => {
    function* two(): Generator<{ x: number }> {
      yield { x: 0 };
      yield { x: 1 };
    }
    const once = model(record({ x: int(0, 1) })).init(two());
    expect([...once.initialStates()]).toHaveLength(2);
    expect(() => [...once.initialStates()]).toThrow(/used up already: pass m\.init\(\(\) => generator\(\)\)/);
    const again = model(record({ x: int(0, 1) })).init(() => two());
    expect([...again.initialStates()]).toHaveLength(2);
    expect(again.inits).toEqual([{ x: 0 }, { x: 1 }]);
  });

  it('initWhere enumerates the schema: a < b over 0..3 x 0..3 is 6 states, flags {T,F}^2 x 6 = 24', async () => {
    const s = spec({
      name: 'init-where',
      variants: { v: {} },
      model: () =>
        model(record({ a: int(0, 3), b: int(0, 3), f: array(bool(), 2) })).initWhere((s) => s.a < s.b),
      deadlock: false,
      expect: {},
    });
    const r = await explore(s.build('v'));
    expect(r.stats.distinct).toBe(24);
  });

  it('initially: judged on every initial state, not on later ones', async () => {
    const s = spec({
      name: 'initially',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 3) }));
        m.init({ x: 0 }, { x: 1 });
        m.action('inc', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
        m.initially('StartsLow', (s) => s.x <= 1);
        m.initially('StartsAtZero', (s) => s.x === 0);
        return m;
      },
      deadlock: false,
      expect: { v: { StartsLow: 'holds', StartsAtZero: 'violated' } },
    });
    const r = await explore(s.build('v'));
    expect(prop(r, 'StartsLow').verdict).toBe('holds');
    const z = prop(r, 'StartsAtZero');
    expect(z.verdict).toBe('violated');
    expect([z.trace!.steps.length, z.trace!.initial]).toEqual([0, { x: 1 }]);
  });
});

describe('threads', () => {
  it('either/or: each alternative is its own successor (TLC counts both), labelled step/alternative', async () => {
    // One thread: at `pick`, either set x = 1 or set x = 2, then done.
    // States: {pick,0}, {done,1}, {done,2}: 3 distinct, 1 + 2 generated.
    const s = spec({
      name: 'either',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 2), t: thread(['pick']) }));
        m.init({ x: 0, t: { pc: 'pick' } });
        m.thread('t', {
          at: (s) => s.t,
          steps: {
            pick: {
              either: {
                one: { apply: (_s, n) => void (n.x = 1) },
                two: { guard: (s) => s.x === 0, apply: (_s, n) => void (n.x = 2) },
              },
            },
          },
        });
        m.sometimes('Two', (s) => s.x === 2);
        return m;
      },
      expect: {},
    });
    const built = s.build('v');
    expect(built.transitions.map((t) => t.label)).toEqual(['t.pick/one', 't.pick/two']);
    const r = await explore(built);
    expect([r.stats.distinct, r.stats.generated]).toEqual([3, 3]);
    expect(prop(r, 'Two').trace!.steps.map((x) => x.transition.label)).toEqual(['t.pick/two']);
  });

  it("a thread that never finishes has no 'done'; falling off its end is a range error", async () => {
    const schema = thread(['a', 'b'], {}, { forever: true });
    expect(schema.fields.pc.values).toEqual(['a', 'b']);
    const s = spec({
      name: 'forever',
      variants: { v: {} },
      model: () => {
        const m = model(record({ t: thread(['a', 'b'], {}, { forever: true }) }));
        m.init({ t: { pc: 'a' } });
        m.thread('t', { at: (s) => s.t, steps: { a: {}, b: {} } });
        return m;
      },
      expect: {},
    });
    await expect(explore(s.build('v'))).rejects.toThrow(/t\.pc to "done", outside enum\(a\|b\)/);
  });
});

describe('state constraint', () => {
  it('states outside are checked but not expanded (TLC CONSTRAINT)', async () => {
    // x counts up from 0; constraint x < 3: x = 3 is reached and checked
    // (NotThree is violated there) but not expanded, so x = 4 never appears.
    const s = spec({
      name: 'constraint',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 9) }));
        m.init({ x: 0 });
        m.action('inc', { guard: (s) => s.x < 9, apply: (s, n) => void (n.x = s.x + 1) });
        m.constraint((s) => s.x < 3);
        m.always('NotThree', (s) => s.x !== 3);
        m.sometimes('Four', (s) => s.x === 4);
        return m;
      },
      expect: { v: { NotThree: 'violated', Four: 'violated' } },
    });
    const r = await explore(s.build('v'));
    expect([r.stats.distinct, r.stats.generated]).toEqual([4, 4]);
    expect(prop(r, 'NotThree').trace!.steps).toHaveLength(3);
    expect(prop(r, 'Four').verdict).toBe('violated');
    expect(prop(r, 'deadlockFree').verdict).toBe('holds'); // x = 3 is not expanded, so no deadlock
  });
});

describe('coverage and spec errors', () => {
  it('per-action coverage: enabled counts and distinct states found, 0 for a dead action', async () => {
    // x: 0..3, inc enabled in 0,1,2 (3 times, 3 new states); never's guard never holds.
    const s = spec({
      name: 'coverage',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 3) }));
        m.init({ x: 0 });
        m.action('inc', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
        m.action('reset', { params: { to: int(0, 1) }, guard: (s) => s.x === 3, apply: (_s, n, { to }) => void (n.x = to) });
        m.action('never', { guard: (s) => s.x > 5, apply: () => {} });
        return m;
      },
      expect: {},
    });
    const r = await explore(s.build('v'));
    expect(r.actionCoverage).toEqual([
      { action: 'inc', step: undefined, enabled: 3, distinct: 3 },
      { action: 'reset', step: undefined, enabled: 2, distinct: 0 },
      { action: 'never', step: undefined, enabled: 0, distinct: 0 },
    ]);
    // The human output names the dead action; after an incomplete run
    // "never" is not known, so nothing is said.
    expect(neverEnabledLines(r, false)).toEqual(['  warning: 1 of 3 actions/steps never enabled: never']);
    const cut = await explore(s.build('v'), { maxStates: 2 });
    expect(cut.status).toBe('incomplete');
    expect(neverEnabledLines(cut, true)).toEqual([]);
  });

  it('a value out of range deep in the search carries the shortest trace to the state where it happened', async () => {
    // Two counters; y overflows when x = 2 and y = 1 is bumped: the shortest
    // path to {x: 2, y: 1} has 3 steps.
    const s = spec({
      name: 'range-trace',
      variants: { v: {} },
      model: () => {
        const m = model(record({ x: int(0, 2), y: int(0, 1) }));
        m.init({ x: 0, y: 0 });
        m.action('incX', { guard: (s) => s.x < 2, apply: (s, n) => void (n.x = s.x + 1) });
        m.action('incY', { guard: (s) => s.y === 0 || s.x === 2, apply: (s, n) => void (n.y = s.y + 1) });
        return m;
      },
      expect: {},
    });
    const err = await explore(s.build('v')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TracedSpecError);
    const t = (err as TracedSpecError).trace;
    expect((err as Error).message).toMatch(/action incY set y to 2/);
    expect(t.steps).toHaveLength(3);
    expect(t.steps[2]!.state).toEqual({ x: 2, y: 1 });
    // The CLI prints that trace under the message (exit 2), as TLC does.
    const { code, text } = describeFailure(err, false);
    expect(code).toBe(2);
    expect(text).toMatch(/action incY set y to 2/);
    expect(text).toMatch(/shortest trace to the state where it happened \(3 steps\)/);
    expect(text).toMatch(/Initial state:\n  x: 0\n  y: 0/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/y: 0 -> 1|x: 1 -> 2|x: 0 -> 1/);
    expect(text.split('\n').every((l) => l.length <= 80)).toBe(true);
  });
});
