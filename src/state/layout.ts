// Schema -> packed layout. Every scalar in the state (a leaf) gets a bit
// field inside one 32-bit word; fields never straddle words, so encode and
// decode are one shift and one mask each.

import type { Type } from '../spec/schema.ts';
import { describeType } from '../spec/schema.ts';
import { SpecError } from '../spec/errors.ts';
import { leavesOf, matchType, type SchemaLeaf } from '../spec/schema-fold.ts';

/** Leaves of the layout: scalars, and sets (one bit per domain element). */
export type ScalarType = SchemaLeaf['type'];

export interface Leaf {
  /** JS access path from the root object, e.g. ['c', 3] or ['pte', 0, 'page']. */
  readonly path: readonly (string | number)[];
  /** Printable path: c[3], pte[parent].page (domain-indexed arrays use element names). */
  readonly name: string;
  readonly type: ScalarType;
  /** Number of distinct values. */
  readonly count: number;
  readonly word: number;
  readonly shift: number;
  readonly bits: number;
}

export interface Layout {
  readonly leaves: readonly Leaf[];
  readonly words: number;
}

export function valueCount(t: ScalarType): number {
  const notScalar = (u: Type): never => {
    throw new SpecError(`internal: ${describeType(u)} is not a leaf of the layout`);
  };
  return matchType<number>(t, {
    bool: () => 2,
    int: (u) => u.max - u.min + 1,
    enum: (u) => u.values.length,
    ref: (u) => u.domain.size,
    set: (u) => 2 ** u.domain.size,
    optional: (u) => {
      const inner = u.inner;
      if (inner.kind === 'array' || inner.kind === 'record' || inner.kind === 'optional' || inner.kind === 'set')
        throw new SpecError(`optional(${describeType(inner)}): optional takes bool, int, enum or ref`);
      return valueCount(inner) + 1;
    },
    array: notScalar,
    record: notScalar,
  });
}

function bitsFor(count: number): number {
  let b = 0;
  while (2 ** b < count) b++;
  return b;
}

/** First-fit packing in schema order keeps related fields in the same word. */
export function layoutOf(root: Type): Layout {
  const leaves: Leaf[] = [];
  const free: number[] = []; // bits used per word
  for (const { type, path, name } of leavesOf(root)) {
    const count = valueCount(type);
    const bits = bitsFor(count);
    let word = bits === 0 ? 0 : free.findIndex((used) => used + bits <= 32);
    if (word < 0) {
      word = free.length;
      free.push(0);
    }
    if (free.length === 0) free.push(0);
    const shift = free[word]!;
    free[word] = shift + bits;
    leaves.push({ path, name, type, count, word, shift, bits });
  }
  return { leaves, words: Math.max(1, free.length) };
}
