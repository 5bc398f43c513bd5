// Strongly connected components (Tarjan's algorithm, iterative so that a
// long path cannot overflow the JS stack) over the regenerated state graph,
// restricted to the states an `allowed` test admits. Components come out in
// reverse topological order; the caller may stop the search at any of them.

import type { SuccessorGraph } from './successors.ts';

/** Per-state bookkeeping: typed arrays over all states, or maps for a small subgraph. */
export interface SccMarks {
  index(v: number): number;
  setIndex(v: number, x: number): void;
  low(v: number): number;
  setLow(v: number, x: number): void;
  onStack(v: number): boolean;
  setOnStack(v: number, on: boolean): void;
  readonly bytes: number;
}

export class DenseMarks implements SccMarks {
  private readonly idx: Int32Array;
  private readonly lo: Int32Array;
  private readonly on: Uint8Array;
  /** `reuse`: 8 bytes per state of memory no longer needed (zeroed here). */
  constructor(n: number, reuse?: ArrayBuffer) {
    if (reuse && reuse.byteLength >= 8 * n) {
      this.idx = new Int32Array(reuse, 0, n);
      this.lo = new Int32Array(reuse, 4 * n, n);
      this.idx.fill(0);
      this.lo.fill(0);
    } else {
      this.idx = new Int32Array(n);
      this.lo = new Int32Array(n);
    }
    this.on = new Uint8Array(n);
  }
  index = (v: number): number => this.idx[v]!;
  setIndex = (v: number, x: number): void => void (this.idx[v] = x);
  low = (v: number): number => this.lo[v]!;
  setLow = (v: number, x: number): void => void (this.lo[v] = x);
  onStack = (v: number): boolean => this.on[v] === 1;
  setOnStack = (v: number, on: boolean): void => void (this.on[v] = on ? 1 : 0);
  get bytes(): number {
    return this.idx.byteLength + this.lo.byteLength + this.on.byteLength;
  }
}

export class SparseMarks implements SccMarks {
  private readonly idx = new Map<number, number>();
  private readonly lo = new Map<number, number>();
  private readonly on = new Set<number>();
  index = (v: number): number => this.idx.get(v) ?? 0;
  setIndex = (v: number, x: number): void => void this.idx.set(v, x);
  low = (v: number): number => this.lo.get(v) ?? 0;
  setLow = (v: number, x: number): void => void this.lo.set(v, x);
  onStack = (v: number): boolean => this.on.has(v);
  setOnStack = (v: number, on: boolean): void => void (on ? this.on.add(v) : this.on.delete(v));
  get bytes(): number {
    return this.idx.size * 40;
  }
}

class Stack {
  a = new Uint32Array(256);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

/**
 * Runs Tarjan from each root (skipping roots already visited). onScc gets
 * the component as members[from..to) of a shared buffer, valid during the
 * call; returning true stops the search. Returns true if stopped. After a
 * component is reported its members' low-links are no longer read, so the
 * caller may overwrite them (with a negative mark).
 */
export function stronglyConnected(
  graph: SuccessorGraph,
  roots: Iterable<number>,
  allowed: (w: number) => boolean,
  marks: SccMarks,
  onScc: (members: Uint32Array, from: number, to: number) => boolean,
): boolean {
  let counter = 0;
  const sccStack = new Stack();
  const edges = new Stack();
  // Frames: state, next edge position, end of its edges.
  const fv = new Stack();
  const fpos = new Stack();
  const fend = new Stack();
  const fstart = new Stack();
  const visit = (v: number): void => {
    counter++;
    marks.setIndex(v, counter);
    marks.setLow(v, counter);
    sccStack.push(v);
    marks.setOnStack(v, true);
    graph.expand(v);
    const start = edges.n;
    for (let i = 0; i < graph.count; i++) {
      const w = graph.targets[i]!;
      if (w !== v && allowed(w)) edges.push(w);
    }
    fv.push(v);
    fstart.push(start);
    fpos.push(start);
    fend.push(edges.n);
  };
  for (const r of roots) {
    if (marks.index(r) !== 0 || !allowed(r)) continue;
    visit(r);
    while (fv.n > 0) {
      const top = fv.n - 1;
      const v = fv.a[top]!;
      const pos = fpos.a[top]!;
      if (pos < fend.a[top]!) {
        fpos.a[top] = pos + 1;
        const w = edges.a[pos]!;
        if (marks.index(w) === 0) visit(w);
        else if (marks.onStack(w)) marks.setLow(v, Math.min(marks.low(v), marks.index(w)));
        continue;
      }
      // v is finished.
      fv.n--;
      fpos.n--;
      fend.n--;
      edges.n = fstart.a[--fstart.n]!;
      const root = marks.low(v) === marks.index(v);
      if (root) {
        let from = sccStack.n;
        do from--;
        while (sccStack.a[from] !== v);
        for (let i = from; i < sccStack.n; i++) marks.setOnStack(sccStack.a[i]!, false);
        const to = sccStack.n;
        const stop = onScc(sccStack.a, from, to);
        sccStack.n = from;
        if (stop) return true;
      }
      // (A component's root cannot lower its parent's low-link; skipping it
      // lets onScc reuse the members' low-links as a membership mark.)
      if (!root && fv.n > 0) {
        const u = fv.a[fv.n - 1]!;
        marks.setLow(u, Math.min(marks.low(u), marks.low(v)));
      }
    }
  }
  return false;
}
