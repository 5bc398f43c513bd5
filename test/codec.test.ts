import { describe, expect, it } from 'vitest';
import { array, bool, domain, enumOf, int, optional, record, ref } from '../src/index.ts';
import { codecFor, ValueRangeError } from '../src/state/codec.ts';

const Proc = domain('Proc', ['parent', 'child']);
const schema = record({
  c: array(int(0, 9), 3),
  e: enumOf('none', 'ro', 'rw'),
  b: bool(),
  owner: optional(ref(Proc)),
  per: array(record({ x: int(-3, 4), y: optional(int(100, 102)) }), Proc),
  big: int(0, 2 ** 31 - 1),
});
const codec = codecFor(schema);

/** Deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomState(r: () => number) {
  return {
    c: [0, 1, 2].map(() => Math.floor(r() * 10)),
    e: pick(r, ['none', 'ro', 'rw'] as const),
    b: r() < 0.5,
    owner: pick(r, [null, 0, 1]),
    per: [0, 1].map(() => ({ x: Math.floor(r() * 8) - 3, y: pick(r, [null, 100, 101, 102]) })),
    big: Math.floor(r() * 2 ** 31),
  };
}

describe('codec', () => {
  it('packs fields without straddling words', () => {
    for (const l of codec.layout.leaves) expect(l.shift + l.bits).toBeLessThanOrEqual(32);
    // 3*4 + 2 + 1 + 2 + 2*(3+2) bits fit one word; the 31-bit int needs a second
    expect(codec.words).toBe(2);
  });

  it('round-trips random states exactly', () => {
    const r = rng(7);
    const w = new Uint32Array(codec.words);
    for (let i = 0; i < 2000; i++) {
      const s = randomState(r);
      codec.encode(s, w, 0);
      expect(codec.snapshot(w, 0)).toEqual(s);
    }
  });

  it('distinct states encode differently', () => {
    // Encoding is injective iff it maps as many distinct states to as many
    // distinct words: a shared encoding makes the second set smaller. (The
    // old form compared only when a word repeated, which never happened.)
    const r = rng(11);
    const states = new Set<string>();
    const words = new Set<string>();
    const w = new Uint32Array(codec.words);
    for (let i = 0; i < 3000; i++) {
      const s = randomState(r);
      codec.encode(s, w, 0);
      states.add(JSON.stringify(s));
      words.add(Array.from(w).join(','));
    }
    expect(states.size).toBeGreaterThan(1000);
    expect(words.size).toBe(states.size);
  });

  it('a bound decoder restores arrays and records an action replaced', () => {
    const s = randomState(rng(3));
    const w = new Uint32Array(codec.words);
    codec.encode(s, w, 0);
    const o = codec.create();
    const decode = codecFor(schema).bindDecoder(o);
    const c = o.c;
    o.c = [5];
    o.per[1] = { x: 0, y: null };
    decode(w, 0);
    expect(o.c).toBe(c);
    expect(o).toEqual(s);
  });

  const bad: [string, (s: any) => void, string, string][] = [
    ['int above max', (s) => (s.c[2] = 10), 'c[2]', 'int(0..9)'],
    ['int below min', (s) => (s.per[0].x = -4), 'per[parent].x', 'int(-3..4)'],
    ['fractional int', (s) => (s.c[0] = 1.5), 'c[0]', 'int(0..9)'],
    ['unknown enum value', (s) => (s.e = 'wr'), 'e', 'enum(none|ro|rw)'],
    ['number for bool', (s) => (s.b = 1), 'b', 'bool'],
    ['ref out of domain', (s) => (s.owner = 2), 'owner', 'optional(ref(Proc))'],
    ['undefined field', (s) => delete s.per[1].y, 'per[child].y', 'optional(int(100..102))'],
    ['short array', (s) => s.c.pop(), 'c', 'array(int(0..9), 3)'],
    ['missing record', (s) => (s.per[0] = null), 'per[parent]', 'record{x,y}'],
  ];
  for (const [what, mutate, field, type] of bad) {
    it(`rejects ${what}, naming field and type`, () => {
      const s: any = randomState(rng(5));
      mutate(s);
      const w = new Uint32Array(codec.words);
      let err: unknown;
      try {
        codec.encode(s, w, 0);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValueRangeError);
      expect((err as ValueRangeError).field).toBe(field);
      expect((err as Error).message).toContain(type);
    });
  }

  it('formats refs by name and diffs by field', () => {
    const a = randomState(rng(9));
    const b = codec.clone(a);
    b.owner = 1;
    b.per[0].y = null;
    b.c[1] = a.c[1] === 9 ? 0 : a.c[1] + 1;
    expect(codec.format(b)).toContain('owner: child');
    const d = codec.diff(a, b).map((x) => x.field);
    expect(d.sort()).toEqual(
      ['c[1]', ...(a.owner === 1 ? [] : ['owner']), ...(a.per[0].y === null ? [] : ['per[parent].y'])].sort(),
    );
    expect(codec.equal(a, codec.clone(a))).toBe(true);
    expect(codec.equal(a, b)).toBe(false);
  });
});
