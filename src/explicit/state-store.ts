// The set of distinct states found so far: an append-only arena of packed
// states (state i lives at words[i*W .. i*W+W)), the parent index and
// transition id of each (for shortest-trace reconstruction), and an
// open-addressing visited table. Typed arrays only: no JS object per state.
//
// The visited table holds two words per slot, side by side: the arena index
// + 1 (0 = empty) and the state's full 32-bit hash. Why the hash, at 4 more
// bytes per slot:
//  - a probe compares hashes first and reads the state array only when they
//    are equal, so a probe along a cluster of other states costs no random
//    read of the (much larger) arena: at 10^8 states those reads were the
//    cache misses that made N=8 slower per state than N=7;
//  - growth moves (index, hash) pairs into the doubled table without
//    reading a single state or hashing again.
// The pair shares one cache line, so the tag costs no extra miss.
//
// A one-word state is its own tag: the slot holds the state word itself
// instead of its hash, so a probe that finds the state (most successors of
// a BFS are states already stored) decides without reading the arena at
// all, and growth recomputes the hash from the word in the slot.

import { totalmem } from 'node:os';

const EMPTY = 0; // table slots hold index + 1

/** Arena size (states) from which the arena is reserved instead of grown (growArena). */
const RESERVE_FROM = 1 << 20;
/** Indices stay below NO_PARENT, and the table holds index + 1 in 32 bits. */
const MAX_STATES = 0xfffffffe;
/** The most elements a typed array may have here (Node 20, 64-bit). */
const MAX_ELEMENTS = 2 ** 32 - 1;
const PAGE = 4096;

/** Parent of an initial state. */
export const NO_PARENT = 0xffffffff;

