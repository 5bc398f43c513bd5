// Spec errors found while checking, as a user meets them: each names the
// spec file:line of the throw, whichever engine found it (issue 11 item 11,
// "errors thrown at run time give no spec file:line"), and an error found
// during the search leaves its shortest trace as text and ITF, which
// --replay re-executes (item 10).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './support/cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mmcheck-errors-'));
const FIX = 'test/fixtures/specs';
const check = (...args: string[]) => runCliInProcess(['check', ...args]);
const noStack = (stderr: string): void => {
  expect(stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(stderr).not.toContain('internal error');
};

describe('a throw names its spec file:line in every engine', () => {
  const cases: [string, string[], RegExp, string][] = [
    ['explicit, an action', [`${FIX}/throwing-action.ts`], /action step threw in its apply: Error: boom at two/, 'throwing-action.ts:13:30'],
    ['explicit, a property', [`${FIX}/throwing-property.ts`], /property Small threw Error: property boom at two\n  in state \{x: 2\}/, 'throwing-property.ts:16:28'],
    ['liveness, a temporal property', [`${FIX}/throwing-liveness.ts`], /property Reaches3 threw Error: liveness boom at two\n  in state \{x: 2\}/, 'throwing-liveness.ts:16:28'],
    ['parallel, a property', [`${FIX}/throwing-property.ts`, '--engine', 'parallel'], /property Small threw Error: property boom at two/, 'throwing-property.ts:16:28'],
    ['bmc, a property', [`${FIX}/throwing-property.ts`, '--engine', 'bmc'], /property Small threw property boom at two after step, step\n  in state: \{"x":2\}/, 'throwing-property.ts:16:28'],
    ['bmc, an action', [`${FIX}/throwing-action.ts`, '--engine', 'bmc'], /step throws after step, step: boom at two/, 'throwing-action.ts:13:30'],
    // A counterexample to induction that is an error is first looked for
    // in the reachable states (BMC to the witness depth): this throw is
    // reachable, so induction reports it with its run, as BMC and BFS do.
    [
      'induction, an action that throws in a reachable state',
      [`${FIX}/throwing-action.ts`, '--engine', 'induction'],
      /step throws after step, step: boom at two/,
      'throwing-action.ts:13:30',
    ],
    // Here the throw is at an odd x, which no run reaches but a
    // counterexample to induction does, and BMC to the witness depth does
    // not cover the 50 steps: the error stays that of a counterexample.
    [
      'induction, an action in a counterexample to induction',
      [`${FIX}/throwing-unreachable.ts`, '--engine', 'induction'],
      /step threw odd x\n  in a state of a counterexample to induction \(not necessarily reachable\): \{"x":1\}/,
      'throwing-unreachable.ts:16:34',
    ],
  ];
  for (const [what, args, message, site] of cases)
    it(what, async () => {
      const r = await check(...args, '--out', tmp());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(`thrown at ${FIX}/${site}`);
      noStack(r.stderr);
    });
});

describe('a spec error found during the search: its trace as text and ITF, and --replay', () => {
  it('an out-of-range write: the files, the replay, and a replay that no longer reaches the error', async () => {
    const out = tmp();
    const r = await check(`${FIX}/out-of-range.ts`, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The shortest trace to the state where it happened (3 steps):');
    const dir = join(out, 'out-of-range/only');
    expect(r.stderr).toContain(`${join(dir, 'spec-error.json')}`);
    const txt = readFileSync(join(dir, 'spec-error.txt'), 'utf8');
    expect(txt).toContain('action step set x to 4, outside int(0..3)');
    expect(txt).toContain('x: 2 -> 3');
    const itf = JSON.parse(readFileSync(join(dir, 'spec-error.json'), 'utf8'));
    expect(itf['#meta']).toMatchObject({ format: 'ITF', spec: 'out-of-range', variant: 'only', property: 'spec-error', kind: 'violation' });
    expect(itf['#meta'].error).toContain('outside int(0..3)');
    expect(itf.states.map((s: any) => s.x['#bigint'])).toEqual(['0', '1', '2', '3']);

    const ok = await check('--replay', join(dir, 'spec-error.json'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.replace(/\n {2}/g, ' ')).toContain('reproduces: a spec error happens in the last state (after step 3): step set x to 4, outside int(0..3)');
    // One step short, the last state has no error: the replay says so.
    itf.states.pop();
    writeFileSync(join(out, 'short.json'), JSON.stringify(itf));
    const short = await check('--replay', join(out, 'short.json'));
    expect(short.code).toBe(1);
    expect(short.stdout).toContain('does not reproduce: no spec error happens in the last state (after step 2)');
  });

  it('a property that throws: the trace goes to the state it threw in, and replays', async () => {
    const out = tmp();
    const r = await check(`${FIX}/throwing-property.ts`, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The shortest trace to the state where it happened (2 steps):');
    const file = join(out, 'throwing-property/only/spec-error.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).states).toHaveLength(3);
    const rep = await check('--replay', file);
    expect(rep.code).toBe(0);
    expect(rep.stdout.replace(/\n {2}/g, ' ')).toContain('property Small threw property boom at two');
  });

  it('a non-deterministic step (0 steps: in the initial state) replays', async () => {
    const out = tmp();
    expect((await check(`${FIX}/nondeterministic.ts`, '--out', out)).code).toBe(2);
    const rep = await check('--replay', join(out, 'nondeterministic/only/spec-error.json'));
    expect(rep.code).toBe(0);
    expect(rep.stdout.replace(/\n {2}/g, ' ')).toContain('flip is not deterministic');
  });

  it('a write into s (two steps deep): the replay re-checks writes into s, not only determinism', async () => {
    const out = tmp();
    const r = await check(`${FIX}/writes-into-s.ts`, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('step modified the current state s; write the next state n instead');
    expect(r.stderr).toContain('The shortest trace to the state where it happened (2 steps):');
    const file = join(out, 'writes-into-s/only/spec-error.json');
    const rep = await check('--replay', file);
    expect(rep.code, rep.stderr).toBe(0);
    const said = rep.stdout.replace(/\n {2}/g, ' ');
    // Without the check, the second run of step (which reads the s the first
    // run overwrote) made this "not deterministic": the right verdict for
    // the wrong reason.
    expect(said).toContain('reproduces: a spec error happens in the last state (after step 2): step modified the current state s');
    expect(said).not.toContain('deterministic');
    // One step short (x = 1): no write into s happens there.
    const itf = JSON.parse(readFileSync(file, 'utf8'));
    itf.states.pop();
    writeFileSync(join(out, 'short.json'), JSON.stringify(itf));
    const short = await check('--replay', join(out, 'short.json'));
    expect(short.code).toBe(1);
    expect(short.stdout).toContain('does not reproduce: no spec error happens in the last state (after step 1)');
  });

  it('an unwritable --out: the error and its trace are still printed, the write failure named', async () => {
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    const r = await check(`${FIX}/out-of-range.ts`, '--out', join(file, 'cex'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The shortest trace to the state where it happened');
    expect(r.stderr).toMatch(/The trace could not be written: cannot create directory .*a-file\/cex: ENOTDIR/);
  });
});
