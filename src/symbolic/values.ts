// The values the symbolic interpreter computes with. Concrete JavaScript
// values (numbers, strings, booleans, null, arrays, objects, domains, config)
// stay as they are, so configuration and parameters fold away; values that
// depend on the state are wrapped Z3 terms:
//   SymBool, SymInt        booleans and integers
//   SymStr                 a string (enum value), as the id of an interned string
//   SymOpt                 null or a value (optional fields, returns of `label | void`)
//   Choice                 one of several objects/arrays, e.g. n.pages[s.page] when
//                          s.page is symbolic; reads and writes go to every option
//                          under its condition, so aliasing works as in JavaScript
//   Filtered               the result of arr.filter(...): only .length and friends
// Arrays and records of the state are plain JS arrays/objects of such values.

import type { Z3, ZBool, ZInt } from './z3.ts';

export class SymBool {
  constructor(readonly e: ZBool) {}
}
/**
 * A state-dependent integer and an interval that contains every value it
 * takes in states within the declared ranges. The intervals choose the
 * bit-vector width (no value is ever wrapped) and decide statically whether
 * an index can be out of range.
 */
export class SymInt {
  constructor(
    readonly e: ZInt,
    readonly lo = -Infinity,
    readonly hi = Infinity,
  ) {}
}
export class SymStr {
  constructor(readonly e: ZInt) {}
}
/**
 * null, undefined, or a value. JavaScript tells null from undefined (===,
 * includes, default parameters), so both are carried: isNull is "nullish",
 * isUndef "undefined rather than null" (meaningful where isNull holds).
 */
export class SymOpt {
  constructor(
    readonly isNull: BoolLike,
    /** The value when not nullish (undefined if it is always nullish). */
    readonly val: SVal,
    readonly isUndef: BoolLike = false,
  ) {}
}
export class Choice {
  constructor(readonly opts: readonly { readonly c: BoolLike; readonly v: SVal }[]) {}
}
export class Filtered {
  constructor(readonly items: readonly { readonly c: BoolLike; readonly v: SVal }[]) {}
}

export type BoolLike = boolean | SymBool;
export type SVal = unknown;

export class MergeError extends Error {}

/** A constant or an intermediate value does not fit the bit-vector width: translate again, wider. */
export class WidthError extends Error {
  constructor(readonly bits: number) {
    super(`the symbolic encoding needs ${bits}-bit integers`);
  }
}

/** Bits of a signed bit-vector holding every integer in [lo, hi]. */
export function bitsFor(lo: number, hi: number): number {
  const m = Math.max(Math.abs(lo), Math.abs(hi) + 1);
  return Math.ceil(Math.log2(m + 1)) + 1;
}

export function isSym(v: unknown): boolean {
  return v instanceof SymBool || v instanceof SymInt || v instanceof SymStr || v instanceof SymOpt || v instanceof Choice || v instanceof Filtered;
}

/** Strings as integers: one id per distinct string, shared by all enums. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly strs: string[] = [];
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strs.push(s) - 1;
      this.ids.set(s, i);
    }
    return i;
  }
  str(id: number): string {
    const s = this.strs[id];
    if (s === undefined) throw new Error(`symbolic engine: no string with id ${id}`);
    return s;
  }
}

/** Term construction with constant folding. */
export class Algebra {
  constructor(
    readonly z: Z3,
    readonly strings: StringTable,
    /** Integers as signed bit-vectors of this width (bounded checks: bit-blasted to SAT), or Z3 Ints. */
    readonly bits?: number,
  ) {}

  /** Numerals made so far: the same few small numbers are asked for many thousand times. */
  private readonly numerals = new Map<number, ZInt>();