/** murmur3-style mix of a packed state. */
export function hashWords(w: Uint32Array, off: number, n: number): number {
  let h = 0x9747b28c ^ n;
  for (let i = 0; i < n; i++) {
    let k = Math.imul(w[off + i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The store could not allocate more memory: the run ends as incomplete. */
export class StoreFullError extends Error {
  override name = 'StoreFullError';
}

/** Allocation failures of typed arrays surface as RangeError; name them. */
function allocate<T>(make: () => T, bytes: number): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof RangeError) throw new StoreFullError(`could not allocate ${Math.round(bytes / 2 ** 20)} MB more`);
    throw e;
  }
}

/**
 * What the search and the liveness pass need of the set of visited states,
 * in TLC's terms (FPSet.put/contains plus the state arena): a parallel or
 * disk-backed store implements this. States are packed words; state i is
 * words[i*W .. i*W+W), its BFS parent parents[i] and the transition that
 * reached it actions[i].
 */
export interface VisitedStates {
  readonly count: number;
  readonly words: Uint32Array;
  readonly parents: Uint32Array;
  readonly actions: Uint16Array | Uint32Array;
  /** Allocated bytes (for bytes/state). */
  readonly bytes: number;
  /** Adds the state unless present: its new index, or -1 if it was stored already. */
  put(s: Uint32Array, parent: number, action: number): number;
  has(s: Uint32Array): boolean;
  /** The index of a stored state, or -1. */
  indexOf(s: Uint32Array): number;
}

export class StateStore implements VisitedStates {
  words: Uint32Array;
  parents: Uint32Array;
  actions: Uint16Array | Uint32Array;
  /** Slot k: table[2k] = index + 1 (0: empty), table[2k+1] = hash (one-word states: the word). */
  private table: Uint32Array;
  /** Slots - 1 (slots are a power of two). */
  private mask: number;
  private capacity: number;
  /** The arena was reserved (or the reservation refused): it is tried once. */
  private reserveTried = false;
  count = 0;

  constructor(
    readonly stateWords: number,
    transitionCount: number,
    initialCapacity = 1 << 12,
    /** Arena size (states) from which the arena is reserved (growArena); tests lower it. */
    private readonly reserveFrom = RESERVE_FROM,
    /** Bytes the reservation may take (3/4 of the machine's memory); tests lower it, so that
     *  a test process that goes on to spawn others is not refused by the overcommit check. */
    private readonly reserveBytes = totalmem() * 0.75,
  ) {
    this.capacity = initialCapacity;
    this.words = new Uint32Array(initialCapacity * stateWords);
    this.parents = new Uint32Array(initialCapacity);
    this.actions = transitionCount < 0xffff ? new Uint16Array(initialCapacity) : new Uint32Array(initialCapacity);
    let slots = 4;
    while (slots < initialCapacity * 2) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  /**
   * Bytes of memory the store holds: the whole table (its slots are touched
   * at random), and the arena's arrays up to the last state stored, rounded
   * up to pages. The arrays' tails past that are address space only: large
   * typed arrays come zeroed from mmap, and the kernel backs a page with
   * memory when it is first written (see growArena), so counting them would
   * report capacity, not memory. Peak RSS (the bench prints it) checks this.
   */
  get bytes(): number {
    const used = (a: Uint32Array | Uint16Array): number =>
      Math.min(a.byteLength, Math.ceil((this.count * a.BYTES_PER_ELEMENT * (a === this.words ? this.stateWords : 1)) / PAGE) * PAGE);
    return used(this.words) + used(this.parents) + used(this.actions) + this.table.byteLength;
  }

  has(s: Uint32Array): boolean {
    return this.table[this.findAt(s, 0, hashWords(s, 0, this.stateWords)) << 1] !== EMPTY;
  }

  indexOf(s: Uint32Array): number {
    return this.table[this.findAt(s, 0, hashWords(s, 0, this.stateWords)) << 1]! - 1;
  }

  put(s: Uint32Array, parent: number, action: number): number {
    return this.putAt(s, 0, hashWords(s, 0, this.stateWords), parent, action);
  }

  /**
   * Adds the state in s[0..W) unless present. Returns its new index, or -1
   * if it was already stored.
   */
  add(s: Uint32Array, parent: number, action: number): number {
    return this.putAt(s, 0, hashWords(s, 0, this.stateWords), parent, action);
  }

  /** The hash putAt and hasAt expect for the state at s[off ..]. */
  hashAt(s: Uint32Array, off: number): number {
    return hashWords(s, off, this.stateWords);
  }

  /** has() for the state at s[off ..], whose hash (hashAt) is h. */
  hasAt(s: Uint32Array, off: number, h: number): boolean {
    return this.table[this.findAt(s, off, h) << 1] !== EMPTY;
  }

  private findAt(s: Uint32Array, off: number, h: number): number {
    return this.stateWords === 1 ? this.probeWord(s[off]!, h) : this.probe(s, off, h);
  }

  /**
   * Reads the table slot where each of the states with hashes h[0..m) would
   * be looked up first. The loads are independent of each other, so the
   * processor has them all in flight at once (memory-level parallelism);
   * the lookups that follow (putAt) then find their slots in the cache
   * instead of waiting for one random memory read after another. JavaScript
   * has no prefetch instruction: this is one.
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
   * add() for the state at s[off ..] whose hash (hashAt) is h: the search
   * hashes a state's successors before it looks any of them up.
   */
  putAt(s: Uint32Array, off: number, h: number, parent: number, action: number): number {
    const W = this.stateWords;
    const slot = W === 1 ? this.probeWord(s[off]!, h) : this.probe(s, off, h);
    const table = this.table;
    if (table[slot << 1] !== EMPTY) return -1;
    const idx = this.count;
    if (idx === this.capacity) this.growArena();
    const words = this.words;
    const base = idx * W;
    for (let k = 0; k < W; k++) words[base + k] = s[off + k]!;
    this.parents[idx] = parent;
    this.actions[idx] = action;
    table[slot << 1] = idx + 1;
    table[(slot << 1) + 1] = W === 1 ? s[off]! : h;
    this.count = idx + 1;
    // Grow at 3/4 full: linear probing degrades fast beyond that.
    if (this.count * 4 > (this.mask + 1) * 3) this.growTable();
    return idx;
  }

  /** The slot holding the state at s[off ..], or the empty slot where it belongs (linear probing). */
  private probe(s: Uint32Array, off: number, h: number): number {
    const W = this.stateWords;
    const words = this.words;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = table[slot << 1]!;
      if (e === EMPTY) return slot;
      if (table[(slot << 1) + 1] === h) {
        const base = (e - 1) * W;
        let k = 0;
        while (k < W && words[base + k] === s[off + k]) k++;
        if (k === W) return slot;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** probe for one-word states, whose slots hold the word itself: no arena read. */
  private probeWord(word: number, h: number): number {
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = table[slot << 1]!;
      if (e === EMPTY || table[(slot << 1) + 1] === word) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Grows the arena: by 1.5x while it is small, and once it holds
   * RESERVE_FROM states, to the most the machine could hold, in one step.
   * Why: each growth copied the arena into fresh memory (8% of Counters
   * N=7's time, the copies and the page faults of the new arrays; at 10^8
   * states a copy is gigabytes). A reservation costs address space, not
   * memory: a typed array this large is mapped zeroed and each page gets
   * memory when a state is first written there, as the arena fills in
   * order. If the system refuses the mapping (a strict overcommit policy,
   * ulimit -v), growth goes on by 1.5x.
   */
  private growArena(): void {
    if (this.capacity >= this.reserveFrom && !this.reserveTried && this.reserve()) return;
    const cap = Math.ceil(this.capacity * 1.5);
    const W = this.stateWords;
    const words = allocate(() => new Uint32Array(cap * W), cap * W * 4);
    words.set(this.words);
    const parents = allocate(() => new Uint32Array(cap), cap * 4);
    parents.set(this.parents);
    const wide = this.actions instanceof Uint32Array;
    const actions = allocate(() => (wide ? new Uint32Array(cap) : new Uint16Array(cap)), cap * (wide ? 4 : 2));
    actions.set(this.actions);
    this.words = words;
    this.parents = parents;
    this.actions = actions;
    this.capacity = cap;
  }

  /** Allocates the arena for 3/4 of the machine's memory in states (see growArena); false if refused. */
  private reserve(): boolean {
    this.reserveTried = true;
    const W = this.stateWords;
    const wide = this.actions instanceof Uint32Array;
    const perState = 4 * W + 4 + (wide ? 4 : 2);
    const cap = Math.min(MAX_STATES, Math.floor(MAX_ELEMENTS / W), Math.floor(this.reserveBytes / perState));
    if (cap <= this.capacity * 1.5) return false;
    let words: Uint32Array, parents: Uint32Array, actions: Uint16Array | Uint32Array;
    try {
      words = new Uint32Array(cap * W);
      parents = new Uint32Array(cap);
      actions = wide ? new Uint32Array(cap) : new Uint16Array(cap);
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
    words.set(this.words);
    parents.set(this.parents);
    actions.set(this.actions);
    this.words = words;
    this.parents = parents;
    this.actions = actions;
    this.capacity = cap;
    return true;
  }

  /**
   * Doubles the table, moving each (index, hash) pair by its stored hash: no
   * state is read or hashed again (a one-word state is hashed again from
   * the word in its slot, which is as cheap and reads no arena). Walking the old table in slot order
   * writes the new one nearly in order too (slot i lands near i or i + old
   * size), so growth streams through memory.
   */
  private growTable(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    const table = allocate(() => new Uint32Array(slots * 2), slots * 8);
    const mask = slots - 1;
    const wordKeys = this.stateWords === 1;
    const one = new Uint32Array(1);
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i]!;
      if (e === EMPTY) continue;
      const key = old[i + 1]!;
      let h = key;
      if (wordKeys) {
        one[0] = key;
        h = hashWords(one, 0, 1);
      }
      let slot = h & mask;
      while (table[slot << 1] !== EMPTY) slot = (slot + 1) & mask;
      table[slot << 1] = e;
      table[(slot << 1) + 1] = key;
    }
    this.table = table;
    this.mask = mask;
  }
}
