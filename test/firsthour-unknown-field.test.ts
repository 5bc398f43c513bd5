// A write to a field the schema does not have is an error naming the spec,
// the action and the field, not a silently dropped write (which gave wrong
// verdicts): in the explicit engine and in --replay.

import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore } from '../src/explicit/explore.ts';
import { codecFor } from '../src/state/codec.ts';
import { loadSpecFile } from '../src/cli/discover.ts';
import { array, int, record } from '../src/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const spec = (await loadSpecFile(join(ROOT, 'test/fixtures/specs/unknown-field.ts'), ROOT))!;

describe('the explicit engine refuses writes to unknown fields', () => {
  const cases: [string, RegExp][] = [
    ['top', /action inc threw in its apply: TypeError: Cannot add property countr, object is not extensible/],
    ['nested', /action inc threw in its apply: TypeError: Cannot add property sen, object is not extensible/],
    // Arrays are not sealed (V8 stores into sealed arrays ~10x slower,
    // docs/performance.md): a write past the end is caught by the length.
    ['index', /action inc set w to array of length 3, outside array\(record\{seen\}, 2\)/],
    ['push', /action inc set w to array of length 3, outside array\(record\{seen\}, 2\)/],
  ];
  for (const [variant, message] of cases)
    it(variant, async () => {
      const run = explore(spec.build(variant));
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.toThrow(/spec unknown-field, variant \w+: /);
    });
});

it('decoded records are sealed all the way down; known fields stay writable', () => {
  const codec = codecFor(record({ a: int(0, 3), r: record({ b: int(0, 3) }), xs: array(record({ c: int(0, 3) }), 2) }));
  for (const o of [codec.create(), codec.snapshot(new Uint32Array(codec.words), 0), codec.clone(codec.create())]) {
    expect(Object.isSealed(o) && Object.isSealed(o.r) && Object.isSealed(o.xs[1])).toBe(true);
    o.a = 3;
    o.xs[1].c = 2;
    expect(codec.format(o)).toBe('{a: 3, r: {b: 0}, xs: [{c: 0}, {c: 2}]}');
    expect(() => ((o.r as any).typo = 1)).toThrow(TypeError);
  }
});
