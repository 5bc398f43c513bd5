// Schema -> packed layout. Every scalar in the state (a leaf) gets a bit
// field inside one 32-bit word; fields never straddle words, so encode and
// decode are one shift and one mask each.

import type { Type } from '../spec/schema.ts';
import { describeType } from '../spec/schema.ts';
import { SpecError } from '../spec/errors.ts';

/** Leaves of the layout: scalars, and sets (one bit per domain element). */
export type ScalarType = Extract<Type, { kind: 'bool' | 'int' | 'enum' | 'ref' | 'set' | 'optional' }>;

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
  switch (t.kind) {
    case 'bool':
      return 2;
    case 'int':
      return t.max - t.min + 1;
    case 'enum':
      return t.values.length;
    case 'ref':
      return t.domain.size;
    case 'set':
      return 2 ** t.domain.size;
    case 'optional': {
      const inner = t.inner as Type;
      if (inner.kind === 'array' || inner.kind === 'record' || inner.kind === 'optional' || inner.kind === 'set')
        throw new SpecError(`optional(${describeType(inner)}): optional takes bool, int, enum or ref`);
      return valueCount(inner as ScalarType) + 1;
    }
  }
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
  const walk = (t: Type, path: (string | number)[], name: string): void => {
    if (t.kind === 'record') {
      for (const [k, ft] of Object.entries(t.fields as Record<string, Type>))
        walk(ft, [...path, k], name ? `${name}.${k}` : k);
      return;
    }
    if (t.kind === 'array') {
      for (let i = 0; i < t.length; i++)
        walk(t.elem as Type, [...path, i], `${name}[${t.index ? t.index.names[i] : i}]`);
      return;
    }
    const count = valueCount(t);
    const bits = bitsFor(count);
    let word = bits === 0 ? 0 : free.findIndex((used) => used + bits <= 32);
    if (word < 0) {
      word = free.length;
      free.push(0);
    }
    if (free.length === 0) free.push(0);
    const shift = free[word]!;
    free[word] = shift + bits;
    leaves.push({ path, name, type: t, count, word, shift, bits });
  };
  walk(root, [], '');
  return { leaves, words: Math.max(1, free.length) };
}
