// The state schema vocabulary. A schema value describes the shape and the
// finite range of a state (or of an action parameter); the TypeScript type of
// the state is inferred from it, the packed layout (src/state) and the Z3
// sorts (src/symbolic) are derived from it.

import { UserError } from './errors.ts';
import { leavesOf, matchType } from './schema-fold.ts';

/** A finite set of named individuals (pages, processes, VAs). */
export interface Domain {
  readonly kind: 'domain';
  readonly name: string;
  readonly size: number;
  /** Element names for output; element i is written names[i]. */
  readonly names: readonly string[];
  /** Elements are interchangeable (declared for symmetry reduction). */
  readonly symmetric: boolean;
}

export interface BoolType { readonly kind: 'bool'; readonly __t?: boolean }
export interface IntType { readonly kind: 'int'; readonly min: number; readonly max: number; readonly __t?: number }
export interface EnumType<E extends string = string> {
  readonly kind: 'enum';
  readonly values: readonly E[];
  readonly __t?: E;
}
export interface RefType { readonly kind: 'ref'; readonly domain: Domain; readonly __t?: number }
export interface OptionalType<T extends Type = Type> {
  readonly kind: 'optional';
  readonly inner: T;
  readonly __t?: Infer<T> | null;
}
export interface ArrayType<T extends Type = Type> {
  readonly kind: 'array';
  readonly elem: T;
  readonly length: number;
  /** When the array is indexed by a domain (one element per page, ...). */
  readonly index?: Domain;
  readonly __t?: Infer<T>[];
}
/** A subset of a finite domain, packed as a bit set (one bit per element). */
export interface SetType { readonly kind: 'set'; readonly domain: Domain; readonly __t?: DomainSet }
export type Fields = { readonly [name: string]: Type };
export interface RecordType<F extends Fields = Fields> {
  readonly kind: 'record';
  readonly fields: F;
  readonly __t?: { -readonly [K in keyof F]: Infer<F[K]> };
}

export type Type =
  | BoolType
  | IntType
  | EnumType
  | RefType
  | SetType
  | OptionalType<any>
  | ArrayType<any>
  | RecordType<any>;

/** The TypeScript type of the values a schema describes. */
export type Infer<T> = T extends Domain ? number : T extends { readonly __t?: infer V } ? V : never;

/** Deeply read-only view, used for the current state handed to actions. */
export type DeepReadonly<T> = T extends DomainSet
  ? ReadonlyDomainSet
  : T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(msg: string): never {
  throw new SchemaError(msg);
}

export class SchemaError extends UserError {
  override name = 'SchemaError';
}

function checkInt(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) fail(`${what} must be an integer, got ${String(n)}`);
}

/**
 * domain('Page', 3) has elements Page0..Page2; domain('Proc', ['parent',
 * 'child']) has elements named parent and child. Elements are the numbers
 * 0..size-1 in the state.
 */
export function domain(
  name: string,
  sizeOrNames: number | readonly string[],
  opts: { symmetric?: boolean } = {},
): Domain {
  if (!NAME.test(name)) fail(`domain name '${name}' must be an identifier`);
  const names =
    typeof sizeOrNames === 'number'
      ? Array.from({ length: sizeOrNames }, (_, i) => `${name}${i}`)
      : [...sizeOrNames];
  if (typeof sizeOrNames === 'number') checkInt(sizeOrNames, `size of domain ${name}`);
  if (names.length < 1) fail(`domain ${name} must have at least one element`);
  if (new Set(names).size !== names.length) fail(`domain ${name} has duplicate element names`);
  return Object.freeze({ kind: 'domain', name, size: names.length, names, symmetric: !!opts.symmetric });
}

export const bool = (): BoolType => ({ kind: 'bool' });

export function int(min: number, max: number): IntType {
  checkInt(min, 'int min');
  checkInt(max, 'int max');
  if (max < min) fail(`int(${min}, ${max}): max is below min`);
  if (max - min >= 2 ** 31) fail(`int(${min}, ${max}): range wider than 2^31`);
  return { kind: 'int', min, max };
}

export function enumOf<const E extends string>(...values: E[]): EnumType<E> {
  if (values.length < 1) fail('enumOf() needs at least one value');
  if (new Set(values).size !== values.length) fail(`enumOf(${values.join(', ')}) has duplicates`);
  return { kind: 'enum', values };
}

