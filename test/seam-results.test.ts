// One place builds a property's result (src/spec/property-result.ts): the
// rules it applies, and that no engine builds a verdict by hand.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nothingFound, searchResult, settledBy, undecided } from '../src/spec/property-result.ts';
import type { Coverage, Trace } from '../src/spec/results.ts';

const trace = (kind: Trace['kind'], steps: number): Trace => ({
  kind,
  property: 'p',
  initial: {},
  steps: Array.from({ length: steps }, () => ({ transition: undefined as never, state: {} })),
});

const exhaustive: Coverage = { kind: 'exhaustive', states: 10, depth: 3 };
const inductive: Coverage = { kind: 'inductive', k: 1, ints: 'bounded', strengthenedBy: [] };
const limit: Coverage = { kind: 'limit', limit: { which: 'max-states', value: 5 } };
const bounded: Coverage = { kind: 'bounded', depth: 4 };

describe('a property result from what an engine found', () => {
  it('a trace settles it: a witness holds, anything else is violated; coverage is the trace', () => {
    expect(settledBy({ name: 'w', kind: 'sometimes' }, trace('witness', 2))).toMatchObject({
      property: 'w', kind: 'sometimes', verdict: 'holds', coverage: { kind: 'trace', steps: 2 },
    });
    for (const kind of ['always', 'transition', 'initially', 'eventually', 'leadsTo', 'deadlock'] as const)
      expect(settledBy({ name: 'x', kind }, trace('violation', 3)).verdict).toBe('violated');
  });

  it('no trace over every reachable state: an invariant holds, a witness is unreachable', () => {
    for (const cov of [exhaustive, inductive] as const) {
      expect(searchResult({ name: 'a', kind: 'always' }, undefined, cov)).toEqual({ property: 'a', kind: 'always', verdict: 'holds', coverage: cov });
      expect(searchResult({ name: 'w', kind: 'sometimes' }, undefined, cov).verdict).toBe('violated');
      expect(nothingFound({ name: 'deadlockFree', kind: 'deadlock' }, cov).verdict).toBe('holds');
    }
  });

  it('no trace within a bound or a limit: unknown, never holds, whatever the kind', () => {
    for (const cov of [limit, bounded])
      for (const kind of ['always', 'sometimes', 'transition', 'deadlock'] as const)
        expect(searchResult({ name: 'x', kind }, undefined, cov)).toEqual({ property: 'x', kind, verdict: 'unknown', coverage: cov });
  });

  it('a counterexample to induction leaves the property open, and cannot settle it', () => {
    const cti = trace('cti', 1);
    const r = undecided({ name: 'a', kind: 'always' }, { kind: 'not-inductive', k: 1, of: 'property' }, cti);
    expect(r.verdict).toBe('unknown');
    expect(r.trace).toBe(cti);
    expect(() => settledBy({ name: 'a', kind: 'always' }, cti)).toThrow(/internal/);
    expect(() => searchResult({ name: 'a', kind: 'always' }, undefined, { kind: 'trace', steps: 1 })).toThrow(/internal/);
  });
});

describe('the engines build no verdict by hand', () => {
  const root = resolve(import.meta.dirname, '..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  // A verdict written as a literal or chosen by a condition, in an object
  // (a type's union of the verdicts is not one).
  const handMade = /\bverdict\s*:\s*(['"](holds|violated|unknown)['"](?!\s*\|)|[\w.!]+\s*\?)/;

  it('only src/spec/property-result.ts writes a verdict into a result', () => {
    const offenders = files(join(root, 'src'))
      .map((f) => relative(root, f).split('\\').join('/'))
      .filter((f) => f !== 'src/spec/property-result.ts')
      .filter((f) => readFileSync(join(root, f), 'utf8').split('\n').some((line) => handMade.test(line)));
    expect(offenders).toEqual([]);
  });

  it('the pattern finds a hand-made verdict (the check can fail)', () => {
    expect(handMade.test(`      verdict: 'holds',`)).toBe(true);
    expect(handMade.test(`    verdict: trace ? 'violated' : 'unknown',`)).toBe(true);
    expect(handMade.test(`        verdict: r.result.verdict,`)).toBe(false);
    expect(handMade.test(`  readonly verdict: 'holds' | 'violated' | 'unknown';`)).toBe(false);
  });
});
