// Codecs are shared between schemas of the same structure (variants rebuild
// their schema objects) and never between schemas that differ in anything
// that changes packing or printing.

import { describe, expect, it } from 'vitest';
import { array, domain, enumOf, int, record } from '../src/index.ts';
import { codecFor } from '../src/state/codec.ts';

const make = (names: string[], max: number, values: string[]) => {
  const P = domain('P', names);
  return record({ x: int(0, max), e: enumOf(...values), a: array(int(0, 1), P) });
};

describe('codec cache', () => {
  it('the same structure built twice gets one codec', () => {
    expect(codecFor(make(['p', 'q'], 3, ['a', 'b']))).toBe(codecFor(make(['p', 'q'], 3, ['a', 'b'])));
  });

  it('a different range, enum value or element name gets its own codec', () => {
    const base = codecFor(make(['p', 'q'], 3, ['a', 'b']));
    const wider = codecFor(make(['p', 'q'], 4, ['a', 'b']));
    expect(wider).not.toBe(base);
    expect(() => base.encode({ x: 4, e: 'a', a: [0, 0] }, new Uint32Array(1), 0)).toThrow(/x = 4/);
    expect(() => wider.encode({ x: 4, e: 'a', a: [0, 0] }, new Uint32Array(1), 0)).not.toThrow();
    const renamed = codecFor(make(['p', 'q'], 3, ['a', 'c']));
    expect(renamed).not.toBe(base);
    expect(renamed.format({ x: 1, e: 'c', a: [0, 1] })).toBe('{x: 1, e: c, a: {p: 0, q: 1}}');
    const otherNames = codecFor(make(['r', 's'], 3, ['a', 'b']));
    expect(otherNames).not.toBe(base);
    expect(otherNames.format({ x: 1, e: 'a', a: [0, 1] })).toBe('{x: 1, e: a, a: {r: 0, s: 1}}');
  });
});
