// The schema fold (src/spec/schema-fold.ts): what it computes, checked
// against closed forms and independent enumerations, and that a case table
// missing a kind does not compile, so that a new schema kind makes the
// compiler list every walk to update.

import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { array, bool, domain, enumOf, int, optional, record, ref, set, type Type } from '../src/index.ts';
import { allValues, describeType } from '../src/spec/schema.ts';
import { anyType, childTypes, foldType, indexedName, leavesOf, matchType, typesIn, type TypeCases } from '../src/spec/schema-fold.ts';
import { layoutOf } from '../src/state/layout.ts';

const Proc = domain('Proc', ['parent', 'child']);
const Page = domain('Page', 3);
const schema = record({
  c: array(int(0, 9), 3),
  e: enumOf('none', 'ro', 'rw'),
  b: bool(),
  owner: optional(ref(Proc)),
  holders: set(Page),
  per: array(record({ x: int(-3, 4), y: optional(int(100, 102)) }), Proc),
});

/** The kind names, by a case table (itself exhaustive by type). */
const kindName: TypeCases<string> = {
  bool: (t) => t.kind,
  int: (t) => t.kind,
  enum: (t) => t.kind,
  ref: (t) => t.kind,
  set: (t) => t.kind,
  optional: (t) => t.kind,
  array: (t) => t.kind,
  record: (t) => t.kind,
};

/** Number of values of a type: a product over records and arrays (closed form). */
const countValues = (t: Type): number =>
  foldType<number>(t, {
    bool: () => 2,
    int: (u) => u.max - u.min + 1,
    enum: (u) => u.values.length,
    ref: (u) => u.domain.size,
    set: (u) => 2 ** u.domain.size,
    optional: (_, p) => p.inner + 1,
    array: (u, p) => p.elem ** u.length,
    record: (_, p) => p.fields.reduce((n, [, v]) => n * v, 1),
  });

describe('schema fold', () => {
  it('matchType calls the case of the type kind, with the type', () => {
    for (const t of typesIn(schema)) expect(matchType(t, kindName)).toBe(t.kind);
  });

  it('foldType counts the values of a schema as the enumeration does', () => {
    // 10^3 * 3 * 2 * 3 * 8 * (8 * 4)^2 = 147,456,000: the closed form.
    expect(countValues(schema)).toBe(10 ** 3 * 3 * 2 * 3 * 8 * (8 * 4) ** 2);
    const small = record({ a: array(optional(bool()), 2), s: set(Proc), k: enumOf('x', 'y') });
    let n = 0;
    for (const _ of allValues(small)) n++;
    expect(n).toBe(countValues(small));
    expect(n).toBe(3 * 3 * 4 * 2);
  });

  it('foldType hands a record case its fields in schema order', () => {
    const names = foldType<string>(schema, {
      bool: describeType,
      int: describeType,
      enum: describeType,
      ref: describeType,
      set: describeType,
      optional: (_, p) => `?${p.inner}`,
      array: (u, p) => `${p.elem}[${u.length}]`,
      record: (_, p) => `{${p.fields.map(([k, v]) => `${k}:${v}`).join(' ')}}`,
    });
    expect(names).toBe(
      '{c:int(0..9)[3] e:enum(none|ro|rw) b:bool owner:?ref(Proc) holders:set(Page) per:{x:int(-3..4) y:?int(100..102)}[2]}',
    );
  });

  it('leavesOf gives the layout its leaves: paths, element names, schema order', () => {
    const leaves = leavesOf(schema);
    expect(leaves.map((l) => l.name)).toEqual([
      'c[0]', 'c[1]', 'c[2]', 'e', 'b', 'owner', 'holders', 'per[parent].x', 'per[parent].y', 'per[child].x', 'per[child].y',
    ]);
    expect(leaves[8]!.path).toEqual(['per', 0, 'y']);
    expect(leaves[8]!.indexedBy).toEqual([undefined, Proc, undefined]);
    expect(leaves[1]!.indexedBy).toEqual([undefined, undefined]);
    expect(indexedName(leaves[8]!.path)).toBe('per[0].y');
    expect(layoutOf(schema).leaves.map((l) => [l.name, l.path, l.type])).toEqual(leaves.map((l) => [l.name, l.path, l.type]));
  });

  it('childTypes, anyType and typesIn see every nested type', () => {
    expect(childTypes(schema)).toHaveLength(6);
    expect(childTypes(int(0, 1))).toEqual([]);
    expect(anyType(schema, (t) => t.kind === 'set')).toBe(true);
    expect(anyType(record({ a: array(optional(bool()), 2) }), (t) => t.kind === 'int')).toBe(false);
    expect(anyType(record({ a: array(optional(int(0, 1)), 2) }), (t) => t.kind === 'int')).toBe(true);
    expect([...typesIn(schema)].map((t) => t.kind)).toEqual([
      'record', 'array', 'int', 'enum', 'bool', 'optional', 'ref', 'set', 'array', 'record', 'int', 'optional', 'int',
    ]);
  });

  it('a case table without a case for each kind is a type error', () => {
    // Checked by `tsc --noEmit` (test/ is in tsconfig.json): if the table
    // type stopped requiring every kind, this directive would be unused.
    // @ts-expect-error: the 'set' case is missing
    const partial: TypeCases<number> = { bool: () => 0, int: () => 0, enum: () => 0, ref: () => 0, optional: () => 0, array: () => 0, record: () => 0 };
    expect(Object.keys(partial)).not.toContain('set');
  });
});