  num(n: number): ZInt {
    const known = this.numerals.get(n);
    if (known) return known;
    if (!Number.isSafeInteger(n)) throw new MergeError(`the number ${n} is not an integer the symbolic engine can represent exactly`);
    let v: ZInt;
    if (this.bits) {
      this.fits(n, n);
      v = this.z.BitVec.val(BigInt(n), this.bits) as unknown as ZInt;
    } else v = this.z.Int.val(n) as unknown as ZInt;
    this.numerals.set(n, v);
    return v;
  }
  /** Throws WidthError when [lo, hi] does not fit the width (unknown bounds are checked by overflow terms). */
  fits(lo: number, hi: number): void {
    if (!this.bits || !Number.isFinite(lo) || !Number.isFinite(hi)) return;
    const need = bitsFor(lo, hi);
    if (need > this.bits) throw new WidthError(need);
  }
  /** A SymInt with its interval (which must fit the width). */
  symInt(e: ZInt, lo: number, hi: number): SymInt {
    this.fits(lo, hi);
    return new SymInt(e, lo, hi);
  }
  /** The interval of an integer value. */
  range(v: number | SymInt): [number, number] {
    return typeof v === 'number' ? [v, v] : [v.lo, v.hi];
  }
  intConst(name: string): ZInt {
    return (this.bits ? this.z.BitVec.const(name, this.bits) : this.z.Int.const(name)) as unknown as ZInt;
  }
  cmp(op: '<' | '<=' | '>' | '>=', x: ZInt, y: ZInt): ZBool {
    const b = x as any;
    if (this.bits) return op === '<' ? b.slt(y) : op === '<=' ? b.sle(y) : op === '>' ? b.sgt(y) : b.sge(y);
    return op === '<' ? x.lt(y) : op === '<=' ? x.le(y) : op === '>' ? x.gt(y) : x.ge(y);
  }
  /** x op y, and the condition that it does not overflow the bit-vector width. */
  op(op: '+' | '-' | '*', x: ZInt, y: ZInt): { r: ZInt; ok: ZBool | true } {
    const r = op === '+' ? x.add(y) : op === '-' ? x.sub(y) : x.mul(y);
    if (!this.bits) return { r, ok: true };
    const b = x as any;
    const ok =
      op === '+'
        ? this.z.And(b.addNoOverflow(y, true), b.addNoUnderflow(y))
        : op === '-'
          ? this.z.And(b.subNoOverflow(y), b.subNoUnderflow(y, true))
          : this.z.And(b.mulNoOverflow(y, true), b.mulNoUnderflow(y));
    return { r, ok };
  }
  /** Truncating division and remainder (JavaScript's Math.trunc(a / b) and a % b) by a positive constant. */
  truncDivRem(x: ZInt, k: number): { q: ZInt; r: ZInt } {
    const z = this.z;
    const K = this.num(k);
    if (this.bits) return { q: (x as any).sdiv(K), r: (x as any).srem(K) };
    const zero = this.num(0);
    const neg = zero.sub(x);
    return {
      q: z.If(x.ge(0), x.div(K), zero.sub(neg.div(K))) as ZInt,
      r: z.If(x.ge(0), x.mod(K), zero.sub(neg.mod(K))) as ZInt,
    };
  }

  bool(b: BoolLike): ZBool {
    return typeof b === 'boolean' ? this.z.Bool.val(b) : b.e;
  }
  int(v: number | SymInt): ZInt {
    return typeof v === 'number' ? this.num(v) : v.e;
  }
  strId(v: string | SymStr): ZInt {
    return typeof v === 'string' ? this.num(this.strings.id(v)) : v.e;
  }

  iff(a: BoolLike, b: BoolLike): BoolLike {
    if (typeof a === 'boolean' && typeof b === 'boolean') return a === b;
    if (a === true) return b;
    if (b === true) return a;
    if (a === false) return this.not(b);
    if (b === false) return this.not(a);
    return new SymBool(this.bool(a).eq(this.bool(b)));
  }

  not(a: BoolLike): BoolLike {
    return typeof a === 'boolean' ? !a : new SymBool(this.z.Not(a.e));
  }
  and(...xs: BoolLike[]): BoolLike {
    const syms: ZBool[] = [];
    for (const x of xs) {
      if (x === false) return false;
      if (x !== true) syms.push(x.e);
    }
    if (syms.length === 0) return true;
    return new SymBool(syms.length === 1 ? syms[0]! : this.z.And(...syms));
  }
  or(...xs: BoolLike[]): BoolLike {
    const syms: ZBool[] = [];
    for (const x of xs) {
      if (x === true) return true;
      if (x !== false) syms.push(x.e);
    }
    if (syms.length === 0) return false;
    return new SymBool(syms.length === 1 ? syms[0]! : this.z.Or(...syms));
  }

  isNullish(v: SVal): BoolLike {
    if (v === null || v === undefined) return true;
    if (v instanceof SymOpt) return v.isNull;
    return false;
  }

  /** JavaScript truthiness. */
  truthy(v: SVal): BoolLike {
    if (v instanceof SymBool) return v;
    if (v instanceof SymInt) return new SymBool(this.z.Not(v.e.eq(this.num(0))));
    if (v instanceof SymStr) return new SymBool(this.z.Not(v.e.eq(this.num(this.strings.id('')))));
    if (v instanceof SymOpt) return this.and(this.not(v.isNull), v.val === undefined ? false : this.truthy(v.val));
    if (isSym(v)) return true;
    return !!v;
  }

