import { describe, expect, it } from 'vitest';
import { explore } from '../src/explicit/explore.ts';
import lostUpdate from '../specs/classic/lost-update.ts';

describe('lost-update (the README example)', () => {
  it('the locked variant holds over all its states', async () => {
    const r = await explore(lostUpdate.build('locked'));
    expect(r.status).toBe('complete');
    expect(r.properties.map((p) => [p.property, p.verdict])).toEqual([
      ['NoLostUpdate', 'holds'],
      ['BothDone', 'holds'],
      ['deadlockFree', 'holds'],
    ]);
  });

  it('the racy variant loses an update in 8 steps: both read before either writes', async () => {
    const r = await explore(lostUpdate.build('racy'));
    const p = r.properties.find((x) => x.property === 'NoLostUpdate')!;
    expect(p.verdict).toBe('violated');
    const labels = p.trace!.steps.map((s) => s.transition.label);
    expect(labels).toHaveLength(8);
    const firstWrite = labels.findIndex((l) => l.endsWith('.write'));
    expect(labels.slice(0, firstWrite).filter((l) => l.endsWith('.read'))).toHaveLength(2);
    expect(p.trace!.steps.at(-1)!.state.counter).toBe(1);
  });
});
