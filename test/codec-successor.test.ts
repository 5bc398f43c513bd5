// The successor encoder (codec.bindSuccessor) packs only the leaves an
// action changed and undoes only those. Its truth is the full codec: after
// any writes into n, pack must give exactly encode(n), throw exactly when
// encode throws, and reset must leave n equal to a fresh decode of the
// current words. Random writes, including the slow path (replaced arrays,
// records and sets), with a fixed seed so failures reproduce.

import { describe, expect, it } from 'vitest';
import { array, bool, domain, DomainSet, enumOf, int, optional, record, ref, set } from '../src/index.ts';
import { codecFor, ValueRangeError } from '../src/state/codec.ts';

const Proc = domain('Proc', ['parent', 'child', 'third']);
const schema = record({
  c: array(int(0, 9), 3),
  e: enumOf('none', 'ro', 'rw'),
  b: bool(),
  owner: optional(ref(Proc)),
  per: array(record({ x: int(-3, 4), y: optional(int(100, 102)), s: set(Proc) }), Proc),
  big: int(0, 2 ** 31 - 1),
  top: set(Proc),
});
const codec = codecFor(schema);

function rng(seed: number) {
  return () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const bits = (r: () => number) => Math.floor(r() * 8);

function randomState(r: () => number) {
  return {
    c: [0, 1, 2].map(() => Math.floor(r() * 10)),
    e: pick(r, ['none', 'ro', 'rw'] as const),
    b: r() < 0.5,
    owner: pick(r, [null, 0, 1, 2]),
    per: [0, 1, 2].map(() => ({
      x: Math.floor(r() * 8) - 3,
      y: pick(r, [null, 100, 101, 102]),
      s: new DomainSet(Proc, bits(r)),
    })),
    big: Math.floor(r() * 2 ** 31),
    top: new DomainSet(Proc, bits(r)),
  };
}

/** One random write into n: mostly in place, sometimes replacing a container or a set, sometimes out of range. */
function randomWrite(r: () => number, n: any): void {
  const bad = r() < 0.05;
  switch (Math.floor(r() * 11)) {
    case 0:
      n.c[Math.floor(r() * 3)] = bad ? 10 : Math.floor(r() * 10);
      break;
    case 1:
      n.e = bad ? 'wx' : pick(r, ['none', 'ro', 'rw']);
      break;
    case 2:
      n.b = bad ? 1 : r() < 0.5;
      break;
    case 3:
      n.owner = bad ? 3 : pick(r, [null, 0, 1, 2]);
      break;
    case 4:
      n.per[Math.floor(r() * 3)].y = bad ? 103 : pick(r, [null, 100, 101, 102]);
      break;
    case 5:
      n.per[Math.floor(r() * 3)].s.add(Math.floor(r() * 3));
      break;
    case 6:
      n.top = new DomainSet(Proc, bad ? 8 : bits(r)); // replaced set object
      break;
    case 7:
      n.c = [1, 2, bad ? 1.5 : 3]; // replaced array: slow path
      break;
    case 8:
      n.per[Math.floor(r() * 3)] = { x: 0, y: null, s: new DomainSet(Proc, 1) }; // replaced record
      break;
    case 9:
      n.big = bad ? -1 : Math.floor(r() * 2 ** 31);
      break;
    default:
      n.e = n.e; // a write of the same value: no change
  }
}

describe('successor encoder', () => {
  it('packs exactly what encode packs and undoes every write', () => {
    const r = rng(3);
    const n = codec.create();
    const enc = codec.bindSuccessor(n);
    const w = new Uint32Array(codec.words);
    const next = new Uint32Array(codec.words);
    const full = new Uint32Array(codec.words);
    let thrown = 0;
    let slow = 0;
    let prev = randomState(r);
    for (let state = 0; state < 300; state++) {
      // Successive states often share words (as BFS siblings do), so that
      // load's incremental path skips some and decodes others.
      const s = r() < 0.5 ? randomState(r) : { ...codec.snapshot(w, 0), c: [...prev.c], b: !prev.b };
      prev = s;
      codec.encode(s, w, 0);
      if (state % 7 === 3) enc.loadAll(w, 0);
      else enc.load(w, 0);
      expect(n).toEqual(codec.snapshot(w, 0));
      for (let step = 0; step < 20; step++) {
        const writes = 1 + Math.floor(r() * 3);
        for (let k = 0; k < writes; k++) randomWrite(r, n);
        if (!Array.isArray(n.c) || n.c.length !== 3 || n.c[2] === 3) slow++;
        let expected: unknown;
        try {
          codec.encode(n, full, 0);
        } catch (e) {
          expected = e;
        }
        if (expected) {
          expect(expected).toBeInstanceOf(ValueRangeError);
          expect(() => enc.pack(w, 0, next)).toThrow(ValueRangeError);
          thrown++;
        } else {
          enc.pack(w, 0, next);
          expect([...next]).toEqual([...full]);
        }
        // The last step of a state is not undone: the next load must take care of it.
        if (step === 19) break;
        enc.reset(w, 0);
        expect(n).toEqual(codec.snapshot(w, 0));
      }
    }
    // The test exercised the error path and the slow path, not only the fast one.
    expect(thrown).toBeGreaterThan(20);
    expect(slow).toBeGreaterThan(20);
  });

  it('keeps the objects of n that an action holds on to', () => {
    const n = codec.create();
    const enc = codec.bindSuccessor(n);
    const w = new Uint32Array(codec.words);
    const next = new Uint32Array(codec.words);
    codec.encode(randomState(rng(5)), w, 0);
    enc.load(w, 0);
    const c = n.c;
    const top = n.top;
    n.c = [9, 9, 9];
    n.top = new DomainSet(Proc, 7);
    enc.pack(w, 0, next);
    enc.reset(w, 0);
    // The engine's object keeps its own containers: the replaced ones are put back.
    expect(n.c).toBe(c);
    expect(n.top).toBe(top);
    expect(n).toEqual(codec.snapshot(w, 0));
  });

  it('packs bool leaves by their bit, the top bit of a word included', () => {
    // 40 bools: word 0 holds 32 (the last at bit 31, the sign bit of a
    // 32-bit mask), word 1 the rest. pack tests each one with a mask.
    const flags = codecFor(record({ f: array(bool(), 40) }));
    expect(flags.layout.leaves[31]!.shift).toBe(31);
    const n = flags.create();
    const enc = flags.bindSuccessor(n);
    const r = rng(11);
    const w = new Uint32Array(flags.words);
    const next = new Uint32Array(flags.words);
    const full = new Uint32Array(flags.words);
    let changed = 0;
    for (let state = 0; state < 200; state++) {
      flags.encode({ f: Array.from({ length: 40 }, (_, i) => (i === 31 ? state % 2 === 0 : r() < 0.5)) }, w, 0);
      enc.load(w, 0);
      for (const i of [31, 0, 30, 32, 39, Math.floor(r() * 40)]) {
        n.f[i] = !n.f[i];
        flags.encode(n, full, 0);
        enc.pack(w, 0, next);
        expect([...next]).toEqual([...full]);
        if (next[0] !== w[0] || next[1] !== w[1]) changed++;
        enc.reset(w, 0);
        expect(n).toEqual(flags.snapshot(w, 0));
        n.f[i] = 1; // not a boolean
        expect(() => enc.pack(w, 0, next)).toThrow(ValueRangeError);
        enc.reset(w, 0);
      }
    }
    expect(changed).toBe(200 * 6);
  });

  it('refuses a second pack before reset', () => {
    const n = codec.create();
    const enc = codec.bindSuccessor(n);
    const w = new Uint32Array(codec.words);
    enc.load(w, 0);
    n.b = true;
    enc.pack(w, 0, new Uint32Array(codec.words));
    expect(() => enc.pack(w, 0, new Uint32Array(codec.words))).toThrow(/without reset/);
  });
});
