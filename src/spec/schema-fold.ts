// The one walk over the schema vocabulary. Every piece of code that does
// something per schema kind (packing, Z3 encoding, range checks, ITF,
// descriptions) goes through matchType() or foldType(), whose case tables are
// typed from the `Type` union itself: a kind added to the union (the set of
// the liveness issue, a bag, ...) makes each table that lacks it a compile
// error, so the compiler lists every place to update. The generic walks
// (childTypes, anyType, leavesOf) are written once here with the same check.

import type { ArrayType, BoolType, Domain, EnumType, Fields, IntType, OptionalType, RecordType, RefType, SetType, Type } from './schema.ts';

/** The schema kinds: 'bool' | 'int' | ... */
export type TypeKind = Type['kind'];

/**
 * The schema type of one kind, with its parts typed as schema types (the
 * union's generic members are `any`-parameterised for inference).
 */
export type TypeOfKind<K extends TypeKind> = K extends 'optional'
  ? OptionalType<Type>
  : K extends 'array'
    ? ArrayType<Type>
    : K extends 'record'
      ? RecordType<Fields>
      : Extract<Type, { readonly kind: K }>;

/** One function per schema kind; leaving one out is a compile error. */
export type TypeCases<R> = { readonly [K in TypeKind]: (t: TypeOfKind<K>) => R };

/** Thrown only if a value that is not a schema type reaches a walk (a bug). */
export function unknownSchemaKind(t: never): never {
  throw new Error(`internal: unknown schema kind '${String((t as { kind?: unknown }).kind)}'`);
}

/** Dispatches on a schema type's kind to the case of that kind. */
export function matchType<R>(t: Type, cases: TypeCases<R>): R {
  switch (t.kind) {
    case 'bool':
      return cases.bool(t as BoolType);
    case 'int':
      return cases.int(t as IntType);
    case 'enum':
      return cases.enum(t as EnumType);
    case 'ref':
      return cases.ref(t as RefType);
    case 'set':
      return cases.set(t as SetType);
    case 'optional':
      return cases.optional(t as OptionalType<Type>);
    case 'array':
      return cases.array(t as ArrayType<Type>);
    case 'record':
      return cases.record(t as RecordType<Fields>);
    default:
      return unknownSchemaKind(t);
  }
}

/** What a composite kind's case receives: its parts, already folded. */
interface FoldedParts<R> {
  readonly optional: { readonly inner: R };
  readonly array: { readonly elem: R };
  readonly record: { readonly fields: readonly (readonly [name: string, value: R])[] };
}

/**
 * A bottom-up fold: the case of a composite kind gets the results of its
 * parts (an array's element type is folded once, not once per element).
 */
export type FoldCases<R> = {
  readonly [K in TypeKind]: K extends keyof FoldedParts<R>
    ? (t: TypeOfKind<K>, parts: FoldedParts<R>[K]) => R
    : (t: TypeOfKind<K>) => R;
};

export function foldType<R>(t: Type, cases: FoldCases<R>): R {
  const go = (u: Type): R =>
    matchType<R>(u, {
      bool: cases.bool,
      int: cases.int,
      enum: cases.enum,
      ref: cases.ref,
      set: cases.set,
      optional: (o) => cases.optional(o, { inner: go(o.inner) }),
      array: (a) => cases.array(a, { elem: go(a.elem) }),
      record: (r) => cases.record(r, { fields: Object.entries(r.fields).map(([k, f]) => [k, go(f)] as const) }),
    });
  return go(t);
}

/** The schema types directly inside a type (none for scalars and sets). */
export function childTypes(t: Type): readonly Type[] {
  return matchType<readonly Type[]>(t, {
    bool: () => [],
    int: () => [],
    enum: () => [],
    ref: () => [],
    set: () => [],
    optional: (o) => [o.inner],
    array: (a) => [a.elem],
    record: (r) => Object.values(r.fields),
  });
}

/** Whether the type or any type nested in it satisfies the predicate. */
export function anyType(t: Type, pred: (u: Type) => boolean): boolean {
  return pred(t) || childTypes(t).some((c) => anyType(c, pred));
}

/** The type and every type nested in it, outside in. */
export function* typesIn(t: Type): Generator<Type> {
  yield t;
  for (const c of childTypes(t)) yield* typesIn(c);
}

/** A position inside a state: field names and array indexes from the root. */
export type TypePath = readonly (string | number)[];

/**
 * A leaf of a schema: a type that is not a record or an array (scalars,
 * optionals and sets are each one leaf), where it sits, and its printable
 * name (`pte[parent].page`: domain-indexed arrays use element names).
 */
export interface SchemaLeaf {
  readonly type: Exclude<Type, { kind: 'record' | 'array' }>;
  readonly path: TypePath;
  readonly name: string;
  /** Per step of `path`: the domain indexing that array, if any (undefined for a record field). */
  readonly indexedBy: readonly (Domain | undefined)[];
}

/** The leaves of a type in schema order (records by field, arrays by index). */
export function leavesOf(root: Type): SchemaLeaf[] {
  const out: SchemaLeaf[] = [];
  const walk = (t: Type, path: TypePath, name: string, indexedBy: readonly (Domain | undefined)[]): void => {
    const leaf = (u: SchemaLeaf['type']): void => void out.push({ type: u, path, name, indexedBy });
    matchType<void>(t, {
      bool: leaf,
      int: leaf,
      enum: leaf,
      ref: leaf,
      set: leaf,
      optional: leaf,
      array: (a) => {
        for (let i = 0; i < a.length; i++) walk(a.elem, [...path, i], `${name}[${a.index ? a.index.names[i] : i}]`, [...indexedBy, a.index]);
      },
      record: (r) => {
        for (const [k, f] of Object.entries(r.fields)) walk(f, [...path, k], name ? `${name}.${k}` : k, [...indexedBy, undefined]);
      },
    });
  };
  walk(root, [], '', []);
  return out;
}

/** `a.b[2].c`: a path with numeric indexes (for solver names, which must not depend on element names). */
export function indexedName(path: TypePath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}
