// The symbolic front end's seams: the library table and the subset's words
// come from one source (the doc's list is the table's), and symbolic engines
// are found through the engine registry, and the instrumented spec modules
// are loaded from memory.

import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SpecError } from '../src/spec/errors.ts';
import { loadInstrumented, registered } from '../src/symbolic/instrument.ts';
import { ENGINES } from '../src/engines/registry.ts';
import { ARRAY_METHODS, FILTERED_METHODS, LIBRARY_FUNCTIONS } from '../src/symbolic/library.ts';
import { isSymbolicEngine } from '../src/symbolic/method.ts';
import { LIBRARY_CALL_HINT, LIBRARY_DOC_BEGIN, LIBRARY_DOC_END, libraryDoc } from '../src/symbolic/subset.ts';

const DOC = new URL('../docs/symbolic.md', import.meta.url);

describe('the modelling subset from one source', () => {
  it("docs/symbolic.md lists the library table's entries, as generated", () => {
    const text = readFileSync(DOC, 'utf8');
    const a = text.indexOf(LIBRARY_DOC_BEGIN);
    const b = text.indexOf(LIBRARY_DOC_END);
    expect(a, 'the generated block is missing from docs/symbolic.md').toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThan(a);
    const inDoc = text.slice(a, b + LIBRARY_DOC_END.length);
    // MMCHECK_UPDATE_DOCS=1 rewrites the block after a change to the table.
    if (process.env.MMCHECK_UPDATE_DOCS === '1' && inDoc !== libraryDoc()) writeFileSync(DOC, text.replace(inDoc, libraryDoc()));
    else expect(inDoc, 'regenerate with MMCHECK_UPDATE_DOCS=1 npx vitest run test/front-end.test.ts').toBe(libraryDoc());
    for (const e of [...LIBRARY_FUNCTIONS, ...ARRAY_METHODS, ...FILTERED_METHODS]) expect(inDoc).toContain(`\`${e.name}\``);
    for (const line of inDoc.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('each entry names the JavaScript function it models', () => {
    for (const e of LIBRARY_FUNCTIONS) {
      const fn = e.name.split('.').reduce<any>((o, k) => o[k], globalThis);
      expect(fn, e.name).toBe(e.fn);
    }
    for (const e of ARRAY_METHODS) {
      expect(typeof (Array.prototype as any)[e.method], e.name).toBe('function');
      expect(e.name.startsWith(`a.${e.method}(`), e.name).toBe(true);
    }
    for (const e of FILTERED_METHODS) expect(e.name.startsWith(`a.filter(f).${e.method}(`), e.name).toBe(true);
    const names = [...LIBRARY_FUNCTIONS, ...ARRAY_METHODS, ...FILTERED_METHODS].map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("the hint for a library call with state-dependent arguments lists the table's methods", () => {
    for (const e of ARRAY_METHODS) expect(LIBRARY_CALL_HINT).toContain(e.method);
    expect(LIBRARY_CALL_HINT).toContain('Math.min');
  });
});

describe('symbolic engines through the registry', () => {
  it('bmc and induction are symbolic engines of the registry, with their methods', () => {
    const symbolic = ENGINES.filter(isSymbolicEngine);
    expect(symbolic.map((e) => [e.name, e.symbolic.method])).toEqual([
      ['bmc', 'bounded model checking'],
      ['induction', 'k-induction'],
    ]);
    expect(ENGINES.find((e) => e.name === 'explicit')).toBeDefined();
    expect(isSymbolicEngine(ENGINES.find((e) => e.name === 'explicit')!)).toBe(false);
  });
});

describe('instrumented modules are loaded from memory', () => {
  const API = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'mmcheck-front-end-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text.replaceAll('__API__', API));
  write(
    'spec.ts',
    `import { int, model, record, spec } from '__API__';
import { LIMIT, bump, viaCycle } from './helpers.ts';
export const where: string = import.meta.url;
export const guardFn = (s: { x: number }): boolean => s.x < LIMIT;
export const cycle = viaCycle;
export default spec({
  name: 'front-end-load',
  variants: { v: {} },
  model: () => {
    const m = model(record({ x: int(0, 3) }));
    m.init({ x: 0 });
    m.action('inc', { guard: guardFn, apply: (s, n) => { n.x = bump(s.x); } });
    return m;
  },
  expect: { '*': { deadlockFree: 'violated' } },
});
`,
  );
  const helpers = (limit: number) => `import { other } from './cycle.ts';
interface Unused { a: number }
export const LIMIT: number = ${limit};
export function bump(x: number): number { return x + 1; }
export const viaCycle = (): number => other();
`;
  write('helpers.ts', helpers(3));
  // An import cycle: cycle.ts reads helpers.ts's LIMIT when called, as ESM would let it.
  write('cycle.ts', `import { LIMIT } from './helpers.ts';\nexport const other = (): number => LIMIT * 10;\n`);

  it('registers every function with its free variables, and writes no file', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mmcheck-front-end-tmp-'));
    const saved = process.env.TMPDIR;
    // Where a temporary copy would go (os.tmpdir() reads TMPDIR at each call).
    process.env.TMPDIR = scratch;
    try {
      const mod = await loadInstrumented(join(dir, 'spec.ts'));
      expect(mod.where).toBe(pathToFileURL(join(dir, 'spec.ts')).href);
      const reg = registered(mod.guardFn)!;
      expect(reg).toBeDefined();
      expect(reg.node.getText(reg.unit.sf)).toBe('(s: { x: number }): boolean => s.x < LIMIT');
      expect(reg.captured.LIMIT!()).toBe(3);
      expect((mod.cycle as () => number)()).toBe(30);
      expect(typeof (mod.default as { build?: unknown }).build).toBe('function');
      // The same module objects while the sources are unchanged.
      expect(await loadInstrumented(join(dir, 'spec.ts'))).toBe(mod);
      expect(readdirSync(scratch)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('loads every module afresh when a source changes', async () => {
    const before = await loadInstrumented(join(dir, 'spec.ts'));
    write('helpers.ts', helpers(2));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'helpers.ts'), later, later);
    const after = await loadInstrumented(join(dir, 'spec.ts'));
    expect(after).not.toBe(before);
    expect(registered(after.guardFn)!.captured.LIMIT!()).toBe(2);
    expect((after.cycle as () => number)()).toBe(20);
  });

  it('a module it cannot load is a spec error naming the file', async () => {
    write('broken.ts', 'export const x = ;\n');
    const err = await loadInstrumented(join(dir, 'broken.ts')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpecError);
    expect((err as Error).message).toMatch(/cannot load .*broken\.ts/);
  });
});
