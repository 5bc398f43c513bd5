// Repository hygiene a new user trips over: npm install warnings and files
// that git would ignore.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const json = (f: string): any => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));

it('every dependency with an install script is reviewed in package.json allowScripts', () => {
  const allow: Record<string, boolean> = json('package.json').allowScripts ?? {};
  const withScripts = Object.entries(json('package-lock.json').packages as Record<string, { hasInstallScript?: boolean }>)
    .filter(([path, p]) => path && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  expect(withScripts.length).toBeGreaterThan(0); // esbuild: else this test checks nothing
  for (const name of withScripts) expect(Object.keys(allow), `${name} is not in allowScripts`).toContain(name);
});

it('.gitignore ignores no tracked file', () => {
  const ignored = execFileSync('git', ['ls-files', '--cached', '--ignored', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  expect(ignored).toBe('');
});
