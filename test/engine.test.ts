// The explicit engine's behaviour on tiny models built here with the public
// API, each small enough that the right answer is obvious by hand: deadlocks
// and terminal states, limits, errors in specs (throwing, out of range,
// non-deterministic, writing s), several initial states, action properties,
// vacuous witnesses, determinism and shortest traces.

import { describe, expect, it, vi } from 'vitest';
import { array, bool, domain, enumOf, int, model, record, ref, spec, thread, type Model } from '../src/index.ts';
import { SpecError } from '../src/spec/errors.ts';
import type { BuiltModel, Verdict } from '../src/spec/spec.ts';
import type { PropertyResult, RunResult, SearchStats } from '../src/spec/results.ts';
import { explore, type ExploreOptions } from '../src/explicit/explore.ts';
import { countersModel } from '../specs/classic/counters.ts';
import { StateStore } from '../src/explicit/state-store.ts';

/** A one-variant spec named `name` (variant 'v') around a model built here. */
function build(
  name: string,
  make: () => Model<any, any>,
  verdicts: Record<string, Verdict> = {},
  opts: { deadlock?: boolean } = {},
): BuiltModel {
  return spec({ name, variants: { v: {} }, model: make, expect: { v: verdicts }, ...opts }).build('v');
}

function prop(r: RunResult, name: string): PropertyResult {
  const p = r.properties.find((q) => q.property === name);
  if (!p) throw new Error(`no result for ${name}; got ${r.properties.map((q) => q.property).join(', ')}`);
  return p;
}

const labels = (p: PropertyResult): string[] => (p.trace?.steps ?? []).map((s) => s.transition.label);

/** Runs explore expecting a SpecError; returns its message. */
async function specError(b: BuiltModel, opts?: ExploreOptions): Promise<string> {
  let err: unknown;
  try {
    await explore(b, opts);
  } catch (e) {
    err = e;
  }
  expect(err, 'explore should have thrown').toBeInstanceOf(SpecError);
  return (err as Error).message;
}

