// The smaller first-hour defects, each as a user meets it: a usage error,
// a relative path under npm run, a throw deep in the search, a trace of
// another spec given to --replay.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, runCliInProcess } from './support/cli.ts';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mmcheck-fh-'));

describe('a usage error is one line and a hint', () => {
  for (const args of [['check', '--foo'], ['check', '--engine', 'foo']])
    it.concurrent(args.join(' '), async () => {
      const r = await runCliInProcess(args);
      expect(r.code).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^error: /);
      expect(lines.at(-1)).toBe('(add --help for the options)');
      expect(lines.length, r.stderr).toBeLessThanOrEqual(3);
      expect(r.stderr).not.toContain('Usage:');
    });
});

it.concurrent('a relative spec path under `npm run check` is relative to where npm was run', async () => {
  // npm runs the script in the package root and passes the caller's directory as INIT_CWD.
  const r = await runCli(['run', '--silent', 'check', '--', 'lost-update.ts', '--quiet', '--out', tmp()], {
    cmd: ['npm'],
    cwd: join(ROOT, 'specs/classic'),
  });
  expect(r.stderr).not.toContain('no such spec file');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('NoLostUpdate');
});

it.concurrent('an error thrown during the search names the spec file and line', async () => {
  const r = await runCliInProcess(['check', 'test/fixtures/specs/throwing-action.ts', '--out', tmp()]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('action step threw in its apply: Error: boom at two');
  expect(r.stderr).toContain('thrown at test/fixtures/specs/throwing-action.ts:13:30');
});

it.concurrent("--replay of a trace whose #meta names another spec than its states' says so", async () => {
  const doc = JSON.parse(readFileSync(join(ROOT, 'counterexamples/peterson/turn-first/MutualExclusion.json'), 'utf8'));
  Object.assign(doc['#meta'], { spec: 'lost-update', variant: 'racy', property: 'NoLostUpdate', source: 'specs/classic/lost-update.ts' });
  const dir = tmp();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'other.json');
  writeFileSync(file, JSON.stringify(doc));
  const r = await runCliInProcess(['check', '--replay', file]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("the trace's state variables (flag, turn, proc) are not those of spec lost-update");
  expect(r.stderr).not.toContain('is missing');
});

it('--stats prints states/s and bytes/state only for a run big enough to measure them', async () => {
  const tiny = await runCliInProcess(['check', 'test/fixtures/specs/two-states.ts', '--stats', '--out', tmp()]);
  expect(tiny.code, tiny.stderr).toBe(0);
  expect(tiny.stdout).toContain('2 distinct states, 2 generated, depth 2');
  expect(tiny.stdout).not.toContain('bytes/state');
  // Counters(4, 5): 1,296 states.
  const big = await runCliInProcess(['check', 'counters', '--variant', 'n4-k5', '--stats', '--out', tmp()]);
  expect(big.code, big.stderr).toBe(0);
  expect(big.stdout).toMatch(/1,296 distinct states, .*\n +[\d,]+ states\/s, [\d,]+ bytes\/state/);
});
