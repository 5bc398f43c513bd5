// The CLI end to end: exit codes, the --json contract, the files written,
// --replay, and a named error without a stack trace for each kind of bad
// input. Most runs call the CLI's main() inside this process (argv in,
// stdout/stderr/exit code out: test/support/cli.ts); the ones that need a
// real process (SIGINT, bin/mmcheck.js, a run that must not loop for ever,
// the process's own exit code) spawn one.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES, engineNamed } from '../src/engines/registry.ts';
import { UsageError } from '../src/cli/errors.ts';
import { engineOptionsOf, traceOutput, type CheckFlags } from '../src/cli/flags.ts';
import { runCliInProcess } from './support/cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const FIX = join(ROOT, 'test/fixtures/specs');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { interruptAfterMs?: number; killAfterMs?: number; bin?: boolean } = {}): Promise<Ran> {
  const argv = opts.bin ? [join(ROOT, 'bin/mmcheck.js'), ...args] : ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args];
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
    if (opts.interruptAfterMs) {
      // Interrupt once the search is under way: tsx has loaded and the handler is set
      // (big.ts takes about 10 s of CPU to explore). On a busy machine loading alone
      // can take longer than any fixed wall-clock delay, so wait for the child's own
      // CPU time (from /proc) to reach the delay; elsewhere, for the wall clock.
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (child.exitCode !== null || child.signalCode !== null) return clearInterval(poll);
        if ((cpuMs(child.pid!) ?? Date.now() - t0) >= opts.interruptAfterMs!) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 100);
    }
    // A run that must not hang: killed (exit code null) rather than waiting for the test timeout.
    if (opts.killAfterMs) setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs).unref();
  });
}

