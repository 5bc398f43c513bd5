// Shared by the symbolic engine's tests: writing small spec modules to a
// temporary directory, and comparing BMC and induction with the explicit
// engine, which is the independent truth. The rule every comparison applies:
// a symbolic verdict is either the explicit engine's verdict or 'unknown';
// where the explicit engine reports a spec error, the symbolic engines report
// a spec error or 'unknown', never a verdict that would pass CI.

import { expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltModel, Spec } from '../src/spec/spec.ts';
import type { RunResult } from '../src/spec/results.ts';
import { SpecError } from '../src/spec/errors.ts';
import { explore } from '../src/explicit/explore.ts';
import { checkSymbolic, type SymbolicOptions } from '../src/symbolic/index.ts';

const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let root: string | undefined;

/** Writes a spec module (and helper modules) and imports its default export. */
export async function fixture(files: Record<string, string>): Promise<Spec<any>> {
  root ??= mkdtempSync(join(tmpdir(), 'mmcheck-symbolic-fixtures-'));
  const dir = mkdtempSync(join(root, 'f-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text.replaceAll('__API__', API));
  return ((await import(join(dir, 'spec.ts'))) as { default: Spec<any> }).default;
}

export function removeFixtures(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

/**
 * A one-variant spec from its parts: `schema` is the record's fields,
 * `body` adds actions and properties to `m`.
 */
export function oneSpec(name: string, schema: string, init: string, body: string, opts = ''): string {
  // Expectations are not what these tests compare (the explicit engine is): every property 'holds'.
  const names = [...body.matchAll(/m\.(?:always|transition)\('([^']+)'/g)].map((x) => x[1]!);
  const expect = `{ '*': { ${names.map((n) => `'${n}': 'holds'`).join(', ')} } }`;
  return `
import { array, bool, enumOf, int, model, optional, record, ref, domain, spec } from '__API__';
export default spec({
  name: '${name}',
  variants: { v: {} },
  expect: ${expect},
  ${opts}
  model: () => {
    const m = model(record({ ${schema} }));
    m.init(${init});
    ${body}
    return m;
  },
});
`;
}

export type Outcome = { error: string } | { verdicts: Record<string, string>; result: RunResult };

export async function outcome(p: Promise<RunResult>): Promise<Outcome> {
  try {
    const result = await p;
    return { verdicts: Object.fromEntries(result.properties.map((q) => [q.property, q.verdict])), result };
  } catch (e) {
    if (e instanceof SpecError) return { error: e.message };
    throw e;
  }
}

/** The explicit engine's outcome: verdicts, or the spec error it reports. */
export function bfs(built: BuiltModel, deadlock?: boolean): Promise<Outcome> {
  return outcome(explore(built, { deadlock }));
}

export function symbolic(built: BuiltModel, opts: SymbolicOptions): Promise<Outcome> {
  return outcome(checkSymbolic(built, opts));
}

/**
 * A symbolic outcome agrees with the explicit one: each verdict equal or
 * 'unknown'; a spec error answered by a spec error or only unknowns.
 * Returns how many verdicts were decided (not unknown), so callers can
 * insist that something was actually compared.
 */
export function expectAgrees(truth: Outcome, got: Outcome, what: string): number {
  if ('error' in truth) {
    if ('error' in got) return 1;
    for (const [p, v] of Object.entries(got.verdicts)) expect(v, `${what}: ${p} (explicit: ${truth.error})`).toBe('unknown');
    return 0;
  }
  if ('error' in got) throw new Error(`${what}: symbolic spec error where the explicit engine has verdicts: ${got.error}`);
  let decided = 0;
  for (const [p, v] of Object.entries(truth.verdicts)) {
    const s = got.verdicts[p];
    expect(s, `${what}: ${p} missing`).toBeDefined();
    if (s === 'unknown') continue;
    expect(s, `${what}: ${p}`).toBe(v);
    decided++;
  }
  return decided;
}
