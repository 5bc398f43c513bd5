import { afterAll, expect, test } from 'vitest';
import counters from '../specs/classic/counters.ts';
import { checkSymbolic, disposeZ3 } from '../src/symbolic/index.ts';

afterAll(() => disposeZ3());

test('counters bmc', async () => {
  const r = await checkSymbolic(counters.build('n2-k3'), { engine: 'bmc', depth: 8 });
  expect(r.properties.find((p) => p.property === 'AllFull')!.trace!.steps.length).toBe(6);
});
