// The state schema as Z3 variables. Every leaf of the schema is one Z3
// constant: bool -> Bool; int and ref -> Int (with a range constraint, which
// int fields may drop: "unbounded"); enum -> Int holding the interned id of
// the string; optional(T) -> a Bool "is null" plus T's leaves, which are fixed
// to a default while null so that every state has exactly one encoding.
// Arrays and records are tuples of their elements' leaves.

import type { RecordType, SetType, Type } from '../spec/schema.ts';
import { matchType, typesIn } from '../spec/schema-fold.ts';
import { Algebra, MergeError, SymBool, SymInt, SymOpt, SymStr, describe, type SVal } from './values.ts';
import type { ZBool, ZExpr, ZInt } from './z3.ts';

/**
 * One Z3 variable of a state (named, not packed: the explicit engine's
 * packed leaves are src/state/layout.ts's Leaf, with word and bit positions).
 */
export interface EncodedLeaf {
  readonly path: string;
  readonly type: Type;
  /** For the "is null" leaf of an optional. */
  readonly isNullFlag?: boolean;
}

export class EncodingError extends Error {}

export class StateEncoding {
  readonly leaves: EncodedLeaf[] = [];

  constructor(
    readonly schema: RecordType,
    readonly alg: Algebra,
    /** int fields are mathematical integers without upper bound (refs, enums and bools stay finite). */
    readonly unboundedInts: boolean,
  ) {
    supportedKinds(schema, 'state');
    this.collect(schema, '');
    for (const t of walkEnums(schema)) for (const v of t) alg.strings.id(v);
  }

  private collect(t: Type, path: string): void {
    matchType<void>(t, {
      record: (r) => {
        for (const [k, f] of Object.entries(r.fields)) this.collect(f, path ? `${path}.${k}` : k);
      },
      array: (a) => {
        for (let i = 0; i < a.length; i++) this.collect(a.elem, `${path}[${i}]`);
      },
      optional: (o) => {
        this.leaves.push({ path: `${path}?null`, type: o, isNullFlag: true });
        this.collect(o.inner, path);
      },
      bool: (u) => void this.leaves.push({ path, type: u }),
      int: (u) => void this.leaves.push({ path, type: u }),
      enum: (u) => void this.leaves.push({ path, type: u }),
      ref: (u) => void this.leaves.push({ path, type: u }),
      set: notEncoded,
    });
  }

  /** Fresh Z3 constants for one state, named prefix.path. */
  vars(prefix: string): ZExpr[] {
    const z = this.alg.z;
    return this.leaves.map((l) =>
      l.isNullFlag || l.type.kind === 'bool' ? z.Bool.const(`${prefix}${l.path}`) : this.alg.intConst(`${prefix}${l.path}`),
    );
  }

  /** The state as a value tree over the given constants (for the interpreter). */
  tree(vars: readonly ZExpr[]): SVal {
    let i = 0;
    const build = (t: Type): SVal =>
      matchType<SVal>(t, {
        record: (r) => {
          const o: Record<string, SVal> = {};
          for (const [k, f] of Object.entries(r.fields)) o[k] = build(f);
          return o;
        },
        array: (a) => Array.from({ length: a.length }, () => build(a.elem)),
        optional: (o) => {
          const isNull = new SymBool(vars[i++] as ZBool);
          return new SymOpt(isNull, build(o.inner));
        },
        bool: () => new SymBool(vars[i++] as ZBool),
        enum: () => new SymStr(vars[i++] as ZInt),
        // The declared range is the leaf's interval: the queries assume it (Range).
        int: (u) => new SymInt(vars[i++] as ZInt, u.min, this.unboundedInts ? Infinity : u.max),
        ref: (u) => new SymInt(vars[i++] as ZInt, 0, u.domain.size - 1),
        set: notEncoded,
      });
    return build(this.schema);
  }