/** User + system CPU milliseconds of a process (Linux /proc), or undefined. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 (utime, stime) in clock ticks of 10 ms; index 11 and 12 after the command.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mmcheck-cli-'));
const noStack = (r: Ran): void => {
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.toContain('internal error');
};
const check = (...args: string[]): Promise<Ran> => runCliInProcess(['check', ...args]);

describe('exit codes', () => {
  it('0: every verdict as expected, with TLC closing lines (--stats) and the closed-form counts', async () => {
    const out = tmp();
    const r = await check('counters', '--variant', 'n3-k4', '--stats', '--out', out);
    expect(r.code).toBe(0);
    // Counters(3, 4): (K+1)^N = 125 distinct, N*K*(K+1)^(N-1) + 2 = 302 generated.
    expect(r.stdout).toContain('302 states generated, 125 distinct states found, 0 states left on queue.\n');
    expect(r.stdout).toContain('The depth of the complete state graph search is 13.\n');
    expect(r.stdout).toMatch(/Bounded +always +holds +ok +all 125 states/);
    expect(r.stdout).toContain('bounds: N=3 counters, K=4');
    expect(r.stdout).toContain('all 3 verdicts as expected');
  });

  it('1: an unexpected verdict prints its race diagram and writes the trace files', async () => {
    const out = tmp();
    const r = await check(join(FIX, 'surprise.ts'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/NoLostUpdate +always +violated +UNEXPECTED \(expected holds\) +8-step trace/);
    expect(r.stdout).toContain('mmcheck: spec surprise, variant racy');
    expect(r.stdout).toContain('After step 8, NoLostUpdate fails');
    expect(r.stdout).toContain('1 verdict(s) not as expected: surprise/racy/NoLostUpdate');
    const txt = readFileSync(join(out, 'surprise/racy/NoLostUpdate.txt'), 'utf8');
    for (const line of txt.split('\n')) {
      expect(line.length).toBeLessThan(80);
      expect(line).toMatch(/^[\x20-\x7e]*$/);
    }
    expect(txt).toContain('(lib/counter.c: read_counter)');
    const itf = JSON.parse(readFileSync(join(out, 'surprise/racy/NoLostUpdate.json'), 'utf8'));
    expect(itf['#meta']).toMatchObject({ format: 'ITF', source: 'test/fixtures/specs/surprise.ts', spec: 'surprise', variant: 'racy', property: 'NoLostUpdate', kind: 'violation' });
    expect(itf.vars).toEqual(['counter', 'lock', 't']);
    expect(itf.states).toHaveLength(9);
    itf.states.forEach((s: any, i: number) => {
      expect(s['#meta'].index).toBe(i);
      expect(Object.keys(s).sort()).toEqual(['#meta', 'counter', 'lock', 't']);
      expect(s.counter).toHaveProperty('#bigint');
    });
    expect(itf.states[1]['#meta']).toMatchObject({ action: 'inc[cpu0].lock', actionName: 'inc', step: 'lock', params: { self: 'cpu0' } });
    // Witnesses only with --witness; the locked variant holds, so it has no file.
    expect(existsSync(join(out, 'surprise/racy/BothDone.txt'))).toBe(false);
    expect(existsSync(join(out, 'surprise/locked'))).toBe(false);
  });

  it('3: a limit ends the run as incomplete, names the limit and prints the statistics', async () => {
    const r = await check('counters', '--variant', 'n4-k5', '--max-states', '100', '--stats', '--out', tmp());
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Bounded +always +unknown +\?\? \(expected holds\)/);
    expect(r.stdout).toContain('stopped at the limit max-states 100');
    expect(r.stdout).toMatch(/\d+ states generated, 100 distinct states found, \d+ states left on queue\./);
    expect(r.stdout).not.toContain('The depth of the complete state graph search');
    const d = await check('counters', '--variant', 'n4-k5', '--max-depth', '3', '--quiet', '--out', tmp());
    expect(d.code).toBe(3);
    expect(d.stdout).toContain('max-depth 3');
  });

  it('130: SIGINT stops the search and prints the partial statistics', async () => {
    const r = await run(['check', join(FIX, 'big.ts'), '--stats', '--out', tmp()], { interruptAfterMs: 3000, killAfterMs: 120_000 });
    expect(r.code).toBe(130);
    expect(r.stdout).toContain('Interrupted: the statistics are partial.');
    expect(r.stdout).toMatch(/\d+ states generated, \d+ distinct states found, [1-9]\d* states left on queue\./);
    expect(r.stdout).toContain('interrupted: 3 verdict(s) not decided');
  });

  it('0 through bin/mmcheck.js as well', async () => {
    const r = await run(['check', 'peterson', '--variant', 'peterson', '--quiet'], { bin: true });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all 3 verdicts as expected');
  });
});

describe('bad input: a named error, exit 2, no stack trace', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown spec', ['no-such-spec'], /unknown spec 'no-such-spec'\. Specs under specs\/: .*counters.*peterson/],
    ['unknown variant', ['counters', '--variant', 'n9'], /spec counters has no variant 'n9'\. Variants: n2-k3, n3-k4, n4-k5/],
    ['unknown option', ['counters', '--frobnicate'], /unknown option '--frobnicate'\n\(add --help for the options\)\n$/],
    ['bad option value', ['counters', '--max-states', 'lots'], /--max-states <n>' argument 'lots' is invalid\. expected a positive integer/],
    ['unknown engine', ['counters', '--engine', 'magic'], /argument 'magic' is invalid\. Allowed choices are explicit, bmc, induction/],
    ['missing spec file', ['specs/nope.ts'], /no such spec file: specs\/nope\.ts/],
    ['a module that is no spec', [join(FIX, 'not-a-spec.ts')], /not-a-spec\.ts does not export a spec/],
    ['a spec that fails to load', [join(FIX, 'load-error.ts')], /cannot load test\/fixtures\/specs\/load-error\.ts: SchemaError: domain name 'not an identifier' must be an identifier/],
    ['an action that throws', [join(FIX, 'throwing-action.ts')], /spec throwing-action, variant only: action step threw in its apply: Error: boom at two\n  in state: \{x: 2\}/],
    ['a value out of range', [join(FIX, 'out-of-range.ts')], /spec out-of-range, variant only: action step set x to 4, outside int\(0\.\.3\)\n  from state: \{x: 3\}/],
    ['a non-deterministic action', [join(FIX, 'nondeterministic.ts')], /spec nondeterministic, variant only: flip is not deterministic/],
    ['a missing expectation', [join(FIX, 'missing-expectation.ts')], /spec missing-expectation, variant only: no expected verdict for Never/],
    ['--variant without a spec', ['--variant', 'x'], /--variant needs a spec/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await check(...args, '--out', tmp());
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      if (what !== 'a spec that fails to load') noStack(r);
      else expect(r.stderr.match(/^\s+at /gm)).toHaveLength(1); // the one frame in the spec file
    });
  }
});

describe('--json', () => {
  const RESULT_KEYS = {
    variant: 'string',
    property: 'string',
    kind: 'string',
    expected: 'string',
    verdict: 'string',
    engine: 'string',
    distinctStates: 'number',
    generatedStates: 'number',
    depth: 'number',
    seconds: 'number',
    asExpected: 'boolean',
  } as const;

  function checkSpecDoc(doc: any): void {
    expect(Object.keys(doc).sort()).toEqual(['results', 'spec', 'stats']);
    expect(typeof doc.spec).toBe('string');
    for (const r of doc.results) {
      for (const [k, t] of Object.entries(RESULT_KEYS)) expect(typeof r[k], k).toBe(t);
      expect(['holds', 'violated', 'unknown']).toContain(r.verdict);
      expect(['holds', 'violated']).toContain(r.expected);
      expect(['always', 'sometimes', 'transition', 'deadlock']).toContain(r.kind);
      expect(r.traceLength === null || Number.isInteger(r.traceLength)).toBe(true);
      expect(Array.isArray(r.traceFiles)).toBe(true);
      expect(typeof r.bound).toBe('string');
      expect(typeof r.coverage?.kind).toBe('string');
    }
    for (const k of ['distinctStates', 'generatedStates', 'seconds', 'unexpected', 'unknown']) expect(typeof doc.stats[k]).toBe('number');
    expect(Array.isArray(doc.stats.runs)).toBe(true);
  }

  it('one spec: every key of the contract, with its type', async () => {
    const out = tmp();
    const r = await check(join(FIX, 'surprise.ts'), '--json', '--witness', '--out', out);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    checkSpecDoc(doc);
    expect(doc.spec).toBe('surprise');
    expect(doc.results.map((x: any) => `${x.variant}/${x.property}`)).toEqual([
      'racy/NoLostUpdate', 'racy/BothDone', 'racy/deadlockFree',
      'locked/NoLostUpdate', 'locked/BothDone', 'locked/deadlockFree',
    ]);
    const lost = doc.results[0];
    expect(lost).toMatchObject({ kind: 'always', expected: 'holds', verdict: 'violated', engine: 'explicit', traceLength: 8, asExpected: false, distinctStates: 37, depth: 9 });
    expect(lost.traceFiles.map((f: string) => f.slice(f.lastIndexOf('.')))).toEqual(['.txt', '.json', '.dot']);
    expect(lost.coverage).toEqual({ kind: 'trace', steps: 8 });
    for (const f of lost.traceFiles) expect(existsSync(resolve(ROOT, f))).toBe(true);
    expect(doc.results[5]).toMatchObject({ property: 'deadlockFree', verdict: 'holds', traceLength: null, traceFiles: [] });
    // --witness: the sometimes property's witness is written too.
    expect(doc.results[1].traceFiles).toHaveLength(3);
    expect(readFileSync(join(out, 'surprise/racy/BothDone.txt'), 'utf8')).toContain('BothDone holds');
    expect(doc.stats).toMatchObject({ unexpected: 1, unknown: 0 });
    expect(doc.stats.runs.map((x: any) => [x.variant, x.status, x.limit])).toEqual([['racy', 'complete', null], ['locked', 'complete', null]]);
  });

  it('no spec argument: { specs: [...] }, one object per spec', async () => {
    const dir = tmp();
    for (const name of ['counters', 'peterson'])
      writeFileSync(join(dir, `${name}.ts`), `export { default } from ${JSON.stringify(join(ROOT, 'specs/classic', `${name}.ts`))};\n`);
    // --no-typecheck: the JSON is this test's business; type-checking a new
    // directory (a compiler run) is firsthour-specs' and firsthour-unknown-field's.
    const r = await check('--specs-dir', dir, '--json', '--no-typecheck', '--out', tmp());
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['specs']);
    expect(doc.specs.map((s: any) => s.spec)).toEqual(['counters', 'peterson']);
    doc.specs.forEach(checkSpecDoc);
    expect(doc.specs[0].results.filter((x: any) => x.variant === 'n4-k5' && x.property === 'Bounded')[0]).toMatchObject({ distinctStates: 1296, generatedStates: 4 * 5 * 6 ** 3 + 2 });
  });

  it('--no-deadlock leaves deadlockFree out', async () => {
    const r = await check('peterson', '--variant', 'flag-only', '--json', '--no-deadlock', '--out', tmp());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: any) => x.property)).toEqual(['MutualExclusion', 'CanEnter']);
  });
});

describe('all specs, matrix', () => {
  it('the all-specs run prints the verdict table and exits 1 on a surprise', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'peterson.ts'), `export { default } from ${JSON.stringify(join(ROOT, 'specs/classic/peterson.ts'))};\n`);
    writeFileSync(join(dir, 'surprise.ts'), `export { default } from ${JSON.stringify(join(FIX, 'surprise.ts'))};\n`);
    const r = await check('--specs-dir', dir, '--no-typecheck', '--out', tmp());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^spec \/ variant +verdicts +states +time$/m);
    expect(r.stdout).toMatch(/^peterson \/ turn-first +3\/3 ok +50 +\d+\.\d\d s$/m);
    expect(r.stdout).toMatch(/^surprise \/ racy +2\/3 ok, 1 UNEXPECTED +37 +\d+\.\d\d s\n {4}NoLostUpdate: violated \(8 steps\), expected holds$/m);
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThan(80);
    // The race diagram of the surprise only.
    expect(r.stdout).toContain('mmcheck: spec surprise, variant racy');
    expect(r.stdout).not.toContain('mmcheck: spec peterson, variant turn-first');
  });

  it('--matrix prints the variant x property table in markdown', async () => {
    const r = await check('peterson', '--matrix', '--out', tmp());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '| property        | peterson | turn-first | flag-only |',
        '|-----------------|----------|------------|-----------|',
        '| MutualExclusion | holds    | 6 steps    | holds     |',
        '| CanEnter        | holds    | holds      | holds     |',
        '| deadlockFree    | holds    | holds      | 2 steps   |',
        '| states          | 26       | 50         | 12        |',
      ].join('\n'),
    );
  });
});

describe('--replay', () => {
  it('reproduces a written trace, and fails on a tampered or malformed one', async () => {
    const out = tmp();
    expect((await check('peterson', '--variant', 'turn-first', '--quiet', '--witness', '--out', out)).code).toBe(0);
    const file = join(out, 'peterson/turn-first/MutualExclusion.json');
    const ok = await check('--replay', file);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('reproduces: MutualExclusion fails in the last state (after step 6)');
    const witness = await check('--replay', join(out, 'peterson/turn-first/CanEnter.json'));
    expect(witness.code).toBe(0);
    expect(witness.stdout).toContain('reproduces: CanEnter holds in the last state');
    const asJson = await check('--replay', file, '--json');
    expect(asJson.code).toBe(0);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ spec: 'peterson', variant: 'turn-first', property: 'MutualExclusion', kind: 'violation', steps: 6, reproduces: true });

    const doc = JSON.parse(readFileSync(file, 'utf8'));
    // A recorded state that the action does not produce.
    const tampered = structuredClone(doc);
    tampered.states[3].turn = tampered.states[3].turn === 'p0' ? 'p1' : 'p0';
    writeFileSync(join(out, 'tampered.json'), JSON.stringify(tampered));
    const t = await check('--replay', join(out, 'tampered.json'));
    expect(t.code).toBe(1);
    for (const line of t.stdout.split('\n')) expect(line.length, line).toBeLessThan(80);
    // Long lines are wrapped for mail, with a two-space hang.
    expect(t.stdout.replace(/\n {2}/g, ' ')).toMatch(/does not reproduce: step 3: proc\[p1\]\.flag leads to a different state than recorded \(turn: recorded p\d, replayed p\d\)/);
    // Stopping one step short: the property holds at the end.
    const short = structuredClone(doc);
    short.states.pop();
    writeFileSync(join(out, 'short.json'), JSON.stringify(short));
    const s = await check('--replay', join(out, 'short.json'));
    expect(s.code).toBe(1);
    expect(s.stdout).toContain('does not reproduce: MutualExclusion holds in the last state');
    // An action the model does not have.
    const renamed = structuredClone(doc);
    renamed.states[1]['#meta'].action = 'proc[p0].teleport';
    writeFileSync(join(out, 'renamed.json'), JSON.stringify(renamed));
    const n = await check('--replay', join(out, 'renamed.json'));
    expect(n.code).toBe(1);
    expect(n.stdout).toContain("step 1: the model has no transition 'proc[p0].teleport'");

    writeFileSync(join(out, 'garbage.json'), '{"#meta": ');
    const g = await check('--replay', join(out, 'garbage.json'));
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/garbage\.json is not valid JSON/);
    noStack(g);
    const bad = structuredClone(doc);
    bad.states[2].turn = 'p7';
    writeFileSync(join(out, 'bad.json'), JSON.stringify(bad));
    const b = await check('--replay', join(out, 'bad.json'));
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("state 2.turn: 'p7' is not an element of Proc");
    noStack(b);
  });
});

describe('--engine', () => {
  it('bmc: loads the symbolic engine lazily, writes <property>.bmc.* (never over the explicit goldens), replays', async () => {
    const out = tmp();
    const r = await check('peterson', '--variant', 'turn-first', '--engine', 'bmc', '--depth', '7', '--traces', '--out', out);
    // Peterson loops forever: no deadlock within 7 steps is no proof, so the run is incomplete.
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/deadlockFree +deadlock +unknown +\?\? \(expected holds\)\s+not decided: no violation within 7 steps/);
    expect(r.stdout).toMatch(/MutualExclusion +always +violated +ok +6-step trace/);
    expect(r.stdout).toContain('a shortest counterexample (bounded model checking)');
    expect(r.stdout).not.toContain('states generated'); // no TLC lines: BMC counts no states
    expect(existsSync(join(out, 'peterson/turn-first/MutualExclusion.json'))).toBe(false);
    const rep = await check('--replay', join(out, 'peterson/turn-first/MutualExclusion.bmc.json'));
    expect(rep.code).toBe(0);
  });

  it('--depth is refused for the explicit engine', async () => {
    const r = await check('peterson', '--depth', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--depth applies to --engine bmc or induction, not to --engine explicit');
  });
});

describe('counterexample files', () => {
  it('are deterministic: two runs write identical bytes', async () => {
    const a = tmp();
    const b = tmp();
    await check('peterson', '--quiet', '--witness', '--out', a);
    await check('peterson', '--quiet', '--witness', '--out', b);
    const files = (d: string): string[] =>
      readdirSync(d, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name).slice(d.length))
        .sort();
    expect(files(a)).toEqual(files(b));
    expect(files(a).length).toBeGreaterThanOrEqual(4);
    for (const f of files(a)) expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
  });
});

describe('where traces go', () => {
  it('a plain check (even with --witness) writes under .tmp/counterexamples and never touches the goldens', async () => {
    const golden = join(ROOT, 'counterexamples/peterson/turn-first/MutualExclusion.txt');
    const before = statSync(golden).mtimeMs;
    const r = await check('peterson', '--variant', 'turn-first', '--witness');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 traces \(\.txt \.json \.dot\) in \.tmp\/counterexamples\/peterson\/turn-first\//);
    expect(statSync(golden).mtimeMs).toBe(before);
    expect(existsSync(join(ROOT, 'counterexamples/peterson/turn-first/CanEnter.txt'))).toBe(false);
    expect(existsSync(join(ROOT, '.tmp/counterexamples/peterson/turn-first/CanEnter.txt'))).toBe(true);
  });

  it('an unwritable --out prints the verdicts and exits 5 with an I/O error; /proc does not loop', async () => {
    const r = await run(['check', join(FIX, 'surprise.ts'), '--variant', 'racy', '--out', '/proc/cex'], { killAfterMs: 60_000 });
    // The surprise is still reported (exit 1 wins over 5); the write failure is named.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('NoLostUpdate');
    expect(r.stdout).toContain('traces NOT written: cannot create directory /proc/cex: ENOENT');
    expect(r.stderr).toContain('mmcheck: I/O error: cannot create directory /proc/cex');
    noStack(r);
    const file = join(tmp(), 'a-file');
    writeFileSync(file, '');
    const p = await check('peterson', '--variant', 'turn-first', '--out', join(file, 'cex'));
    expect(p.code).toBe(5);
    expect(p.stdout).toContain('all 3 verdicts as expected');
    expect(p.stderr).toMatch(/I\/O error: cannot create directory .*a-file\/cex: ENOTDIR/);
  });

  it('--dump-graph writes the state graph of one variant as DOT', async () => {
    const file = join(tmp(), 'g', 'flag-only.dot');
    const r = await check('peterson', '--variant', 'flag-only', '--dump-graph', file, '--out', tmp());
    expect(r.code, r.stderr).toBe(0);
    const dot = readFileSync(file, 'utf8');
    expect(dot).toMatch(/^\/\/ mmcheck: spec peterson, variant flag-only: 12 states, \d+ transitions\ndigraph /);
    const many = await check('peterson', '--dump-graph', file);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('--dump-graph draws one variant');
  });
});

describe('flag validation (in process)', () => {
  const flags = (f: Partial<CheckFlags>): CheckFlags => ({ engine: 'explicit', deadlock: true, ...f });

  it('options come from the engine registry; one the engine does not take is named with the engines that do', () => {
    expect(engineOptionsOf(engineNamed('explicit')!, flags({ maxStates: 5, deadlock: false }))).toEqual({ maxStates: 5, deadlock: false });
    expect(() => engineOptionsOf(engineNamed('bmc')!, flags({ engine: 'bmc', k: 2, invariant: 'X' }))).toThrow(
      '--k applies to --engine induction; --invariant applies to --engine induction, not to --engine bmc',
    );
    expect(() => engineOptionsOf(engineNamed('induction')!, flags({ engine: 'induction', maxDepth: 3 }))).toThrow(
      '--max-depth applies to --engine explicit or parallel, not to --engine induction',
    );
    for (const e of ENGINES) expect(Object.keys(engineOptionsOf(e, flags({ engine: e.name })))).toEqual([]);
  });

  it('--update-goldens: the golden engine, its golden formats, into counterexamples/, no witnesses, no --out', () => {
    const explicit = engineNamed('explicit')!;
    const g = traceOutput(explicit, flags({ updateGoldens: true }), 'peterson', ROOT);
    expect(g.outDir).toBe(join(ROOT, 'counterexamples'));
    expect(g.writers.map((w) => w.ext)).toEqual(['txt', 'json']);
    expect(traceOutput(explicit, flags({}), 'peterson', ROOT).outDir).toBe(join(ROOT, '.tmp/counterexamples'));
    expect(() => traceOutput(explicit, flags({ updateGoldens: true, witness: true }), 'peterson', ROOT)).toThrow('witnesses are not golden');
    expect(() => traceOutput(explicit, flags({ updateGoldens: true, out: '/tmp/x' }), 'peterson', ROOT)).toThrow('it takes no --out');
    expect(() => traceOutput(engineNamed('bmc')!, flags({ engine: 'bmc', updateGoldens: true }), 'peterson', ROOT)).toThrow(
      'golden traces come from --engine explicit',
    );
    expect(() => traceOutput(engineNamed('bmc')!, flags({ engine: 'bmc', dumpGraph: 'g.dot' }), 'peterson', ROOT)).toThrow(UsageError);
  });
});

describe('the engine seam (in process)', () => {
  it('an engine is a value: checkSpec runs it, writes its traces under its own name, reporters render it', async () => {
    const { checkSpec } = await import('../src/cli/run.ts');
    const { explore } = await import('../src/explicit/explore.ts');
    const { variantReport } = await import('../src/report/human.ts');
    const { TRACE_WRITERS } = await import('../src/report/trace-writers.ts');
    const pc = (await import('picocolors')).default;
    const spec = (await import('../specs/classic/peterson.ts')).default;
    const calls: string[] = [];
    const fake = {
      name: 'fake',
      summary: 'a test engine',
      options: [],
      interruptible: false,
      golden: false,
      visitsTransitions: false,
      run: async (built: any) => {
        calls.push(built.variant);
        return { ...(await explore(built)), engine: 'fake', method: 'a fake search' };
      },
    };
    const out = tmp();
    const o = await checkSpec({ spec, file: join(ROOT, 'specs/classic/peterson.ts') }, {
      variant: 'turn-first', engine: fake, engineOptions: {}, witness: false, outDir: out, writers: TRACE_WRITERS, root: ROOT,
    });
    expect(calls).toEqual(['turn-first']);
    expect(readdirSync(join(out, 'peterson/turn-first')).sort()).toEqual(['MutualExclusion.fake.dot', 'MutualExclusion.fake.json', 'MutualExclusion.fake.txt']);
    expect(readFileSync(join(out, 'peterson/turn-first/MutualExclusion.fake.txt'), 'utf8')).toContain('a shortest counterexample (a fake search)');
    const text = variantReport(o.variants[0]!, pc.createColors(false), { quiet: false, traces: false, stats: false });
    expect(text).toContain('engine: fake');
    expect(text).toMatch(/MutualExclusion +always +violated +ok +6-step trace/);
  });
});
