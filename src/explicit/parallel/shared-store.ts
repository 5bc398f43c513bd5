// The state store of the parallel engine: the same layout as StateStore (an
// arena of packed states, parent index and transition id per state, a
// visited table of (index + 1, hash) pairs), but in SharedArrayBuffers that
// every worker maps, with lock-free insertion:
//   - an empty slot is claimed by compareExchange(0 -> BUSY); the winner
//     takes the next arena index with Atomics.add, writes the state, its
//     parent and transition, the hash, and then publishes index + 1 with
//     Atomics.store (sequentially consistent: whoever loads the index sees
//     the words written before it);
//   - a prober that meets BUSY waits for the index (a few stores away), then
//     compares hash and words as usual.
// Growth is never concurrent: workers check for room before they take a
// chunk of the frontier (a chunk adds at most chunk x transitions states),
// and when there is none they stop; the coordinator grows the buffers
// between two runs and hands the new ones over.
//
// Fixed-size SharedArrayBuffers, not growable ones: on Node 20, typed arrays
// over a growable SharedArrayBuffer were 4x slower in a probe loop.

import { hashWords } from '../state-store.ts';

export { hashWords };

const EMPTY = 0;
const BUSY = 0xffffffff;

/** Control words shared by all threads (Int32Array over a SharedArrayBuffer). */
// One cache line (64 B) each: count is written on every insert by every
// thread, and must not drag the others' lines along.
export const CTL = {
  /** Next arena index (= number of states stored). */
  count: 0,
  /** Next frontier index to claim. */
  cursor: 16,
  /** Non-zero: stop at the next chunk (limit, interrupt, error). */
  stop: 32,
  size: 48,
} as const;

export interface StoreBuffers {
  readonly words: SharedArrayBuffer;
  readonly parents: SharedArrayBuffer;
  readonly actions: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  readonly ctl: SharedArrayBuffer;
}

export class SharedStore {
  words!: Uint32Array;
  parents!: Uint32Array;
  actions!: Uint32Array;
  table!: Uint32Array;
  ctl: Int32Array;
  /** Slots - 1. */
  mask = 0;
  /** States the arena can hold. */
  capacity = 0;

  constructor(
    readonly stateWords: number,
    private buffers: StoreBuffers,
  ) {
    this.ctl = new Int32Array(buffers.ctl);
    this.attach(buffers);
  }

  static create(stateWords: number, capacity = 1 << 14): SharedStore {
    let slots = 4;
    while (slots * 3 < capacity * 4) slots *= 2;
    return new SharedStore(stateWords, {
      words: new SharedArrayBuffer(capacity * stateWords * 4),
      parents: new SharedArrayBuffer(capacity * 4),
      actions: new SharedArrayBuffer(capacity * 4),
      table: new SharedArrayBuffer(slots * 8),
      ctl: new SharedArrayBuffer(CTL.size * 4),
    });
  }

  get shared(): StoreBuffers {
    return this.buffers;
  }

  attach(b: StoreBuffers): void {
    this.buffers = b;
    this.words = new Uint32Array(b.words);
    this.parents = new Uint32Array(b.parents);
    this.actions = new Uint32Array(b.actions);
    this.table = new Uint32Array(b.table);
    this.mask = this.table.length / 2 - 1;
    this.capacity = this.parents.length;
  }

  get count(): number {
    return Atomics.load(this.ctl, CTL.count);
  }

  get bytes(): number {
    return this.words.byteLength + this.parents.byteLength + this.actions.byteLength + this.table.byteLength;
  }

  /** Room for `extra` more states in the arena and under 3/4 table load? */
  hasRoom(extra: number): boolean {
    const n = this.count + extra;
    return n <= this.capacity && n * 4 <= (this.mask + 1) * 3;
  }

  /** Whether s (with hash h) is stored. */
  has(s: Uint32Array, h: number): boolean {
    return this.find(s, h, false, 0, 0) < 0;
  }

  /** Inserts s unless present: its new index, or -1 if it was stored. */
  insert(s: Uint32Array, h: number, parent: number, action: number): number {
    return this.find(s, h, true, parent, action);
  }

  private find(s: Uint32Array, h: number, add: boolean, parent: number, action: number): number {
    const W = this.stateWords;
    const words = this.words;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const at = slot << 1;
      let e = Atomics.load(table, at);
      if (e === EMPTY) {
        if (!add) return 0; // absent
        if (Atomics.compareExchange(table, at, EMPTY, BUSY) !== EMPTY) continue; // lost the race: look again
        const idx = Atomics.add(this.ctl, CTL.count, 1);
        const base = idx * W;
        for (let k = 0; k < W; k++) words[base + k] = s[k]!;
        this.parents[idx] = parent;
        this.actions[idx] = action;
        table[at + 1] = h;
        Atomics.store(table, at, idx + 1);
        return idx;
      }
      while (e === BUSY) e = Atomics.load(table, at);
      if (table[at + 1] === h) {
        const base = (e - 1) * W;
        let k = 0;
        while (k < W && words[base + k] === s[k]) k++;
        if (k === W) return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Coordinator only, with no worker running: makes room for `extra` more
   * states. The arena grows by 1.5x (or to fit), the table doubles until
   * under 3/4 load; entries move by their stored hash.
   */
  grow(extra: number): void {
    const n = this.count + extra;
    const W = this.stateWords;
    const b = { ...this.buffers };
    if (n > this.capacity) {
      const cap = Math.max(n, Math.ceil(this.capacity * 1.5));
      const words = new SharedArrayBuffer(cap * W * 4);
      new Uint32Array(words).set(this.words);
      const parents = new SharedArrayBuffer(cap * 4);
      new Uint32Array(parents).set(this.parents);
      const actions = new SharedArrayBuffer(cap * 4);
      new Uint32Array(actions).set(this.actions);
      Object.assign(b, { words, parents, actions });
    }
    let slots = this.mask + 1;
    while (n * 4 > slots * 3) slots *= 2;
    if (slots !== this.mask + 1) {
      const table = new SharedArrayBuffer(slots * 8);
      const t = new Uint32Array(table);
      const old = this.table;
      const mask = slots - 1;
      for (let i = 0; i < old.length; i += 2) {
        const e = old[i]!;
        if (e === EMPTY) continue;
        let slot = old[i + 1]! & mask;
        while (t[slot << 1] !== EMPTY) slot = (slot + 1) & mask;
        t[slot << 1] = e;
        t[(slot << 1) + 1] = old[i + 1]!;
      }
      b.table = table;
    }
    this.attach(b);
  }
}