  /** The domain of every leaf (and canonical defaults under null). */
  range(vars: readonly ZExpr[]): ZBool {
    const z = this.alg.z;
    const parts: ZBool[] = [];
    let i = 0;
    const leaf = (t: Type): ZExpr[] => {
      const v = vars[i++]!;
      const c = this.leafRange(t, v);
      if (c) parts.push(c);
      return [v];
    };
    const visit = (t: Type): ZExpr[] =>
      matchType<ZExpr[]>(t, {
        record: (r) => Object.values(r.fields).flatMap((f) => visit(f)),
        array: (a) => Array.from({ length: a.length }, () => visit(a.elem)).flat(),
        optional: (o) => {
          const isNull = vars[i++] as ZBool;
          const inner = visit(o.inner);
          const defs = this.defaults(o.inner);
          parts.push(z.Implies(isNull, z.And(...inner.map((v, j) => v.eq(defs[j]!)))));
          return [isNull, ...inner];
        },
        bool: leaf,
        int: leaf,
        enum: leaf,
        ref: leaf,
        set: notEncoded,
      });
    visit(this.schema);
    return z.And(...parts);
  }

  /** The range constraint of one leaf's constant (none for a bool). */
  private leafRange(t: Type, v: ZExpr): ZBool | undefined {
    const z = this.alg.z;
    return matchType<ZBool | undefined>(t, {
      // Unbounded: no upper bound (counts, sequence numbers), the lower bound stays.
      int: (u) => (this.unboundedInts ? this.alg.cmp('>=', v as ZInt, this.alg.num(u.min)) : this.between(v as ZInt, u.min, u.max)),
      ref: (u) => this.between(v as ZInt, 0, u.domain.size - 1),
      enum: (u) => {
        const ids = u.values.map((x) => this.alg.strings.id(x));
        const lo = Math.min(...ids);
        const hi = Math.max(...ids);
        const inRange = this.between(v as ZInt, lo, hi);
        if (hi - lo + 1 === ids.length) return inRange;
        return z.And(inRange, z.Or(...ids.map((id) => (v as ZInt).eq(this.alg.num(id)))));
      },
      bool: () => undefined,
      set: notEncoded,
      optional: notALeaf,
      array: notALeaf,
      record: notALeaf,
    });
  }

  private between(v: ZInt, lo: number, hi: number): ZBool {
    return this.alg.z.And(this.alg.cmp('>=', v, this.alg.num(lo)), this.alg.cmp('<=', v, this.alg.num(hi)));
  }

  /** Leaf values of a type's canonical default (used under null). */
  private defaults(t: Type): ZExpr[] {
    const z = this.alg.z;
    return matchType<ZExpr[]>(t, {
      record: (r) => Object.values(r.fields).flatMap((f) => this.defaults(f)),
      array: (a) => Array.from({ length: a.length }, () => this.defaults(a.elem)).flat(),
      optional: (o) => [z.Bool.val(true), ...this.defaults(o.inner)],
      bool: () => [z.Bool.val(false)],
      int: (u) => [this.alg.num(u.min)],
      enum: (u) => [this.alg.num(this.alg.strings.id(u.values[0]!))],
      ref: () => [this.alg.num(0)],
      set: notEncoded,
    });
  }

