// The set of distinct states found so far: an append-only arena of packed
// states (state i lives at words[i*W .. i*W+W)), the parent index and
// transition id of each (for shortest-trace reconstruction), and an
// open-addressing visited table of arena indices. Typed arrays only: no JS
// object per state.

const EMPTY = 0; // table slots hold index + 1

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
  private table: Uint32Array;
  private mask: number;
  private capacity: number;
  count = 0;

  constructor(
    readonly stateWords: number,
    transitionCount: number,
    initialCapacity = 1 << 12,
  ) {
    this.capacity = initialCapacity;
    this.words = new Uint32Array(initialCapacity * stateWords);
    this.parents = new Uint32Array(initialCapacity);
    this.actions = transitionCount < 0xffff ? new Uint16Array(initialCapacity) : new Uint32Array(initialCapacity);
    this.table = new Uint32Array(initialCapacity * 2);
    this.mask = this.table.length - 1;
  }

  /** Bytes held by the store (allocated capacity, not just what is used). */
  get bytes(): number {
    return this.words.byteLength + this.parents.byteLength + this.actions.byteLength + this.table.byteLength;
  }

  has(s: Uint32Array): boolean {
    return this.table[this.probe(s)] !== EMPTY;
  }

  indexOf(s: Uint32Array): number {
    return this.table[this.probe(s)]! - 1;
  }

  put(s: Uint32Array, parent: number, action: number): number {
    return this.add(s, parent, action);
  }

  /**
   * Adds the state in s[0..W) unless present. Returns its new index, or -1
   * if it was already stored.
   */
  add(s: Uint32Array, parent: number, action: number): number {
    const slot = this.probe(s);
    if (this.table[slot] !== EMPTY) return -1;
    const idx = this.count;
    if (idx === this.capacity) this.growArena();
    const W = this.stateWords;
    this.words.set(s.subarray(0, W), idx * W);
    this.parents[idx] = parent;
    this.actions[idx] = action;
    this.table[slot] = idx + 1;
    this.count = idx + 1;
    if (this.count * 4 > this.table.length * 3) this.growTable();
    return idx;
  }

  /** The slot holding s, or the empty slot where it belongs (linear probing). */
  private probe(s: Uint32Array): number {
    const W = this.stateWords;
    const words = this.words;
    const table = this.table;
    const mask = this.mask;
    let slot = hashWords(s, 0, W) & mask;
    for (;;) {
      const e = table[slot]!;
      if (e === EMPTY) return slot;
      const base = (e - 1) * W;
      let k = 0;
      while (k < W && words[base + k] === s[k]) k++;
      if (k === W) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Grows by 1.5x: keeps peak memory (and bytes/state) lower than doubling. */
  private growArena(): void {
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

  private growTable(): void {
    const W = this.stateWords;
    const table = allocate(() => new Uint32Array(this.table.length * 2), this.table.length * 8);
    const mask = table.length - 1;
    for (let i = 0; i < this.count; i++) {
      let slot = hashWords(this.words, i * W, W) & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = i + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}
