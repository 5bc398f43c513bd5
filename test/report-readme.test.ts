// The samples of output in README.md and docs/cli.md are what the tool
// prints. A code block after `<!-- sample: npm run check ARGS -->` must
// equal the output of that command (times normalised to 0.00 s); after
// `<!-- excerpt: npm run check ARGS -->` it must appear in that output;
// after `<!-- sample: FILE -->` it must appear in that committed file (a
// golden trace, itself compared with the tool's output by
// report-golden.test.ts). Also: every engine option is documented.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineOptions } from '../src/engines/registry.ts';

const ROOT = resolve(import.meta.dirname, '..');

interface Sample {
  readonly doc: string;
  readonly kind: 'sample' | 'excerpt';
  readonly source: string;
  readonly block: string;
}

function samples(doc: string): Sample[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  return [...text.matchAll(/<!-- (sample|excerpt): (.+?) -->\n```[a-z]*\n([\s\S]*?)```\n/g)].map((m) => ({
    doc,
    kind: m[1] as Sample['kind'],
    source: m[2]!,
    block: m[3]!,
  }));
}

const normalise = (out: string): string => out.replace(/\d+\.\d\d s\b/g, '0.00 s');

function runCheck(command: string): string {
  const args = command.replace(/^npm run check\s*/, '').split(/\s+/).filter((a) => a && a !== '--');
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'check', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return normalise(r.stdout);
}

const all = [...samples('README.md'), ...samples('docs/cli.md')];

describe('output samples in the docs are what the tool prints', () => {
  it('there are samples to check', () => {
    expect(all.filter((s) => s.doc === 'README.md').length).toBeGreaterThanOrEqual(2);
  });
  for (const s of all) {
    it(`${s.doc}: ${s.kind} of ${s.source}`, () => {
      for (const line of s.block.split('\n')) expect(line.length, line).toBeLessThan(80);
      if (s.source.startsWith('npm run check')) {
        const out = runCheck(s.source);
        if (s.kind === 'sample') expect(out).toBe(s.block);
        else expect(out).toContain(s.block);
      } else expect(readFileSync(join(ROOT, s.source), 'utf8')).toContain(s.block);
    });
  }
});

describe('docs/cli.md documents every engine option', () => {
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  for (const { option, engines } of engineOptions())
    it(option.flag, () => {
      expect(doc).toContain(`\`${option.flag.split(' ')[0]}`);
      for (const e of engines) expect(doc).toContain(`\`${e}\``);
    });
});
