// The README's commands are run, and each must exit as the README says
// (0: every verdict as its spec expects). Commands are read from the README
// itself, from code blocks and inline code, so a new example is tested
// without editing this file. The slow ones (symbolic engines, every spec)
// are skipped here with the reason in the test's name; .ci/run runs the
// symbolic ones (MMCHECK_README_ALL=1) and, as its verdict gate, every spec.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/cli.ts';
import { findSpec } from '../src/cli/discover.ts';
import { explore } from '../src/explicit/explore.ts';
import { DEFAULT_DEPTH } from '../src/symbolic/bmc.ts';

interface Command {
  readonly line: number;
  readonly text: string;
  /** The exit code the README gives it: 0 unless its line ends in `# exits N`. */
  readonly exit: number;
}

/** npm/npx commands in fenced blocks (with \ continuations and # comments) and in inline code. */
export function readmeCommands(md: string): Command[] {
  const out: Command[] = [];
  const add = (line: number, text: string, exit = 0): void => {
    for (const part of text.split('&&').map((p) => p.trim()))
      if (/^(npm|npx) /.test(part + ' ') && !out.some((c) => c.text === part)) out.push({ line, text: part, exit });
  };
  const lines = md.split('\n');
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (fenced) {
      let cmd = l;
      const at = i + 1;
      while (cmd.trimEnd().endsWith('\\') && i + 1 < lines.length) cmd = cmd.trimEnd().slice(0, -1) + ' ' + lines[++i]!.trim();
      const exit = /\s#\s*exits (\d+)\b/.exec(cmd)?.[1];
      add(at, cmd.replace(/\s+#.*$/, '').trim(), exit === undefined ? 0 : Number(exit));
    } else for (const m of l.matchAll(/`((?:npm|npx) [^`]+)`/g)) add(i + 1, m[1]!);
  }
  return out;
}

/** Why a command is not run by npm test, or undefined to run it. */
function notRun(c: string, all: boolean): string | undefined {
  if (/<[^>]+>/.test(c)) return 'a template with <placeholders>';
  if (/^npm (install|ci)\b/.test(c)) return 'installs packages: the suite runs in an installed tree';
  if (/^npm test\b/.test(c)) return 'the test suite itself';
  if (/^npm run bench\b/.test(c)) return 'a benchmark of minutes, not part of npm test (README)';
  if (!/^npm run check\b/.test(c)) return 'not an mmcheck command';
  // The very command of CI's verdict gate (.ci/run's last line): running it
  // here too would double CI's longest step.
  if (c === 'npm run check') return 'slow: every spec; .ci/run runs it as the verdict gate';
  if (all) return undefined;
  if (/--engine (bmc|induction)/.test(c)) return 'slow: the symbolic engine takes seconds to minutes per proof; MMCHECK_README_ALL=1 (in .ci/run) runs it';
  return undefined;
}

/** `npm run check A -- B` as package.json's script runs it: node --import tsx src/cli/main.ts check A B. */
function asScript(c: string): string[] {
  const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.check as string;
  const [exe, ...pre] = script.split(/\s+/);
  expect(exe).toBe('node');
  const args = c.replace(/^npm run check\b/, '').trim().split(/\s+/).filter((a) => a && a !== '--');
  return [...pre, ...args];
}

const all = process.env.MMCHECK_README_ALL === '1';
const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));

it('the README has commands to test, and npm test runs some of them', () => {
  expect(commands.length).toBeGreaterThanOrEqual(8);
  expect(commands.filter((c) => !notRun(c.text, false)).length).toBeGreaterThanOrEqual(3);
});

describe('README commands exit as the README says', () => {
  // The symbolic examples (MMCHECK_README_ALL=1) take minutes of Z3 each:
  // one at a time, so that each has the machine's cores and its time limit
  // measures it, not the others.
  const each = all ? it : it.concurrent;
  for (const c of commands) {
    const why = notRun(c.text, all);
    const name = `README.md:${c.line}: ${c.text}`;
    if (why) {
      it.skip(`${name} -- not run: ${why}`, () => {});
      continue;
    }
    each(
      name + (c.exit ? ` (exits ${c.exit}, as the README says)` : ''),
      async () => {
        const out = mkdtempSync(join(tmpdir(), 'mmcheck-readme-'));
        const r = await runCli([...asScript(c.text), '--out', out], { cmd: [process.execPath], timeoutMs: all ? 1_200_000 : 60_000 });
        expect(r.code, `${c.text}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`).toBe(c.exit);
      },
      all ? 1_260_000 : 90_000,
    );
  }
});

// The README's BMC examples are too slow for npm test (above), but the depth
// they give can be checked cheaply against the explicit engine, the
// independent truth: a counterexample longer than --depth (P3 needs 9 steps
// where an example said --depth 8) makes the example exit 3, not 0.
describe('README BMC examples: --depth covers every counterexample the explicit engine finds', () => {
  const bmc = commands.filter((c) => / --engine bmc\b/.test(c.text) && !/<[^>]+>/.test(c.text));
  it('there are BMC examples to check', () => expect(bmc.length).toBeGreaterThan(0));
  for (const c of bmc) {
    it(`README.md:${c.line}: ${c.text}`, async () => {
      const args = c.text.replace(/^npm run check\b/, '').trim().split(/\s+/).filter((a) => a && a !== '--');
      const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
      const depth = Number(opt('--depth') ?? DEFAULT_DEPTH);
      const found = await findSpec(args[0]!, join(ROOT, 'specs'), ROOT);
      const variants = opt('--variant') ? [opt('--variant')!] : found.spec.variants;
      for (const v of variants) {
        // A bounded run: the examples' specs are small; a big one is not this test's business.
        const ex = await explore(found.spec.build(v), { maxStates: 50_000 });
        if (ex.status !== 'complete') continue;
        for (const p of ex.properties)
          if (p.trace && p.trace.kind !== 'witness')
            expect(p.trace.steps.length, `${found.spec.name}/${v}/${p.property}: its shortest counterexample vs --depth ${depth}`).toBeLessThanOrEqual(depth);
      }
    });
  }
});

describe('a README command documented to exit otherwise', () => {
  it('says so with `# exits N` at the end of its line; it must then exit N', () => {
    const md = '```\nnpm run check a -- --engine induction \\\n    --k 2   # exits 3\nnpm run check b   # every spec, exit 1 on a surprise\n```\n';
    expect(readmeCommands(md)).toEqual([
      { line: 2, text: 'npm run check a -- --engine induction  --k 2', exit: 3 },
      { line: 4, text: 'npm run check b', exit: 0 },
    ]);
    // The README's examples that leave some verdicts unknown: BMC short of
    // the longest run (fork-pin-cow-all v5.19: 34 steps; B4: 21), and
    // induction's counterexamples to induction.
    expect(commands.filter((c) => c.exit === 3).map((c) => c.text.split(' ')[3])).toEqual([
      'fork-pin-cow-all', 'b4-gup-fast-fork', 'b2-rdma-fork', 'b4-gup-fast-fork',
    ]);
  });
});