describe('a new schema kind', () => {
  // The promise of the fold: add a member to the Type union and every case
  // table is a compile error. Checked by compiling the walks against an
  // in-memory schema.ts with one more kind. Packages (ts-morph, Z3, Node's
  // typings) are stubbed as `any` to keep the check fast: only the errors
  // about the new kind are counted. npm test compiles the schema's own walks
  // (schema.ts, schema-fold.ts, layout.ts and what they import); CI's
  // MMCHECK_PROOFS=1 step (.ci/run) every walk (4 CPU seconds).
  const EVERY_WALK = process.env.MMCHECK_PROOFS === '1';
  it(`makes the compiler name each walk that lacks it${EVERY_WALK ? '' : ' (the schema\'s walks) [every walk: set MMCHECK_PROOFS=1]'}`, () => {
    const root = resolve(import.meta.dirname, '..');
    const schemaPath = resolve(root, 'src/spec/schema.ts');
    const stub = resolve(root, '__any_module__.d.ts');
    const files = [
      'src/spec/schema.ts',
      'src/spec/schema-fold.ts',
      'src/state/layout.ts',
      'src/symbolic/encode.ts',
      'src/symbolic/ranges.ts',
      'src/symbolic/system.ts',
      'src/report/itf.ts',
      'src/symbolic/candidates.ts',
      'src/state/symmetry.ts',
      'src/symbolic/infer-linear.ts',
    ];
    const config = ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile).config;
    const options = ts.parseJsonConfigFileContent(config, ts.sys, root).options;
    options.types = [];
    options.lib = ['lib.es2022.d.ts'];
    options.paths = Object.fromEntries(['ts-morph', 'z3-solver', 'magic-string', 'node:*', 'commander', 'picocolors', 'log-update'].map((m) => [m, [stub]]));
    const host = ts.createCompilerHost(options);
    const read = host.getSourceFile.bind(host);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => resolve(name) === stub || exists(name);
    const union = '  | RecordType<any>;';
    host.getSourceFile = (name, lang, ...rest) => {
      if (resolve(name) === stub) return ts.createSourceFile(name, 'declare const anything: any;\nexport = anything;\n', lang);
      if (resolve(name) !== schemaPath) return read(name, lang, ...rest);
      const text = ts.sys.readFile(name)!;
      expect(text).toContain(union);
      return ts.createSourceFile(name, text.replace(union, "  | RecordType<any>\n  | { readonly kind: 'bag'; readonly elem: Type };"), lang);
    };
    const roots = EVERY_WALK ? files : files.slice(0, 3);
    const program = ts.createProgram(roots.map((f) => resolve(root, f)), options, host);
    const compiled = new Set(program.getSourceFiles().map((f) => f.fileName.slice(root.length + 1)));
    // Every file asked for is compiled (the rest, if any, are what they import).
    for (const f of roots) expect(compiled, f).toContain(f);
    const perFile: Record<string, number> = {};
    for (const d of ts.getPreEmitDiagnostics(program)) {
      if (!/'bag'|"bag"/.test(ts.flattenDiagnosticMessageText(d.messageText, '\n'))) continue;
      const file = d.file!.fileName.slice(root.length + 1);
      perFile[file] = (perFile[file] ?? 0) + 1;
    }
    // One error per walk: schema.ts valuesOf, describeType, buildValue;
    // schema-fold.ts matchType's never check and the tables of foldType,
    // childTypes, leavesOf; layout.ts valueCount; encode.ts collect, tree,
    // range, leafRange, defaults, terms, decode, supportedKinds; ranges.ts
    // outOfRange; system.ts bitWidth; itf.ts encodeValue, decodeValue;
    // candidates.ts leafValues; symmetry.ts usedDomains, renameValue;
    // infer-linear.ts's walk of the integer leaves.
    const expected: Record<string, number> = {
      'src/spec/schema.ts': 3,
      'src/spec/schema-fold.ts': 4,
      'src/state/layout.ts': 1,
      'src/symbolic/encode.ts': 8,
      'src/symbolic/ranges.ts': 1,
      'src/symbolic/system.ts': 1,
      'src/report/itf.ts': 2,
      'src/symbolic/candidates.ts': 1,
      'src/state/symmetry.ts': 2,
      'src/symbolic/infer-linear.ts': 1,
    };
    expect(perFile).toEqual(Object.fromEntries(Object.entries(expected).filter(([f]) => compiled.has(f))));
    if (EVERY_WALK) expect(Object.keys(perFile).sort()).toEqual(files.slice().sort());
  }, 60_000);
});
