// Concurrent insertion into the parallel engine's shared store, without the
// engine: two worker threads insert the same keys in the same (shuffled)
// order, at once, so that they race for the same slots, into one store (blocks of indices, plain-load probes: see
// shared-store.ts). Every key must end up stored exactly once, the indices
// handed out must be exactly the stored states plus the holes, and the
// threads' "new" answers must add up to the number of keys. One-word
// states (the key is the word) and two-word states (the key is the hash,
// the words are compared) take different paths.

import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { HOLE, SharedStore } from '../src/explicit/parallel/shared-store.ts';

const KEYS = 100_000;

// Each thread: waits for the start signal (so both probe at once), inserts
// every key in its own order, closes its block, reports how many were new.
const threadCode = (storeUrl: string, registerUrl: string) => `
  import { workerData, parentPort } from 'node:worker_threads';
  await import(${JSON.stringify(registerUrl)});
  const { SharedStore, hashWords } = await import(${JSON.stringify(storeUrl)});
  const { W, keys, seed, buffers, go } = workerData;
  const store = new SharedStore(W, buffers);
  store.block = 64;
  const s = new Uint32Array(W);
  const order = Array.from({ length: keys }, (_, i) => i);
  let x = seed;
  for (let i = keys - 1; i > 0; i--) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const j = x % (i + 1); const t = order[i]; order[i] = order[j]; order[j] = t;
  }
  const flag = new Int32Array(go);
  Atomics.add(flag, 1, 1);
  Atomics.wait(flag, 0, 0);
  let fresh = 0;
  for (const k of order) {
    // Key 0 is a valid state: its zero key takes the synchronizing path.
    for (let w = 0; w < W; w++) s[w] = w === 0 ? k * 7 : k ^ 0x5555;
    if (store.insert(s, hashWords(s, 0, W), k, 0) >= 0) fresh++;
  }
  store.closeBlock();
  parentPort.postMessage(fresh);
`;

async function race(W: number): Promise<void> {
  const store = SharedStore.create(W, KEYS + 4 * 64, 1, KEYS * 2);
  const go = new SharedArrayBuffer(8);
  const code = threadCode(
    new URL('../src/explicit/parallel/shared-store.ts', import.meta.url).href,
    new URL('../bin/register-ts.mjs', import.meta.url).href,
  );
  const results = [1, 1].map(
    (seed) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(code, { eval: true, workerData: { W, keys: KEYS, seed, buffers: store.shared, go } });
        w.once('message', (n: number) => {
          resolve(n);
          void w.terminate();
        });
        w.once('error', reject);
      }),
  );
  const flag = new Int32Array(go);
  while (Atomics.load(flag, 1) < 2) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const fresh = (await Promise.all(results)).reduce((a, b) => a + b, 0);
  expect(fresh).toBe(KEYS);
  expect(store.distinct).toBe(KEYS);
  // Each key stored once: scan the arena (holes aside).
  const seen = new Uint8Array(KEYS);
  let dup = 0;
  let holes = 0;
  for (let i = 0; i < store.count; i++) {
    if (store.parents[i] === HOLE) {
      holes++;
      continue;
    }
    const k = store.parents[i]!; // the key was stored as the parent
    if (store.words[i * W] !== k * 7) dup++; // words and key disagree: a torn insert
    if (seen[k]++) dup++;
  }
  expect(dup).toBe(0);
  expect(holes).toBe(store.count - KEYS);
}

describe('SharedStore, two threads inserting at once', () => {
  it('one-word states: every key stored once', () => race(1), 60_000);
  it('two-word states: every key stored once', () => race(2), 60_000);
});