  /** ===; with loose, == restricted to values of one kind (null == undefined). */
  eq(a: SVal, b: SVal, loose = false): BoolLike {
    if (a instanceof SymOpt || b instanceof SymOpt || a === null || a === undefined || b === null || b === undefined) {
      const oa = this.toOpt(a);
      const ob = this.toOpt(b);
      const bothNull = this.and(oa.isNull, ob.isNull, loose ? true : this.iff(oa.isUndef, ob.isUndef));
      if (oa.val === undefined || ob.val === undefined) return bothNull;
      return this.or(bothNull, this.and(this.not(oa.isNull), this.not(ob.isNull), this.eq(oa.val, ob.val, loose)));
    }
    if (!isSym(a) && !isSym(b)) return a === b;
    if (a instanceof SymBool || b instanceof SymBool) {
      if (!(typeof a === 'boolean' || a instanceof SymBool) || !(typeof b === 'boolean' || b instanceof SymBool)) return false;
      return new SymBool(this.bool(a).eq(this.bool(b)));
    }
    if (a instanceof SymInt || b instanceof SymInt) {
      if (!(typeof a === 'number' || a instanceof SymInt) || !(typeof b === 'number' || b instanceof SymInt)) return false;
      if (typeof a === 'number' && !Number.isInteger(a)) return false;
      if (typeof b === 'number' && !Number.isInteger(b)) return false;
      return new SymBool(this.int(a).eq(this.int(b)));
    }
    if (a instanceof SymStr || b instanceof SymStr) {
      if (!(typeof a === 'string' || a instanceof SymStr) || !(typeof b === 'string' || b instanceof SymStr)) return false;
      return new SymBool(this.strId(a).eq(this.strId(b)));
    }
    if (a instanceof Choice || b instanceof Choice) {
      // Object identity: true under the options that are that object.
      const ca = a instanceof Choice ? a.opts : [{ c: true as BoolLike, v: a }];
      const cb = b instanceof Choice ? b.opts : [{ c: true as BoolLike, v: b }];
      const parts: BoolLike[] = [];
      for (const x of ca) for (const y of cb) if (x.v === y.v) parts.push(this.and(x.c, y.c));
      return this.or(...parts);
    }
    throw new MergeError('cannot compare these values');
  }

  /** a ?? b */
  coalesce(a: SVal, b: SVal): SVal {
    if (a === null || a === undefined) return b;
    if (!(a instanceof SymOpt)) return a;
    if (a.val === undefined) return this.merge(a.isNull, b, undefined);
    return this.merge(a.isNull, b, a.val);
  }

  /** obj[key] for a concrete key; through Choice and nullable values. */
  get(obj: SVal, key: string | number): SVal {
    if (obj instanceof Choice) return this.select(obj.opts.map((o) => ({ c: o.c, v: this.get(o.v, key) })));
    if (obj instanceof SymOpt) {
      if (obj.val === undefined) throw new MergeError(`reads .${key} of null`);
      return this.get(obj.val, key);
    }
    if (obj instanceof Filtered) {
      if (key !== 'length') throw new MergeError(`only .length of a filtered array is supported, not .${key}`);
      return this.count(obj.items.map((it) => it.c));
    }
    if (obj === null || obj === undefined) throw new MergeError(`reads .${key} of ${String(obj)}`);
    if (isSym(obj)) throw new MergeError(`reads .${key} of ${describe(obj)}`);
    return (obj as any)[key];
  }

  /** How many of the conditions hold. */
  count(cs: readonly BoolLike[]): number | SymInt {
    return this.sum(cs.map((c) => (c === true ? 1 : c === false ? 0 : this.symInt(this.z.If(c.e, this.num(1), this.num(0)) as ZInt, 0, 1))));
  }

  /** Is the integer i a valid index of an array of length len? */
  inBounds(i: SymInt, len: number): BoolLike {
    if (i.lo >= 0 && i.hi <= len - 1) return true;
    if (i.hi < 0 || i.lo > len - 1) return false;
    return new SymBool(this.z.And(this.cmp('>=', i.e, this.num(0)), this.cmp('<', i.e, this.num(len))));
  }

  /** arr[i] for a state-dependent index i: undefined when out of range, as in JavaScript. */
  index(arr: readonly SVal[], i: SymInt): SVal {
    const lo = Math.max(0, i.lo);
    const hi = Math.min(arr.length - 1, i.hi);
    const opts: { c: BoolLike; v: SVal }[] = [];
    for (let j = lo; j <= hi; j++) opts.push({ c: j === i.lo && j === i.hi ? true : new SymBool(i.e.eq(this.num(j))), v: arr[j] });
    const inside = this.inBounds(i, arr.length);
    if (inside !== true) opts.push({ c: this.not(inside), v: undefined });
    if (opts.length === 0) return undefined;
    return this.select(opts);
  }

