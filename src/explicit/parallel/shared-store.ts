// The state store of the parallel engine: the same layout as StateStore (an
// arena of packed states, parent index and transition id per state, a
// visited table of (index + 1, key) pairs), but in SharedArrayBuffers that
// every thread maps, with lock-free insertion:
//   - an empty slot is claimed by compareExchange(0 -> BUSY); the winner
//     takes the next index of its own block of the arena (below), writes
//     the state, its parent and transition, the slot's key, and then
//     publishes index + 1 with Atomics.store (sequentially consistent:
//     whoever loads the index sees the words written before it);
//   - a prober that meets BUSY waits for the index (a few stores away), then
//     compares key and words as usual.
// The key beside the index is the state's hash, or for one-word states the
// word itself (as in ../state-store.ts): a probe that meets the state
// decides without reading the arena.
//
// Blocks: each thread reserves arena indices `block` at a time (one
// Atomics.add on the shared count per block, not per state) and fills them
// alone. With one shared count, every insert of every thread wrote the same
// cache line, and the two threads' states, parents and transitions sat in
// the same lines of the arena, which moved between the cores on every
// insert (1.5x the CPU of one thread on Counters). A thread closes its block
// when it finishes a level: the indices it did not use are holes, marked by
// a parent of HOLE, which the next level skips; they are never in the
// table. A state inserted during level L still has an index above every
// state of level L (blocks are reserved during L), which is all the level
// structure needs (explore-parallel.ts).
//
// Growth is never concurrent: threads check for room before they take a
// chunk of the frontier (a chunk adds at most chunk x transitions states,
// plus one block), and when there is none they stop; the coordinator grows
// the buffers between two runs and hands the new ones over.
//
// The arena is reserved at once (SharedStore.reserve; up to 1 GB, see
// explore-parallel.ts): a SharedArrayBuffer's pages are mapped lazily, so
// untouched capacity costs address space, not memory, and up to that size
// the arena never has to be copied. Growth
// copies were the expensive part: on this machine (a Firecracker VM) the
// first write to a page costs ~40 us, 10 ms per MB, and each copy wrote a
// whole new arena while every other thread waited.
//
// Fixed-size SharedArrayBuffers, not growable ones: on Node 20, typed arrays
// over a growable SharedArrayBuffer were 4x slower in a probe loop.

import { hashWords } from '../state-store.ts';

export { hashWords };

const EMPTY = 0;
const BUSY = 0xffffffff;
/** Parent of an unused index of a closed block (an initial state's parent is 0xffffffff). */
export const HOLE = 0xfffffffe;

