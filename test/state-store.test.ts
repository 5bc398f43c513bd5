import { describe, expect, it } from 'vitest';
import { hashWords, StateStore } from '../src/explicit/state-store.ts';

describe('StateStore', () => {
  it('stores each distinct state once across many growths', () => {
    const W = 3;
    const store = new StateStore(W, 10, 4); // tiny start: forces arena and table growth
    const ref = new Map<string, number>();
    const s = new Uint32Array(W);
    let seed = 1;
    for (let i = 0; i < 60000; i++) {
      // few distinct values per word, so duplicates are common
      for (let k = 0; k < W; k++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        s[k] = (seed >>> 8) % 40;
      }
      const key = s.join(',');
      const idx = store.add(s, i % 1000, i % 7);
      if (ref.has(key)) expect(idx).toBe(-1);
      else {
        expect(idx).toBe(ref.size);
        ref.set(key, idx);
      }
    }
    expect(store.count).toBe(ref.size);
    for (const [key, idx] of ref) {
      const words = key.split(',').map(Number);
      expect(Array.from(store.words.subarray(idx * W, idx * W + W))).toEqual(words);
      expect(store.has(Uint32Array.from(words))).toBe(true);
    }
    expect(store.has(Uint32Array.from([99, 99, 99]))).toBe(false);
  });

  it('stores one-word states (the word is the slot tag) once, across growths', () => {
    const store = new StateStore(1, 10, 2); // tiny start: many table growths, each re-hashing from the slot's word
    const ref = new Map<number, number>();
    const s = new Uint32Array(1);
    let seed = 7;
    for (let i = 0; i < 50000; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Large words (sign bit set) and small ones, many repeats.
      s[0] = i % 3 === 0 ? (0xfffff000 + (seed >>> 20)) >>> 0 : (seed >>> 8) % 20000;
      const idx = store.add(s, 0, 0);
      const known = ref.get(s[0]!);
      if (known !== undefined) expect(idx).toBe(-1);
      else {
        expect(idx).toBe(ref.size);
        ref.set(s[0]!, idx);
      }
    }
    expect(store.count).toBe(ref.size);
    for (const [word, idx] of ref) {
      expect(store.words[idx]).toBe(word);
      expect(store.indexOf(Uint32Array.of(word))).toBe(idx);
    }
    expect(store.has(Uint32Array.of(123456789))).toBe(false);
    expect(store.indexOf(Uint32Array.of(0xffffefff))).toBe(-1);
  });

  it('keeps parents and transition ids through growth', () => {
    const store = new StateStore(1, 70000, 2);
    for (let i = 0; i < 5000; i++) store.add(Uint32Array.of(i * 7919), i - 1, 65536 + i);
    for (let i = 1; i < 5000; i++) {
      expect(store.parents[i]).toBe(i - 1);
      expect(store.actions[i]).toBe(65536 + i); // over 16 bits: the store widened its id array
    }
  });

  it('tells apart states that differ only in their last word', () => {
    const W = 8;
    const store = new StateStore(W, 1, 2);
    const s = new Uint32Array(W);
    for (let i = 0; i < 4096; i++) {
      s[W - 1] = i;
      expect(store.add(s, 0, 0)).toBe(i);
    }
    for (let i = 0; i < 4096; i++) {
      s[W - 1] = i;
      expect(store.add(s, 0, 0)).toBe(-1);
    }
    expect(store.bytes).toBeGreaterThan(4096 * W * 4);
  });

  it('tells apart states whose 32-bit hashes are equal, before and after growth', () => {
    // A real collision of hashWords (found by search): the table compares
    // stored hashes first, so only the word comparison can tell these apart.
    const a = Uint32Array.of(1110, 90);
    const b = Uint32Array.of(718, 94);
    expect(hashWords(a, 0, 2)).toBe(hashWords(b, 0, 2));
    const store = new StateStore(2, 1, 2);
    expect(store.add(a, 0, 0)).toBe(0);
    expect(store.has(b)).toBe(false);
    expect(store.add(b, 0, 0)).toBe(1);
    expect(store.add(a, 0, 0)).toBe(-1);
    for (let i = 0; i < 3000; i++) store.add(Uint32Array.of(i, 5000), 0, 0); // forces table growth
    expect(store.add(a, 0, 0)).toBe(-1);
    expect(store.add(b, 0, 0)).toBe(-1);
    expect(store.count).toBe(3002);
  });

  it('reserves the arena once it is large: contents kept, memory only as written, putAt and hasAt at an offset', () => {
    const W = 2;
    const store = new StateStore(W, 3, 1 << 14, 1 << 14, 2 ** 27); // reserved at the first growth (2^20 states by default), 128 MB
    const s = new Uint32Array(3 * W);
    const n = (1 << 14) + 5000;
    const rss0 = process.memoryUsage.rss();
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      s[W] = i;
      s[W + 1] = i % 7;
      if (store.putAt(s, W, store.hashAt(s, W), i - 1, i % 3) !== i) wrong++;
    }
    expect(wrong).toBe(0);
    // Reserved: room for far more states than stored, but neither the
    // reported bytes nor the resident memory grew by the reservation.
    expect(store.words.length).toBeGreaterThan(4 * n * W);
    const arenaBytes = n * (4 * W + 4 + 2);
    expect(store.bytes).toBeLessThan(arenaBytes + 4 * 4096 + n * 2 * 8 * 2);
    expect(process.memoryUsage.rss() - rss0).toBeLessThan(store.words.byteLength / 2);
    for (const i of [0, 1, (1 << 14) - 1, 1 << 14, n - 1]) {
      expect(store.words[i * W]).toBe(i);
      expect(store.words[i * W + 1]).toBe(i % 7);
      expect(store.parents[i]).toBe(i - 1 >>> 0);
      expect(store.actions[i]).toBe(i % 3);
      s[0] = i;
      s[1] = i % 7;
      expect(store.hasAt(s, 0, store.hashAt(s, 0))).toBe(true);
      expect(store.indexOf(s.subarray(0, W))).toBe(i);
      s[1] = (i + 1) % 7;
      expect(store.hasAt(s, 0, store.hashAt(s, 0))).toBe(false);
    }
    s[W] = 17;
    s[W + 1] = 3;
    expect(store.putAt(s, W, store.hashAt(s, W), 0, 0)).toBe(-1);
    expect(store.count).toBe(n);
  });
});