  sum(xs: (number | SymInt)[]): number | SymInt {
    let k = 0;
    let lo = 0;
    let hi = 0;
    const syms: ZInt[] = [];
    for (const x of xs) {
      if (typeof x === 'number') k += x;
      else {
        syms.push(x.e);
        lo += x.lo;
        hi += x.hi;
      }
    }
    if (syms.length === 0) return k;
    let acc = syms[0]!;
    for (const s of syms.slice(1)) acc = acc.add(s);
    return this.symInt(k === 0 ? acc : acc.add(this.num(k)), lo + k, hi + k);
  }

  toOpt(v: SVal): SymOpt {
    if (v instanceof SymOpt) return v;
    if (v === null || v === undefined) return new SymOpt(true, undefined, v === undefined);
    return new SymOpt(false, v);
  }

  /** c ? a : b, for values of the same kind. Objects and arrays become a Choice (references). */
  merge(c: BoolLike, a: SVal, b: SVal): SVal {
    if (c === true) return a;
    if (c === false) return b;
    if (a === b) return a;
    const nullish = (v: SVal) => v === null || v === undefined || v instanceof SymOpt;
    if (nullish(a) || nullish(b)) {
      const oa = this.toOpt(a);
      const ob = this.toOpt(b);
      const isNull = this.mergeBool(c, oa.isNull, ob.isNull);
      // Only where the value is nullish does isUndef matter.
      const isUndef = this.mergeBool(c, this.and(oa.isNull, oa.isUndef), this.and(ob.isNull, ob.isUndef));
      if (isNull === true && typeof isUndef === 'boolean') return isUndef ? undefined : null;
      const val = oa.val === undefined ? ob.val : ob.val === undefined ? oa.val : this.merge(c, oa.val, ob.val);
      if (isNull === false) return val;
      return new SymOpt(isNull, val, isUndef);
    }
    if ((typeof a === 'boolean' || a instanceof SymBool) && (typeof b === 'boolean' || b instanceof SymBool))
      return this.mergeBool(c, a, b);
    if ((typeof a === 'number' || a instanceof SymInt) && (typeof b === 'number' || b instanceof SymInt)) {
      const [alo, ahi] = this.range(a);
      const [blo, bhi] = this.range(b);
      return new SymInt(this.z.If(c.e, this.int(a), this.int(b)) as ZInt, Math.min(alo, blo), Math.max(ahi, bhi));
    }
    if ((typeof a === 'string' || a instanceof SymStr) && (typeof b === 'string' || b instanceof SymStr))
      return new SymStr(this.z.If(c.e, this.strId(a), this.strId(b)) as ZInt);
    const isRef = (v: SVal) => v instanceof Choice || (typeof v === 'object' && v !== null && !isSym(v));
    if (isRef(a) && isRef(b)) {
      const opts: { c: BoolLike; v: SVal }[] = [];
      const add = (cond: BoolLike, v: SVal) => {
        if (v instanceof Choice) for (const o of v.opts) add(this.and(cond, o.c), o.v);
        else {
          const same = opts.find((o) => o.v === v);
          if (same) (same as { c: BoolLike }).c = this.or(same.c, cond);
          else if (cond !== false) opts.push({ c: cond, v });
        }
      };
      add(c, a);
      add(this.not(c), b);
      return opts.length === 1 ? opts[0]!.v : new Choice(opts);
    }
    throw new MergeError(`cannot merge ${describe(a)} with ${describe(b)} under a state-dependent condition`);
  }

  mergeBool(c: BoolLike, a: BoolLike, b: BoolLike): BoolLike {
    if (c === true) return a;
    if (c === false) return b;
    if (a === b) return a;
    if (a === true) return this.or(c, b);
    if (a === false) return this.and(this.not(c), b);
    if (b === true) return this.or(this.not(c), a);
    if (b === false) return this.and(c, a);
    return new SymBool(this.z.If(c.e, a.e, b.e) as ZBool);
  }

  /** Merges a list of exclusive, exhaustive options into one value. */
  select(opts: readonly { c: BoolLike; v: SVal }[]): SVal {
    let acc = opts[opts.length - 1]!.v;
    for (let i = opts.length - 2; i >= 0; i--) acc = this.merge(opts[i]!.c, opts[i]!.v, acc);
    return acc;
  }
}

export function describe(v: SVal): string {
  if (v instanceof SymBool) return 'a state-dependent boolean';
  if (v instanceof SymInt) return 'a state-dependent integer';
  if (v instanceof SymStr) return 'a state-dependent string';
  if (v instanceof SymOpt) return 'a value that may be null';
  if (v instanceof Choice) return 'a state-dependent object';
  if (v instanceof Filtered) return 'a filtered array';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'function') return 'a function';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