/** x counts up to 3 and stops there. */
function upTo3(): Model<any, any> {
  const m = model(record({ x: int(0, 3) }));
  m.init({ x: 0 });
  m.action('inc', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
  return m;
}

describe('deadlock', () => {
  it('a state without successors is a deadlock, with its shortest trace', async () => {
    const r = await explore(build('dead', upTo3, { deadlockFree: 'violated' }));
    const d = prop(r, 'deadlockFree');
    expect(d.kind).toBe('deadlock');
    expect(d.verdict).toBe('violated');
    expect(d.trace!.kind).toBe('deadlock');
    expect(labels(d)).toEqual(['inc', 'inc', 'inc']);
    expect(d.trace!.steps[2]!.state).toEqual({ x: 3 });
    // Finding a deadlock does not stop the search.
    expect(r.status).toBe('complete');
    expect(r.stats.distinct).toBe(4);
  });

  it('a declared terminal state is not a deadlock', async () => {
    const r = await explore(
      build('terminal', () => upTo3().terminal((s) => s.x === 3)),
    );
    expect(prop(r, 'deadlockFree').verdict).toBe('holds');
  });

  it('a terminal predicate that misses the dead state still reports it', async () => {
    const r = await explore(build('terminal-miss', () => upTo3().terminal((s) => s.x === 2), { deadlockFree: 'violated' }));
    expect(prop(r, 'deadlockFree').verdict).toBe('violated');
    expect(prop(r, 'deadlockFree').trace!.steps).toHaveLength(3);
  });

  it("deadlock: false in the spec, or in the options, drops the check", async () => {
    const r1 = await explore(build('no-deadlock', upTo3, {}, { deadlock: false }));
    expect(r1.properties.map((p) => p.property)).not.toContain('deadlockFree');
    const r2 = await explore(build('dead-opt', upTo3, { deadlockFree: 'violated' }), { deadlock: false });
    expect(r2.properties.map((p) => p.property)).not.toContain('deadlockFree');
  });

  it('all threads at done is the end, not a deadlock', async () => {
    const P = domain('P', 2);
    const r = await explore(
      build('threads-done', () => {
        const m = model(record({ x: int(0, 2), t: array(thread(['a', 'b']), P) }));
        m.init({ x: 0, t: [{ pc: 'a' }, { pc: 'a' }] });
        m.thread('worker', {
          instances: P,
          at: (s, self) => s.t[self]!,
          steps: {
            a: { apply: (s, n) => void (n.x = s.x + 1) },
            b: {},
          },
        });
        return m;
      }),
    );
    expect(prop(r, 'deadlockFree').verdict).toBe('holds');
    // pcs (a|b|done)^2 with x = number of a-steps taken: 9 states.
    expect(r.stats.distinct).toBe(9);
  });

  it('a thread blocked before done is a deadlock', async () => {
    const r = await explore(
      build(
        'thread-blocked',
        () => {
          // thread() is hoisted: written inline in record() it loses its
          // pc type (reported as an API typing issue).
          const locker = thread(['take', 'take2']);
          const m = model(record({ lock: bool(), t: locker }));
          m.init({ lock: false, t: { pc: 'take' } });
          m.thread('locker', {
            at: (s) => s.t,
            steps: {
              take: { guard: (s) => !s.lock, apply: (_s, n) => void (n.lock = true) },
              // Takes the same lock again: self-deadlock.
              take2: { guard: (s) => !s.lock, apply: (_s, n) => void (n.lock = true) },
            },
          });
          return m;
        },
        { deadlockFree: 'violated' },
      ),
    );
    const d = prop(r, 'deadlockFree');
    expect(d.verdict).toBe('violated');
    expect(labels(d)).toEqual(['locker.take']);
  });
});

describe('limits end a run as incomplete', () => {
  // Counters N=2 K=3: 16 states over 7 levels; level L holds the states whose
  // counters sum to L-1 (1, 2, 3, 4, 3, 2, 1 states).
  const counters = (): BuiltModel =>
    spec({
      name: 'counters-limits',
      variants: { v: { N: 2, K: 3 } },
      model: countersModel,
      expect: { '*': { Bounded: 'holds', AllFull: 'holds' } },
    }).build('v');

  it('max-states', async () => {
    const r = await explore(counters(), { maxStates: 5 });
    expect(r.status).toBe('incomplete');
    expect(r.limit).toEqual({ which: 'max-states', value: 5 });
    expect(r.stats.distinct).toBe(5);
    expect(r.stats.generated).toBeGreaterThanOrEqual(5);
    expect(r.stats.queue).toBeGreaterThan(0);
    // Nothing not yet seen can be claimed: no holds, no vacuous sometimes.
    expect(prop(r, 'Bounded').verdict).toBe('unknown');
    expect(prop(r, 'AllFull').verdict).toBe('unknown');
    expect(prop(r, 'deadlockFree').verdict).toBe('unknown');
    expect(prop(r, 'Bounded').coverage).toEqual({ kind: 'limit', limit: { which: 'max-states', value: 5 } });
  });

  it('max-states at or above the state count is complete', async () => {
    const r = await explore(counters(), { maxStates: 16 });
    expect(r.status).toBe('complete');
    expect(r.stats.distinct).toBe(16);
  });

  it('max-depth: stops with the levels within the limit explored', async () => {
    const r = await explore(counters(), { maxDepth: 3 });
    expect(r.status).toBe('incomplete');
    expect(r.limit).toEqual({ which: 'max-depth', value: 3 });
    expect(r.stats.depth).toBe(3);
    expect(r.stats.distinct).toBe(1 + 2 + 3);
    expect(prop(r, 'Bounded').verdict).toBe('unknown');
  });

  it('max-depth equal to the depth of the graph is complete', async () => {
    const r = await explore(counters(), { maxDepth: 7 });
    expect(r.status).toBe('complete');
    expect(r.stats.distinct).toBe(16);
    const r6 = await explore(counters(), { maxDepth: 6 });
    expect(r6.status).toBe('incomplete');
    expect(r6.stats.distinct).toBe(15);
  });

  it('a violation found within the limit is still reported', async () => {
    const b = build(
      'limit-violation',
      () => {
        const m = model(record({ x: int(0, 9) }));
        m.init({ x: 0 });
        m.action('inc', { guard: (s) => s.x < 9, apply: (s, n) => void (n.x = s.x + 1) });
        m.always('Small', (s) => s.x < 2);
        return m;
      },
      { Small: 'violated', deadlockFree: 'violated' },
    );
    const r = await explore(b, { maxDepth: 4 });
    expect(r.status).toBe('incomplete');
    expect(prop(r, 'Small').verdict).toBe('violated');
    expect(labels(prop(r, 'Small'))).toEqual(['inc', 'inc']);
    expect(prop(r, 'deadlockFree').verdict).toBe('unknown');
  });

  it('max-memory', async () => {
    // 1 MB is below any Node process's resident size: the first check stops it.
    const b = spec({
      name: 'counters-memory',
      variants: { v: { N: 4, K: 9 } },
      model: countersModel,
      expect: { '*': { Bounded: 'holds', AllFull: 'holds' } },
    }).build('v');
    const r = await explore(b, { maxMemoryMB: 1, progressEveryMs: 0 });
    expect(r.status).toBe('incomplete');
    expect(r.limit).toEqual({ which: 'max-memory', value: 1 });
    expect(r.stats.distinct).toBeLessThan(10_000);
    expect(r.stats.queue).toBeGreaterThan(0);
    expect(prop(r, 'Bounded').verdict).toBe('unknown');
  });

  it('an aborted signal ends the run as interrupted with partial statistics', async () => {
    const ac = new AbortController();
    ac.abort();
    const b = spec({
      name: 'counters-interrupt',
      variants: { v: { N: 4, K: 9 } },
      model: countersModel,
      expect: { '*': { Bounded: 'holds', AllFull: 'holds' } },
    }).build('v');
    const r = await explore(b, { signal: ac.signal, progressEveryMs: 0 });
    expect(r.status).toBe('interrupted');
    expect(r.stats.distinct).toBeLessThan(10_000);
    expect(r.stats.queue).toBeGreaterThan(0);
    expect(prop(r, 'Bounded').verdict).toBe('unknown');
  });
});

describe('errors in a spec name what went wrong', () => {
  /** x over 0..3 and a `bump(k)` action that runs `body` on the way to x+k. */
  function bumping(body: (s: any, n: any, k: number) => void, guard?: (s: any) => boolean) {
    return () => {
      const m = model(record({ x: int(0, 3), mode: enumOf('idle', 'busy') }));
      m.init({ x: 0, mode: 'idle' });
      m.action('bump', {
        params: { k: int(1, 2) },
        guard: guard ?? ((s, { k }) => s.x + k <= 3),
        apply: (s, n, { k }) => {
          n.x = s.x + k;
          body(s, n, k);
        },
      });
      return m;
    };
  }

  it('a guard that returns a non-boolean is named (truthiness would hide a bug)', async () => {
    const b = build(
      'guard-number',
      bumping(
        () => {},
        (s) => (s.x < 3 ? (1 as unknown as boolean) : false),
      ),
    );
    const msg = await specError(b);
    expect(msg).toContain('spec guard-number');
    expect(msg).toContain('the guard of bump(k=1) returned 1, not a boolean');
  });

  it('a throwing action: spec, variant, action with parameters, the error and the state', async () => {
    const b = build(
      'throws',
      bumping((s, _n, k) => {
        if (s.x === 2 && k === 1) throw new Error('boom in bump');
      }),
    );
    const msg = await specError(b);
    expect(msg).toContain('spec throws');
    expect(msg).toContain('variant v');
    expect(msg).toContain('bump(k=1)');
    expect(msg).toContain('boom in bump');
    expect(msg).toMatch(/x: 2\b/);
    expect(msg).toContain('mode: idle');
    expect(msg).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a throwing guard names the guard', async () => {
    const b = build(
      'guard-throws',
      bumping(
        () => {},
        (s) => {
          if (s.x === 1) throw new TypeError('bad guard');
          return s.x < 3;
        },
      ),
    );
    const msg = await specError(b);
    expect(msg).toContain('bump(k=1)');
    expect(msg).toContain('guard');
    expect(msg).toContain('bad guard');
    expect(msg).toMatch(/x: 1\b/);
  });

  it('a throwing thread step names thread, instance and step', async () => {
    const P = domain('Proc', ['parent', 'child']);
    const b = build('step-throws', () => {
      const m = model(record({ t: array(thread(['one', 'two']), P) }));
      m.init({ t: [{ pc: 'one' }, { pc: 'one' }] });
      m.thread('fork', {
        instances: P,
        at: (s, self) => s.t[self]!,
        steps: {
          one: {},
          two: {
            apply: (_s, _n, { self }) => {
              if (self === 1) throw new Error('child fails');
            },
          },
        },
      });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('spec step-throws');
    expect(msg).toContain('fork[child].two');
    expect(msg).toContain('child fails');
  });

  it('a throwing property names the property and the state', async () => {
    const b = build(
      'prop-throws',
      () => {
        const m = upTo3();
        m.always('Explodes', (s) => {
          if (s.x === 2) throw new Error('property blew up');
          return true;
        });
        return m;
      },
      { Explodes: 'holds', deadlockFree: 'violated' },
    );
    const msg = await specError(b);
    expect(msg).toContain('spec prop-throws');
    expect(msg).toContain('Explodes');
    expect(msg).toContain('property blew up');
    expect(msg).toMatch(/x: 2\b/);
  });

  it('a property that returns no boolean (a forgotten return) is named', async () => {
    const b = build(
      'prop-undefined',
      () => {
        const m = upTo3();
        m.always('Forgot', ((s: any) => {
          void (s.x < 3);
        }) as any);
        return m;
      },
      { Forgot: 'holds', deadlockFree: 'violated' },
    );
    const msg = await specError(b);
    expect(msg).toContain('spec prop-undefined');
    expect(msg).toContain('Forgot');
    expect(msg).toContain('undefined');
  });

  describe('a value out of range names spec, action, field and value', () => {
    const D = domain('Page', 2);
    const schema = record({
      x: int(0, 3),
      mode: enumOf('idle', 'busy'),
      owner: ref(D),
      flag: bool(),
      pair: array(int(0, 1), 2),
    });
    const init = { x: 0, mode: 'idle', owner: 0, flag: false, pair: [0, 0] } as const;
    const writing = (name: string, write: (n: any) => void): BuiltModel =>
      build(name, () => {
        const m = model(schema);
        m.init({ ...init, pair: [0, 0] });
        m.action('poke', { params: { p: D }, guard: (s) => s.x === 0, apply: (_s, n) => write(n) });
        return m;
      }, {}, { deadlock: false });

    const cases: [string, (n: any) => void, string, RegExp][] = [
      ['int', (n) => (n.x = 4), 'x', /\b4\b/],
      ['int-negative', (n) => (n.x = -1), 'x', /-1\b/],
      ['int-fraction', (n) => (n.x = 1.5), 'x', /1\.5/],
      ['enum', (n) => (n.mode = 'bogus'), 'mode', /"bogus"/],
      ['ref', (n) => (n.owner = 2), 'owner', /\b2\b/],
      ['bool', (n) => (n.flag = 1), 'flag', /\b1\b/],
      ['array-length', (n) => (n.pair = [0, 0, 0]), 'pair', /length 3/],
      ['array-element', (n) => (n.pair[1] = 2), 'pair[1]', /\b2\b/],
      ['undefined', (n) => (n.x = undefined), 'x', /undefined/],
    ];
    for (const [what, write, field, value] of cases) {
      it(what, async () => {
        const msg = await specError(writing(`range-${what}`, write));
        expect(msg).toContain(`spec range-${what}`);
        expect(msg).toContain('variant v');
        expect(msg).toContain('poke(p=Page0)');
        expect(msg).toContain(field);
        expect(msg).toMatch(value);
        expect(msg).not.toMatch(/\n\s+at /);
      });
    }

    it('in an initial state', async () => {
      const b = build('range-init', () => {
        const m = model(schema);
        m.init({ ...init, pair: [0, 0] }, { ...init, pair: [0, 0], x: 7 });
        return m;
      }, {}, { deadlock: false });
      const msg = await specError(b);
      expect(msg).toContain('spec range-init');
      expect(msg).toContain('initial state 2');
      expect(msg).toContain('x');
      expect(msg).toMatch(/\b7\b/);
    });
  });

  it('a non-deterministic action (outside mutable state) is named', async () => {
    let calls = 0;
    const b = build('nondet', () => {
      const m = model(record({ x: int(0, 3) }));
      m.init({ x: 0 });
      m.action('roll', {
        apply: (_s, n) => {
          calls++;
          n.x = calls % 2;
        },
      });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('spec nondet');
    expect(msg).toContain('roll');
    expect(msg).toMatch(/not deterministic/);
  });

  it('a non-deterministic guard is named', async () => {
    let calls = 0;
    const b = build('nondet-guard', () => {
      const m = model(record({ x: int(0, 3) }));
      m.init({ x: 0 });
      m.action('flicker', { guard: () => calls++ % 2 === 0, apply: (s, n) => void (n.x = (s.x + 1) % 4) });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('flicker');
    expect(msg).toMatch(/not deterministic/);
  });

  it('writing into s instead of n is detected and the action named', async () => {
    const b = build('writes-s', () => {
      const m = model(record({ x: int(0, 3), y: int(0, 3) }));
      m.init({ x: 0, y: 0 });
      m.action('good', { guard: (s) => s.y < 3, apply: (s, n) => void (n.y = s.y + 1) });
      m.action('sloppy', {
        guard: (s) => s.x < 3,
        apply: (s, n) => {
          n.x = s.x + 1;
          (s as any).y = 0;
        },
      });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('spec writes-s');
    expect(msg).toContain('sloppy');
    expect(msg).not.toContain('good');
    expect(msg).toMatch(/modified the current state/);
  });

  it('writing into s what disables its own guard is not mistaken for non-determinism', async () => {
    const b = build('writes-s-guard', () => {
      const m = model(record({ x: int(0, 3) }));
      m.init({ x: 0 });
      m.action('eager', {
        guard: (s) => s.x < 3,
        apply: (s, n) => {
          n.x = s.x + 1;
          (s as any).x = 3;
        },
      });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('spec writes-s-guard');
    expect(msg).toContain('eager');
    expect(msg).toMatch(/modified the current state/);
    expect(msg).not.toMatch(/not deterministic/);
  });

  it('writing an out-of-range value into s is detected and the action named', async () => {
    const b = build('writes-s-range', () => {
      const m = model(record({ x: int(0, 3) }));
      m.init({ x: 0 });
      m.action('wild', {
        guard: (s) => s.x < 3,
        apply: (s, n) => {
          n.x = s.x + 1;
          (s as any).x = 99;
        },
      });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('spec writes-s-range');
    expect(msg).toContain('wild');
    expect(msg).toMatch(/current state/);
    expect(msg).not.toMatch(/not deterministic/);
    expect(msg).toContain('99');
  });

  it('an out-of-range write into s in a sampled state past the first 2000 names the action', async () => {
    // A chain 0..4095: state index = x. Past the first 2000 states only
    // every 61st is checked (docs/performance.md: the hygiene checks are
    // sampled); 2501 = 41 x 61 is one of them.
    const b = build(
      'writes-s-late',
      () => {
        const m = model(record({ x: int(0, 4095) }));
        m.init({ x: 0 });
        m.action('tick', {
          guard: (s) => s.x < 4095,
          apply: (s, n) => {
            n.x = s.x + 1;
            if (s.x === 2501) (s as any).x = 99999;
          },
        });
        return m;
      },
      {},
      { deadlock: false },
    );
    const msg = await specError(b);
    expect(msg).toContain('spec writes-s-late');
    expect(msg).toContain('tick');
    expect(msg).toMatch(/current state/);
    expect(msg).toContain('99999');
  });

  it('a guard that writes into s is detected', async () => {
    const b = build('guard-writes', () => {
      const m = model(record({ x: int(0, 3) }));
      m.init({ x: 0 });
      m.action('nosy', {
        guard: (s) => {
          (s as any).x = 3;
          return false;
        },
        apply: () => {},
      });
      m.action('step', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
      return m;
    });
    const msg = await specError(b);
    expect(msg).toContain('nosy');
    expect(msg).toMatch(/modified the current state/);
  });
});

describe('semantics', () => {
  it('several initial states: all at level 1, traces start from the right one', async () => {
    const b = build(
      'inits',
      () => {
        const m = model(record({ x: int(0, 9) }));
        m.init({ x: 0 }, { x: 5 }, { x: 0 });
        m.action('inc', { guard: (s) => s.x < 9 && s.x !== 4, apply: (s, n) => void (n.x = s.x + 1) });
        m.always('NotEight', (s) => s.x !== 8);
        m.sometimes('Four', (s) => s.x === 4);
        return m;
      },
      { NotEight: 'violated', Four: 'holds', deadlockFree: 'violated' },
    );
    const r = await explore(b);
    // 0..4 from the first, 5..9 from the second; the third is a duplicate.
    expect(r.stats.distinct).toBe(10);
    // Levels: {0,5} {1,6} {2,7} {3,8} {4,9}.
    expect(r.stats.depth).toBe(5);
    // Initial states generated (3, duplicate included) + 8 increments.
    expect(r.stats.generated).toBe(3 + 8);
    const v = prop(r, 'NotEight').trace!;
    expect(v.initial).toEqual({ x: 5 });
    expect(v.steps).toHaveLength(3);
    expect(prop(r, 'Four').trace!.initial).toEqual({ x: 0 });
    // Both x=4 and x=9 are dead; the shortest deadlock trace has 4 steps, from either.
    expect(prop(r, 'deadlockFree').trace!.steps).toHaveLength(4);
  });

  it('a property violated in an initial state has a trace of no steps', async () => {
    const r = await explore(
      build(
        'init-bad',
        () => {
          const m = upTo3();
          m.always('Positive', (s) => s.x > 0);
          return m;
        },
        { Positive: 'violated', deadlockFree: 'violated' },
      ),
    );
    const p = prop(r, 'Positive');
    expect(p.verdict).toBe('violated');
    expect(p.trace!.initial).toEqual({ x: 0 });
    expect(p.trace!.steps).toHaveLength(0);
  });

  it('action properties judge each step (s, n); the trace ends with the offending step', async () => {
    const b = build(
      'action-prop',
      () => {
        const m = model(record({ x: int(0, 3) }));
        m.init({ x: 0 });
        m.action('inc', { guard: (s) => s.x < 3, apply: (s, n) => void (n.x = s.x + 1) });
        m.action('reset', { guard: (s) => s.x === 3, apply: (_s, n) => void (n.x = 0) });
        m.transition('NeverDecreases', (s, n) => n.x >= s.x);
        m.transition('NeverJumps', (s, n) => n.x <= s.x + 1);
        return m;
      },
      { NeverDecreases: 'violated', NeverJumps: 'holds' },
    );
    const r = await explore(b);
    const p = prop(r, 'NeverDecreases');
    expect(p.kind).toBe('transition');
    expect(p.verdict).toBe('violated');
    expect(labels(p)).toEqual(['inc', 'inc', 'inc', 'reset']);
    expect(p.trace!.steps[3]!.state).toEqual({ x: 0 });
    expect(prop(r, 'NeverJumps').verdict).toBe('holds');
    // The reset leads to a known state, yet the step was judged.
    expect(r.stats.distinct).toBe(4);
  });

  it('an unreachable sometimes is violated (vacuous), with no trace', async () => {
    const r = await explore(
      build(
        'vacuous',
        () => {
          const m = upTo3();
          m.sometimes('ReachesFour', (s) => s.x > 3);
          m.sometimes('ReachesTwo', (s) => s.x === 2);
          return m;
        },
        { ReachesFour: 'violated', ReachesTwo: 'holds', deadlockFree: 'violated' },
      ),
    );
    expect(prop(r, 'ReachesFour').kind).toBe('sometimes');
    expect(prop(r, 'ReachesFour').verdict).toBe('violated');
    expect(prop(r, 'ReachesFour').trace).toBeUndefined();
    expect(prop(r, 'ReachesTwo').verdict).toBe('holds');
    expect(prop(r, 'ReachesTwo').trace!.kind).toBe('witness');
    expect(labels(prop(r, 'ReachesTwo'))).toEqual(['inc', 'inc']);
  });

  it('the shortest trace, not the first path explored', async () => {
    // slow (listed first) creeps up by one; jump goes 0 -> 5 once. Bad is
    // x >= 6: slow x6 is 6 steps, jump then slow is 2.
    const b = build(
      'shortest',
      () => {
        const m = model(record({ x: int(0, 9) }));
        m.init({ x: 0 });
        m.action('slow', { guard: (s) => s.x < 9, apply: (s, n) => void (n.x = s.x + 1) });
        m.action('jump', { guard: (s) => s.x === 0, apply: (_s, n) => void (n.x = 5) });
        m.always('Low', (s) => s.x < 6);
        return m;
      },
      { Low: 'violated', deadlockFree: 'violated' },
    );
    const r = await explore(b);
    expect(labels(prop(r, 'Low'))).toEqual(['jump', 'slow']);
    expect(prop(r, 'Low').trace!.steps.map((s) => s.state)).toEqual([{ x: 5 }, { x: 6 }]);
  });

  it('shortest traces through threads: the short interleaving wins', async () => {
    // A long thread (4 steps) and a short one (1 step) each can set bad.
    const b = build(
      'shortest-threads',
      () => {
        const long = thread(['l1', 'l2', 'l3', 'l4']);
        const short = thread(['s1']);
        const m = model(record({ bad: bool(), long, short }));
        m.init({ bad: false, long: { pc: 'l1' }, short: { pc: 's1' } });
        m.thread('longPath', {
          at: (s) => s.long,
          steps: { l1: {}, l2: {}, l3: {}, l4: { apply: (_s, n) => void (n.bad = true) } },
        });
        m.thread('shortPath', {
          at: (s) => s.short,
          steps: { s1: { apply: (_s, n) => void (n.bad = true) } },
        });
        m.always('Good', (s) => !s.bad);
        return m;
      },
      { Good: 'violated' },
    );
    const r = await explore(b);
    expect(labels(prop(r, 'Good'))).toEqual(['shortPath.s1']);
    expect(prop(r, 'deadlockFree').verdict).toBe('holds');
    // 5 pcs of long x 2 of short; bad iff either has set it.
    expect(r.stats.distinct).toBe(10);
  });

  it('a thread step returning a label jumps there; no label falls through', async () => {
    const b = build(
      'jumps',
      () => {
        const loop = thread(['top', 'mid', 'end']);
        const m = model(record({ n: int(0, 2), t: loop }));
        m.init({ n: 0, t: { pc: 'top' } });
        m.thread('loop', {
          at: (s) => s.t,
          steps: {
            top: {},
            mid: {
              apply: (s, n) => {
                if (s.n < 2) {
                  n.n = s.n + 1;
                  return 'top';
                }
              },
            },
            end: {},
          },
        });
        m.sometimes('Finished', (s) => s.t.pc === 'done');
        return m;
      },
      { Finished: 'holds' },
    );
    const r = await explore(b);
    expect(labels(prop(r, 'Finished'))).toEqual([
      'loop.top',
      'loop.mid',
      'loop.top',
      'loop.mid',
      'loop.top',
      'loop.mid',
      'loop.end',
    ]);
    expect(prop(r, 'deadlockFree').verdict).toBe('holds');
  });

  it('an action may put a shared constant array into n without it being overwritten', async () => {
    const ZEROS = [0, 0];
    const b = build(
      'shared-array',
      () => {
        const m = model(record({ pair: array(int(0, 1), 2) }));
        m.init({ pair: [1, 1] });
        m.action('clear', { apply: (_s, n) => void (n.pair = ZEROS) });
        m.action('setFirst', { guard: (s) => s.pair[0] === 0, apply: (_s, n) => void (n.pair[0] = 1) });
        return m;
      },
    );
    const r = await explore(b);
    // [1,1] -clear-> [0,0] -setFirst-> [1,0] -clear-> [0,0]
    expect(r.stats.distinct).toBe(3);
    expect(r.stats.generated).toBe(1 + 1 + 2 + 1);
    expect(ZEROS).toEqual([0, 0]);
  });

  it('transition labels name parameters by domain element', async () => {
    const Page = domain('Page', ['anon', 'file']);
    const b = build('labels', () => {
      const m = model(record({ mapped: array(bool(), Page) }));
      m.init({ mapped: [false, false] });
      m.action('map', {
        params: { page: Page, write: bool() },
        guard: (s, { page }) => !s.mapped[page],
        apply: (_s, n, { page }) => void (n.mapped[page] = true),
      });
      m.always('NotBoth', (s) => !(s.mapped[0] && s.mapped[1]));
      return m;
    }, { NotBoth: 'violated', deadlockFree: 'violated' });
    expect(b.transitions.map((t) => t.label)).toEqual([
      'map(page=anon, write=false)',
      'map(page=anon, write=true)',
      'map(page=file, write=false)',
      'map(page=file, write=true)',
    ]);
    const r = await explore(b);
    expect(labels(prop(r, 'NotBoth'))).toHaveLength(2);
    // 4 reachable states; each unmapped page offers 2 transitions.
    expect(r.stats.distinct).toBe(4);
    expect(r.stats.generated).toBe(1 + 4 + 2 + 2);
  });
});

describe('determinism', () => {
  it('the same counts and traces, run to run', async () => {
    const philosophers = (await import('../specs/classic/philosophers.ts')).default;
    const twoPhase = (await import('../specs/classic/two-phase-commit.ts')).default;
    for (const [s, v] of [
      [philosophers, 'left-first-5'],
      [twoPhase, 'prepared-may-abort'],
    ] as const) {
      const a = await explore(s.build(v));
      const b = await explore(s.build(v));
      const summary = (r: RunResult<SearchStats>) => ({
        status: r.status,
        distinct: r.stats.distinct,
        generated: r.stats.generated,
        depth: r.stats.depth,
        props: r.properties.map((p) => ({
          p: p.property,
          v: p.verdict,
          initial: p.trace?.initial,
          steps: p.trace?.steps.map((st) => [st.transition.label, st.state]),
        })),
      });
      expect(summary(b)).toEqual(summary(a));
    }
  });
});

describe('race-diagram columns', () => {
  it('a thread names one column per instance when its actor is a function', () => {
    const P = domain('Proc', ['parent', 'child']);
    const b = build('actor-fn', () => {
      const m = model(record({ t: array(thread(['go']), P) }));
      m.init({ t: [{ pc: 'go' }, { pc: 'go' }] });
      m.thread('walk', { instances: P, actor: (self) => P.names[self]!, at: (s, self) => s.t[self]!, steps: { go: {} } });
      m.action('idle', { guard: () => false, apply: () => {} });
      return m;
    });
    expect(b.transitions.map((t) => t.actor)).toEqual(['env', 'parent', 'child']);
  });
});

describe('the batched expansion gives the plain loop its results', () => {
  // Past the first 2,000 states, an unsampled state's successors are
  // generated first and looked up together (search.ts, expandGenerated); a
  // run with an onTransition callback takes the plain loop everywhere, so
  // the two must agree on everything: counts, verdicts, traces, coverage,
  // limits and the error a spec throws first.
  const plain: ExploreOptions = { onTransition: () => {} };
  /** Counters N=4 K=9 (10,000 states, 37 levels) with the extras given. */
  const counters4 = (name: string, extra: (m: Model<any, any>) => void, verdicts: Record<string, Verdict> = {}): BuiltModel =>
    build(
      name,
      () => {
        const m = countersModel({ N: 4, K: 9 });
        extra(m);
        return m;
      },
      { Bounded: 'holds', AllFull: 'holds', ...verdicts },
      { deadlock: false },
    );
  const summary = (r: Awaited<ReturnType<typeof explore>>) => ({
    status: r.status,
    limit: r.limit,
    distinct: r.stats.distinct,
    generated: r.stats.generated,
    depth: r.stats.depth,
    queue: r.stats.queue,
    coverage: r.actionCoverage,
    props: r.properties.map((p) => ({
      p: p.property,
      v: p.verdict,
      initial: p.trace?.initial,
      steps: p.trace?.steps.map((st) => [st.transition.label, st.state]),
    })),
  });

  it('counts, verdicts, traces and coverage are the plain loop', async () => {
    const touch = vi.spyOn(StateStore.prototype, 'touch');
    try {
      const b = counters4(
        'batched',
        (m) => {
          m.always('SumBelow30', (s) => s.c.reduce((a: number, v: number) => a + v, 0) < 30);
          m.sometimes('Corner', (s) => s.c[0] === 9 && s.c[3] === 8);
        },
        { SumBelow30: 'violated', Corner: 'holds' },
      );
      const a = await explore(b);
      expect(touch).toHaveBeenCalled();
      const calls = touch.mock.calls.length;
      const p = await explore(b, plain);
      expect(touch.mock.calls.length).toBe(calls);
      expect(a.stats.distinct).toBe(10_000);
      expect(prop(a, 'SumBelow30').verdict).toBe('violated');
      expect(labels(prop(a, 'SumBelow30'))).toHaveLength(30);
      expect(summary(a)).toEqual(summary(p));
    } finally {
      touch.mockRestore();
    }
  });

  it('max-states and max-depth stop it where they stop the plain loop', async () => {
    const b = counters4('batched-limits', () => {});
    for (const opts of [{ maxStates: 5003 }, { maxDepth: 20 }]) {
      const a = await explore(b, opts);
      expect(a.status).toBe('incomplete');
      expect(summary(a)).toEqual(summary(await explore(b, { ...opts, ...plain })));
    }
  });

  it('an error thrown by a later step is reported after an earlier step found a state whose property throws', async () => {
    // In the first state where c0 + c1 = sum, inc(c0) or inc(c1) finds a
    // new state on which P throws, and inc(c3) then throws too: the plain
    // loop meets P's error first, so the batched one must report it too.
    for (const sum of [14, 15, 16, 17]) {
      const b = build(
        `batched-errors-${sum}`,
        () => {
          const Counter = domain('Counter', 4);
          const m = model(record({ c: array(int(0, 9), Counter) }));
          m.init({ c: [0, 0, 0, 0] });
          m.action('inc', {
            params: { i: Counter },
            guard: (s, { i }) => s.c[i]! < 9,
            apply: (s, n, { i }) => {
              if (i === 3 && s.c[0]! + s.c[1]! === sum) throw new Error('inc(c3) failed');
              n.c[i] = s.c[i]! + 1;
            },
          });
          m.always('P', (s) => {
            if (s.c[0]! + s.c[1]! === sum + 1) throw new Error('P failed');
            return true;
          });
          return m;
        },
        { P: 'holds' },
        { deadlock: false },
      );
      const a = await specError(b);
      expect(a).toContain('property P threw');
      expect(a).toBe(await specError(b, plain));
    }
  });

  it('an error in a guard or an apply past the sampled states is reported as by the plain loop', async () => {
    const guardThrows = build(
      'batched-guard-throws',
      () => {
        const m = countersModel({ N: 4, K: 9 });
        m.action('odd', {
          guard: (s) => {
            if (s.c[0] === 7 && s.c[2] === 8) throw new Error('odd guard failed');
            return false;
          },
          apply: () => {},
        });
        return m;
      },
      { Bounded: 'holds', AllFull: 'holds' },
      { deadlock: false },
    );
    const a = await specError(guardThrows);
    expect(a).toContain('odd guard failed');
    expect(a).toBe(await specError(guardThrows, plain));
  });
});
