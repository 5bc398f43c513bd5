// --replay and the race diagram of a counterexample to induction for a step
// property (m.transition): its predicate takes two states, so state 0 is not
// judged by it (replay used to call it with one state and crash), and the
// diagram must not claim that state 0 "satisfies" a step property.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../src/cli/replay.ts';
import { itfText, toItf } from '../src/report/itf.ts';
import { renderRaceDiagram } from '../src/report/race-diagram.ts';
import type { Trace } from '../src/spec/results.ts';
import stepCti from './fixtures/specs/step-cti.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FILE = join(ROOT, 'test/fixtures/specs/step-cti.ts');

function ctiOf(from: number): { trace: Trace; file: string } {
  const built = stepCti.build('only');
  const hop = built.transitions.find((t) => t.label === 'hop')!;
  const trace: Trace = { kind: 'cti', property: 'NeverToOne', initial: { x: from }, steps: [{ transition: hop, state: { x: (from + 2) % 4 } }] };
  const file = join(mkdtempSync(join(tmpdir(), 'mmcheck-replay-')), 'cti.json');
  writeFileSync(file, itfText(toItf(trace, built, 'test/fixtures/specs/step-cti.ts')));
  return { trace, file };
}

describe('counterexample to induction for a step property', () => {
  it('--replay judges the step, not state 0', async () => {
    const { file } = ctiOf(3);
    const r = await replay(file, FILE, join(ROOT, 'specs'), ROOT);
    expect(r.reproduces, r.reason).toBe(true);
    expect(r.reason).toBe('step 1 violates NeverToOne: not implied by the proven invariants');
    // A step that keeps the property does not reproduce.
    const ok = await replay(ctiOf(0).file, FILE, join(ROOT, 'specs'), ROOT);
    expect(ok.reproduces).toBe(false);
    expect(ok.reason).toBe('step 1 satisfies NeverToOne');
  });

  it('the race diagram does not say state 0 satisfies the step property', () => {
    const built = stepCti.build('only');
    const text = renderRaceDiagram(ctiOf(3).trace, built, { method: 'k-induction' });
    expect(text).not.toContain('satisfies NeverToOne');
    expect(text).toContain('State 0 (satisfies the proven invariants; not necessarily reachable):');
    expect(text).toContain('Step 1, from a state satisfying the proven invariants, violates NeverToOne');
  });
});