/** Control words shared by all threads (Int32Array over a SharedArrayBuffer). */
// 128 bytes apart: count and cursor are written by every thread, and must
// not drag the others' lines along (the buffer's start need not be 64-byte
// aligned, so 64 apart could still share a line).
export const CTL = {
  /** Next free arena index: states stored + holes + indices reserved in open blocks. */
  count: 0,
  /** Next frontier index to claim. */
  cursor: 32,
  /** Non-zero: stop at the next chunk (limit, interrupt, error). */
  stop: 64,
  /** Indices left unused in closed blocks. */
  holes: 96,
  /** Next slot of the old table to move, while the table grows. */
  rehash: 128,
  size: 160,
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
  actions!: Uint16Array | Uint32Array;
  table!: Uint32Array;
  /** The table as Int32, for Atomics.wait on a BUSY slot. */
  private table32!: Int32Array;
  ctl: Int32Array;
  /** Slots - 1. */
  mask = 0;
  /** States the arena can hold. */
  capacity = 0;
  /** One-word states: the slot's key is the word itself. */
  private readonly oneWord: boolean;
  /** This thread's open block: indices [blockNext, blockEnd) are its to fill. */
  private blockNext = 0;
  private blockEnd = 0;
  /** Indices reserved per block (1: none wasted, for exact limits). */
  block = 1;

  constructor(
    readonly stateWords: number,
    private buffers: StoreBuffers,
  ) {
    this.ctl = new Int32Array(buffers.ctl);
    this.oneWord = stateWords === 1;
    this.attach(buffers);
  }

  /**
   * A store whose arena holds `capacity` states (transition ids of 2 bytes
   * when there are fewer than 0xffff transitions) and whose table starts
   * with room for `tableStates`.
   */
  static create(stateWords: number, capacity: number, transitions: number, tableStates = Math.min(capacity, 1 << 14)): SharedStore {
    let slots = 4;
    while (slots * 3 < tableStates * 4) slots *= 2;
    return new SharedStore(stateWords, {
      words: new SharedArrayBuffer(capacity * stateWords * 4),
      parents: new SharedArrayBuffer(capacity * 4),
      actions: new SharedArrayBuffer(capacity * (transitions < 0xffff ? 2 : 4)),
      table: new SharedArrayBuffer(slots * 8),
      ctl: new SharedArrayBuffer(CTL.size * 4),
    });
  }

  /**
   * The largest arena that fits `bytes` of address space (and Node's limits
   * on one buffer), reserved now and mapped as it fills; a smaller one if
   * the system refuses the reservation (it then grows by copying).
   */
  static reserve(stateWords: number, transitions: number, bytes: number): SharedStore {
    const perState = stateWords * 4 + 4 + (transitions < 0xffff ? 2 : 4);
    // A typed array holds at most 2^32 - 1 elements here; keep well below.
    let capacity = Math.floor(Math.min(bytes / perState, 2 ** 31 / stateWords));
    for (; capacity > 1 << 14; capacity = Math.floor(capacity / 4)) {
      try {
        return SharedStore.create(stateWords, capacity, transitions);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
    }
    return SharedStore.create(stateWords, 1 << 14, transitions);
  }

  get shared(): StoreBuffers {
    return this.buffers;
  }

  attach(b: StoreBuffers): void {
    this.buffers = b;
    this.words = new Uint32Array(b.words);
    this.parents = new Uint32Array(b.parents);
    this.actions = b.actions.byteLength === this.parents.length * 2 ? new Uint16Array(b.actions) : new Uint32Array(b.actions);
    this.table = new Uint32Array(b.table);
    this.table32 = new Int32Array(b.table);
    this.mask = this.table.length / 2 - 1;
    this.capacity = this.parents.length;
  }

  /** Arena indices handed out (states, holes and open blocks): the end of the next level. */
  get count(): number {
    return Atomics.load(this.ctl, CTL.count);
  }

  /** States stored, once every block is closed (between levels). */
  get distinct(): number {
    return Atomics.load(this.ctl, CTL.count) - Atomics.load(this.ctl, CTL.holes);
  }

  /** Bytes in use: the arena up to its last index (the rest of its reservation is not mapped) and the table. */
  get bytes(): number {
    const perState = this.stateWords * 4 + 4 + this.actions.BYTES_PER_ELEMENT;
    return this.count * perState + this.table.byteLength;
  }

  /** Room for `extra` more indices in the arena and under 3/4 table load? */
  hasRoom(extra: number): boolean {
    const n = this.count + extra;
    return n <= this.capacity && n * 4 <= (this.mask + 1) * 3;
  }

  /** Whether s (with hash h) is stored (every read atomic: for limits, off the hot path). */
  has(s: Uint32Array, h: number): boolean {
    const W = this.stateWords;
    const table = this.table;
    const mask = this.mask;
    const key = this.oneWord ? s[0]! : h;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot << 1;
      let e = Atomics.load(table, at);
      if (e === EMPTY) return false;
      if (e === BUSY) e = this.awaitIndex(at);
      if (table[at + 1] === key) {
        if (this.oneWord) return true;
        const base = (e - 1) * W;
        let k = 0;
        while (k < W && this.words[base + k] === s[k]) k++;
        if (k === W) return true;
      }
    }
  }

  /**
   * Reads the home slot of each of the first m hashes, all at once, so that
   * the inserts that follow find them in the cache (independent loads are
   * in flight together; a probe's first read is otherwise a cache miss).
   * Plain loads: the values are not used.
   */
  touch(h: Uint32Array, m: number): void {
    const table = this.table;
    const mask = this.mask;
    let acc = 0;
    for (let j = 0; j < m; j++) acc |= table[(h[j]! & mask) << 1]!;
    this.touched = acc;
  }
  /** Keeps touch()'s loads observable, so the compiler cannot drop them. */
  touched = 0;

  /**
   * Ends this thread's block: its unused indices become holes. Every thread
   * calls it when it finishes its share of a level, before it reports.
   */
  closeBlock(): void {
    const n = this.blockEnd - this.blockNext;
    if (n > 0) {
      this.parents.fill(HOLE, this.blockNext, this.blockEnd);
      Atomics.add(this.ctl, CTL.holes, n);
    }
    this.blockNext = this.blockEnd = 0;
  }

  /**
   * Inserts the state at s[off ..] (with hash h) unless present: its new index, or -1 if it was
   * stored (or is being stored by another thread).
   *
   * The probe reads slots with plain loads, not Atomics.load: in a probe
   * loop over a large table, Atomics.load cost 1.3-2.3x the CPU of plain
   * loads (Node 20: the call stops the processor from overlapping the cache
   * misses of successive probes). Why plain loads are sound here: every
   * word of a table is written once after it is allocated (zeroed): a slot's
   * index goes 0 -> BUSY (compareExchange) -> index + 1 (Atomics.store), its
   * key 0 -> key, before the index; aligned 32-bit loads do not tear. So a
   * plain load sees the initial value or the final one, and only these
   * cases need a synchronizing atomic load:
   *   - EMPTY may be stale: compareExchange, which reads atomically, decides;
   *   - BUSY, or a key of 0 (unwritten, or a real key of 0): wait for the
   *     index atomically, then read the key atomically;
   *   - a key equal to ours, for states of several words: the index is read
   *     atomically before the state's words, which were written before it.
   * A non-zero key that differs from ours is final: a different state. A
   * one-word state equal to a non-zero key is ours (the key is the state).
   */
  insert(s: Uint32Array, h: number, parent: number, action: number, off = 0): number {
    const W = this.stateWords;
    const words = this.words;
    const table = this.table;
    const mask = this.mask;
    const oneWord = this.oneWord;
    const key = oneWord ? s[off]! : h;
    let slot = h & mask;
    for (;;) {
      const at = slot << 1;
      let e = table[at]!;
      if (e === EMPTY) {
        if (Atomics.compareExchange(table, at, EMPTY, BUSY) !== EMPTY) continue; // taken (or seen stale): look again
        if (this.blockNext === this.blockEnd) {
          const b = Atomics.add(this.ctl, CTL.count, this.block);
          this.blockNext = b;
          this.blockEnd = b + this.block;
        }
        const idx = this.blockNext++;
        const base = idx * W;
        for (let k = 0; k < W; k++) words[base + k] = s[off + k]!;
        this.parents[idx] = parent;
        this.actions[idx] = action;
        table[at + 1] = key;
        Atomics.store(table, at, idx + 1);
        return idx;
      }
      let k = table[at + 1]!;
      if (e === BUSY || k === 0) {
        e = e === BUSY ? this.awaitIndex(at) : Atomics.load(table, at);
        k = Atomics.load(table, at + 1);
      }
      if (k === key) {
        if (oneWord) return -1;
        const base = (Atomics.load(table, at) - 1) * W;
        let i = 0;
        while (i < W && words[base + i] === s[off + i]) i++;
        if (i === W) return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * A slot claimed by another thread: its index is a few stores away, unless
   * that thread was descheduled in between (a busy machine); then sleep in
   * short waits instead of spinning through a time slice.
   */
  private awaitIndex(at: number): number {
    let e = BUSY;
    for (let spins = 0; (e = Atomics.load(this.table, at)) === BUSY; spins++)
      if (spins > 100) Atomics.wait(this.table32, at, -1, 0.05);
    return e;
  }

  /**
   * Coordinator only, with no thread running: makes room for `extra` more
   * indices. The arena grows by 1.5x (or to fit; only a store made smaller
   * than its reservation does), the table doubles until under 3/4 load.
   * Returns the old table when the table grew: its entries are still to be
   * moved into the new one, by rehash() in every thread, before any thread
   * probes it.
   */
  grow(extra: number): Uint32Array | undefined {
    const n = this.count + extra;
    const W = this.stateWords;
    const b = { ...this.buffers };
    if (n > this.capacity) {
      const cap = Math.max(n, Math.ceil(this.capacity * 1.5));
      const words = new SharedArrayBuffer(cap * W * 4);
      new Uint32Array(words).set(this.words);
      const parents = new SharedArrayBuffer(cap * 4);
      new Uint32Array(parents).set(this.parents);
      const actions = new SharedArrayBuffer(cap * this.actions.BYTES_PER_ELEMENT);
      new (this.actions.constructor as Uint16ArrayConstructor)(actions).set(this.actions);
      Object.assign(b, { words, parents, actions });
    }
    let slots = this.mask + 1;
    while (n * 4 > slots * 3) slots *= 2;
    const old = this.table;
    if (slots !== this.mask + 1) {
      b.table = new SharedArrayBuffer(slots * 8);
      Atomics.store(this.ctl, CTL.rehash, 0);
    }
    this.attach(b);
    return this.table !== old ? old : undefined;
  }

  /**
   * Moves the entries of `old` into this (new, larger) table: every thread
   * claims chunks of the old table from a shared cursor, so the threads
   * share the work and the first writes to the new table's pages, which
   * were most of a growth's time. Entries are distinct, so an entry only
   * needs an empty slot, claimed by compareExchange; no thread reads a key
   * until every thread is done (the coordinator's barrier). Entries move by
   * their stored hash (one-word states: by the hash of the word). `alone`:
   * no other thread moves entries, so plain stores do (2x cheaper than
   * compareExchange here).
   */
  rehash(old: Uint32Array, alone = false): void {
    const t = this.table;
    const mask = this.mask;
    const one = new Uint32Array(1);
    const oneWord = this.oneWord;
    const slots = old.length >> 1;
    for (;;) {
      const start = Atomics.add(this.ctl, CTL.rehash, REHASH_CHUNK);
      if (start >= slots) return;
      const end = Math.min(start + REHASH_CHUNK, slots);
      for (let i = start << 1; i < end << 1; i += 2) {
        const e = old[i]!;
        if (e === EMPTY) continue;
        const key = old[i + 1]!;
        let h = key;
        if (oneWord) {
          one[0] = key;
          h = hashWords(one, 0, 1);
        }
        let slot = h & mask;
        if (alone) {
          while (t[slot << 1] !== EMPTY) slot = (slot + 1) & mask;
          t[slot << 1] = e;
        } else while (Atomics.compareExchange(t, slot << 1, EMPTY, e) !== EMPTY) slot = (slot + 1) & mask;
        t[(slot << 1) + 1] = key;
      }
    }
  }
}

/** Old-table slots claimed at a time by a rehashing thread. */
const REHASH_CHUNK = 1 << 14;