export const ref = (d: Domain): RefType => ({ kind: 'ref', domain: d });

/**
 * set(Proc): a subset of the domain, packed as a bit set. In the state it is
 * a DomainSet: has/add/delete/size/clear and iteration in element order.
 * Domains of up to 30 elements.
 */
export function set(d: Domain): SetType {
  if (d.kind !== 'domain') fail('set() takes a domain');
  if (d.size > MAX_SET_DOMAIN) fail(`set(${d.name}): at most ${MAX_SET_DOMAIN} elements, ${d.name} has ${d.size}`);
  return { kind: 'set', domain: d };
}

/** Largest domain a set can range over: its bits must fit one packed word. */
export const MAX_SET_DOMAIN = 30;

/** The read-only view of a set, as the current state `s` shows it. */
export interface ReadonlyDomainSet extends Iterable<number> {
  readonly domain: Domain;
  readonly size: number;
  has(x: number): boolean;
  /** The elements in order. */
  toArray(): number[];
  equals(o: ReadonlyDomainSet): boolean;
}

/**
 * A subset of a domain as one integer of bits (element i is bit i). The
 * explorer decodes states into reusable DomainSet objects, so specs should
 * mutate the set of the next state (`n.holders.add(p)`) or assign a new one
 * (`n.holders = DomainSet.of(Proc, [p])`).
 */
export class DomainSet implements ReadonlyDomainSet {
  /** Bit i set <=> element i is in the set. */
  bits: number;
  private readonly frozen: boolean;
  constructor(
    readonly domain: Domain,
    bits = 0,
    frozen = false,
  ) {
    this.bits = bits;
    this.frozen = frozen;
  }
  static of(d: Domain, elems: Iterable<number> = []): DomainSet {
    const out = new DomainSet(d);
    for (const x of elems) out.add(x);
    return out;
  }
  private check(x: number): number {
    if (!Number.isInteger(x) || x < 0 || x >= this.domain.size)
      throw new RangeError(`${String(x)} is not an element of ${this.domain.name} (0..${this.domain.size - 1})`);
    return x;
  }
  private writable(): void {
    if (this.frozen) throw new TypeError(`this set of ${this.domain.name} is read-only (a parameter value); copy it first`);
  }
  has(x: number): boolean {
    return x >= 0 && x < this.domain.size && ((this.bits >>> x) & 1) === 1;
  }
  add(x: number): this {
    this.writable();
    this.bits = (this.bits | (1 << this.check(x))) >>> 0;
    return this;
  }
  delete(x: number): boolean {
    this.writable();
    const had = this.has(this.check(x));
    this.bits = (this.bits & ~(1 << x)) >>> 0;
    return had;
  }
  clear(): void {
    this.writable();
    this.bits = 0;
  }
  get size(): number {
    let b = this.bits;
    let n = 0;
    while (b) {
      b &= b - 1;
      n++;
    }
    return n;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.domain.size; i++) if ((this.bits >>> i) & 1) yield i;
  }
  toArray(): number[] {
    return [...this];
  }
  equals(o: ReadonlyDomainSet): boolean {
    return o instanceof DomainSet && o.domain === this.domain && o.bits === this.bits;
  }
  /** A writable copy. */
  copy(): DomainSet {
    return new DomainSet(this.domain, this.bits);
  }
  toString(): string {
    return `{${this.toArray()
      .map((i) => this.domain.names[i])
      .join(', ')}}`;
  }
}

export const optional = <T extends Type>(inner: T): OptionalType<T> => ({ kind: 'optional', inner });

/** array(elem, 3) has 3 elements; array(elem, Page) has one per page. */
export function array<T extends Type>(elem: T, length: number | Domain): ArrayType<T> {
  if (typeof length === 'number') {
    checkInt(length, 'array length');
    if (length < 1) fail('array length must be at least 1');
    return { kind: 'array', elem, length };
  }
  return { kind: 'array', elem, length: length.size, index: length };
}

export function record<const F extends Fields>(fields: F): RecordType<F> {
  for (const k of Object.keys(fields)) if (!NAME.test(k)) fail(`field name '${k}' must be an identifier`);
  return { kind: 'record', fields };
}