  /**
   * The leaf terms of a value (a concrete state, or the interpreter's next
   * state). Throws EncodingError naming the field if a value has the wrong kind.
   */
  terms(value: SVal, errors?: { c: ZBool; site: string }[]): ZExpr[] {
    const alg = this.alg;
    const z = alg.z;
    const out: ZExpr[] = [];
    /** A value that may be null or undefined where the schema has none: an error where it is. */
    const nullable = (t: Type, v: SVal, path: string): SVal => {
      if (!(v instanceof SymOpt)) return v;
      const bad = t.kind === 'optional' ? alg.and(v.isNull, v.isUndef) : v.isNull;
      if (bad !== false) {
        if (!errors) throw new EncodingError(`field ${path} gets ${describe(v)}`);
        errors.push({ c: alg.bool(bad), site: `field ${path} gets ${t.kind === 'optional' ? 'undefined' : 'null or undefined'}` });
      }
      if (t.kind === 'optional') return new SymOpt(alg.and(v.isNull, alg.not(v.isUndef)), v.val);
      if (v.val === undefined) throw new EncodingError(`field ${path} gets ${describe(v)}`);
      return v.val;
    };
    const visit = (t: Type, v0: SVal, path: string): void => {
      try {
        if (v0 === undefined && t.kind !== 'optional') throw new EncodingError(`field ${path} gets undefined`);
        const v = nullable(t, v0, path);
        const integer = (): void => {
          if ((typeof v === 'number' && Number.isInteger(v)) || v instanceof SymInt) out.push(alg.int(v as number | SymInt));
          else throw new EncodingError(`field ${path} (${t.kind}) gets ${describe(v)}`);
        };
        matchType<void>(t, {
          record: (r) => {
            for (const [k, f] of Object.entries(r.fields)) visit(f, alg.get(v, k), path ? `${path}.${k}` : k);
          },
          array: (a) => {
            for (let i = 0; i < a.length; i++) visit(a.elem, alg.get(v, i), `${path}[${i}]`);
          },
          optional: (o) => {
            if (v === undefined) throw new EncodingError(`field ${path} gets undefined`);
            const opt = alg.toOpt(v);
            const defs = this.defaults(o.inner);
            out.push(alg.bool(opt.isNull));
            if (opt.val === undefined) {
              out.push(...defs);
              return;
            }
            const start = out.length;
            visit(o.inner, opt.val, path);
            if (opt.isNull !== false)
              for (let j = start; j < out.length; j++) out[j] = z.If(alg.bool(opt.isNull), defs[j - start]!, out[j]!) as ZExpr;
          },
          bool: () => {
            if (typeof v === 'boolean' || v instanceof SymBool) out.push(alg.bool(v));
            else throw new EncodingError(`field ${path} (bool) gets ${describe(v)}`);
          },
          enum: (u) => {
            if (typeof v === 'string') {
              if (!u.values.includes(v)) throw new EncodingError(`field ${path} gets '${v}', not one of ${u.values.join('|')}`);
              out.push(alg.strId(v));
            } else if (v instanceof SymStr) out.push(v.e);
            else throw new EncodingError(`field ${path} (enum) gets ${describe(v)}`);
          },
          int: integer,
          ref: integer,
          set: notEncoded,
        });
      } catch (e) {
        if (e instanceof MergeError) throw new EncodingError(`field ${path}: ${e.message}`);
        throw e;
      }
    };
    visit(this.schema, value, '');
    return out;
  }

  eq(a: readonly ZExpr[], b: readonly ZExpr[]): ZBool {
    const z = this.alg.z;
    return z.And(...a.map((x, i) => x.eq(b[i]!)));
  }

  /** A plain state object from values of the leaves (model evaluation). */
  decode(values: readonly (boolean | number)[]): any {
    let i = 0;
    const leaf = (): any => values[i++];
    const build = (t: Type): any =>
      matchType<any>(t, {
        record: (r) => {
          const o: Record<string, unknown> = {};
          for (const [k, f] of Object.entries(r.fields)) o[k] = build(f);
          return o;
        },
        array: (a) => Array.from({ length: a.length }, () => build(a.elem)),
        optional: (o) => {
          const isNull = values[i++];
          const inner = build(o.inner);
          return isNull ? null : inner;
        },
        enum: () => this.alg.strings.str(values[i++] as number),
        bool: leaf,
        int: leaf,
        ref: leaf,
        set: notEncoded,
      });
    return build(this.schema);
  }
}

/**
 * Every schema kind the encoding knows: a kind added to the schema vocabulary
 * is a compile error in each walk above until it is encoded, and a set is a
 * clear run error here rather than a wrong encoding.
 */
function supportedKinds(t: Type, path: string): void {
  matchType<void>(t, {
    record: (r) => {
      for (const [k, f] of Object.entries(r.fields)) supportedKinds(f, `${path}.${k}`);
    },
    array: (a) => supportedKinds(a.elem, `${path}[]`),
    optional: (o) => supportedKinds(o.inner, path),
    bool: () => {},
    int: () => {},
    enum: () => {},
    ref: () => {},
    set: (u) => {
      throw new EncodingError(`${path} is a set(${u.domain.name}), which the symbolic engine does not encode yet (use --engine explicit)`);
    },
  });
}

/** Reached only if a set got past supportedKinds(): a bug. */
function notEncoded(t: SetType): never {
  throw new Error(`internal: set(${t.domain.name}) reached the symbolic encoding`);
}

/** A composite type where a leaf was expected: a bug. */
function notALeaf(t: Type): never {
  throw new Error(`internal: ${t.kind} is not a leaf of the encoding`);
}

function* walkEnums(t: Type): Generator<readonly string[]> {
  for (const u of typesIn(t)) if (u.kind === 'enum') yield u.values;
}
