// The parallel engine's shared store in one thread, against a JavaScript Set
// of the same states: insertion answers (new index or -1), membership after
// the table grows and its entries are moved by rehash(), blocks of reserved
// indices and the holes they leave, for one-word states (the word is the
// slot's key: no arena read) and for wider ones (the hash is the key).
// Concurrent insertion is tested through the engine (test/parallel.test.ts).

import { describe, expect, it } from 'vitest';
import { HOLE, SharedStore, hashWords } from '../src/explicit/parallel/shared-store.ts';

/** A small deterministic generator (xorshift32): tests must not depend on Math.random. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

describe('SharedStore', () => {
  for (const W of [1, 3]) {
    it(`${W}-word states: inserts, duplicates, growth and rehash, blocks and holes`, () => {
      const store = SharedStore.create(W, 100_000, 10, 16);
      const next = rng(7 + W);
      const seen = new Map<string, number>();
      const s = new Uint32Array(W);
      let holesMade = 0;
      let wrong = 0;
      for (let round = 0; round < 20; round++) {
        store.block = 1 + (round % 5) * 7; // 1, 8, 15, 22, 29
        for (let i = 0; i < 500; i++) {
          // Few distinct values: about half the inserts are duplicates; 0 is a valid state word.
          for (let k = 0; k < W; k++) s[k] = next() % 97 === 0 ? 0 : next() % (W === 1 ? 8000 : 20);
          const key = s.join(',');
          if (!store.hasRoom(64)) {
            const old = store.grow(1000);
            if (old) store.rehash(old);
          }
          const idx = store.insert(s, hashWords(s, 0, W), 0, i % 10);
          // (Counted, not expect()ed one by one: 10,000 inserts.)
          if (seen.has(key)) wrong += idx === -1 ? 0 : 1;
          else {
            wrong += idx >= 0 && store.words.subarray(idx * W, idx * W + W).join(',') === key ? 0 : 1;
            seen.set(key, idx);
          }
        }
        const before = store.count;
        store.closeBlock();
        holesMade = store.count - store.distinct;
        expect(store.count).toBe(before);
      }
      expect(wrong).toBe(0);
      expect(store.distinct).toBe(seen.size);
      expect(holesMade).toBeGreaterThan(0);
      // Holes are exactly the indices no state took.
      const taken = new Set(seen.values());
      let holes = 0;
      let misplaced = 0;
      for (let i = 0; i < store.count; i++) {
        const hole = store.parents[i] === HOLE;
        holes += hole ? 1 : 0;
        misplaced += hole === taken.has(i) ? 1 : 0;
      }
      expect(misplaced).toBe(0);
      expect(holes).toBe(holesMade);
      // The table grew (16 states at first): every state is still found.
      let lost = 0;
      for (const key of seen.keys()) {
        const v = Uint32Array.from(key.split(',').map(Number));
        if (!store.has(v, hashWords(v, 0, W))) lost++;
      }
      expect(lost).toBe(0);
      s.fill(123_456);
      expect(store.has(s, hashWords(s, 0, W))).toBe(false);
    });
  }

  it('transition ids take 2 bytes below 0xffff transitions, 4 from there', () => {
    expect(SharedStore.create(2, 64, 10).actions).toBeInstanceOf(Uint16Array);
    expect(SharedStore.create(2, 64, 0x10000).actions).toBeInstanceOf(Uint32Array);
  });
});