/**
 * The state of a thread: its program counter (the step labels plus 'done')
 * and its locals. thread(['walk', 'wp'], { va: int(0, 1) }).
 */
export function thread<const L extends string>(labels: readonly L[]): RecordType<{ pc: EnumType<L | 'done'> }>;
export function thread<const L extends string, const F extends Fields>(
  labels: readonly L[],
  locals: F,
): RecordType<{ pc: EnumType<L | 'done'> } & F>;
export function thread<const L extends string, const F extends Fields>(
  labels: readonly L[],
  locals: F,
  opts: { readonly forever: true },
): RecordType<{ pc: EnumType<L> } & F>;
export function thread(labels: readonly string[], locals: Fields = {}, opts: { readonly forever?: boolean } = {}): RecordType {
  if (labels.includes('done')) fail(`thread labels must not include 'done' (it is added)`);
  if ('pc' in locals) fail(`'pc' is the thread's program counter, not a local`);
  // A thread that never finishes has no 'done' value, so no state (and no
  // induction counterexample) can have it there.
  return record({ pc: opts.forever ? enumOf(...labels) : enumOf(...labels, 'done'), ...locals });
}

/** Every value of a finite type, in encoding order. */
export function valuesOf(t: Type | Domain): unknown[] {
  if (t.kind === 'domain') return Array.from({ length: t.size }, (_, i) => i);
  const composite = (u: Type): never => fail(`cannot enumerate the values of a ${u.kind}`);
  return matchType<unknown[]>(t, {
    bool: () => [false, true],
    int: (u) => Array.from({ length: u.max - u.min + 1 }, (_, i) => u.min + i),
    enum: (u) => [...u.values],
    ref: (u) => Array.from({ length: u.domain.size }, (_, i) => i),
    optional: (u) => [null, ...valuesOf(u.inner)],
    // Every subset, as read-only sets (action parameters must not change).
    set: (u) => Array.from({ length: 2 ** u.domain.size }, (_, bits) => new DomainSet(u.domain, bits, true)),
    array: composite,
    record: composite,
  });
}

/** The schema's values for describing types in messages. */
export function describeType(t: Type | Domain): string {
  if (t.kind === 'domain') return `${t.name}{${t.names.join(',')}}`;
  return matchType<string>(t, {
    bool: () => 'bool',
    int: (u) => `int(${u.min}..${u.max})`,
    enum: (u) => `enum(${u.values.join('|')})`,
    ref: (u) => `ref(${u.domain.name})`,
    optional: (u) => `optional(${describeType(u.inner)})`,
    set: (u) => `set(${u.domain.name})`,
    array: (u) => `array(${describeType(u.elem)}, ${u.index ? u.index.name : u.length})`,
    record: (u) => `record{${Object.keys(u.fields).join(',')}}`,
  });
}

/**
 * Every value of a type, records and arrays included (the product of their
 * scalars' values), as fresh objects, lazily: initWhere() filters these.
 * The last scalar varies fastest.
 */
export function* allValues(t: Type): Generator<unknown> {
  const leaves = leavesOf(t).map((l) => ({ path: l.path, values: valuesOf(l.type) }));
  const digits = leaves.map(() => 0);
  for (;;) {
    yield buildValue(t, leaves.map((l, i) => l.values[digits[i]!]));
    let k = leaves.length - 1;
    while (k >= 0 && digits[k] === leaves[k]!.values.length - 1) digits[k--] = 0;
    if (k < 0) return;
    digits[k]!++;
  }
}

/** A fresh value of a type from its leaves' values in schema order (sets copied). */
function buildValue(t: Type, leafValues: readonly unknown[]): unknown {
  let at = 0;
  const leaf = (): unknown => {
    const v = leafValues[at++];
    return v instanceof DomainSet ? v.copy() : v;
  };
  const build = (u: Type): unknown =>
    matchType<unknown>(u, {
      bool: leaf,
      int: leaf,
      enum: leaf,
      ref: leaf,
      set: leaf,
      optional: leaf,
      array: (a) => Array.from({ length: a.length }, () => build(a.elem)),
      record: (r) => {
        const o: Record<string, unknown> = {};
        for (const [k, f] of Object.entries(r.fields)) o[k] = build(f);
        return o;
      },
    });
  return build(t);
}
