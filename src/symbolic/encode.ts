// The state schema as Z3 variables. Every leaf of the schema is one Z3
// constant: bool -> Bool; int and ref -> Int (with a range constraint, which
// int fields may drop: "unbounded"); enum -> Int holding the interned id of
// the string; optional(T) -> a Bool "is null" plus T's leaves, which are fixed
// to a default while null so that every state has exactly one encoding.
// Arrays and records are tuples of their elements' leaves.

import type { RecordType, Type } from '../spec/schema.ts';
import { Algebra, MergeError, SymBool, SymInt, SymOpt, SymStr, describe, type SVal } from './values.ts';
import type { ZBool, ZExpr, ZInt } from './z3.ts';

export interface Leaf {
  readonly path: string;
  readonly type: Type;
  /** For the "is null" leaf of an optional. */
  readonly isNullFlag?: boolean;
}

export class EncodingError extends Error {}

export class StateEncoding {
  readonly leaves: Leaf[] = [];

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
    switch (t.kind) {
      case 'record':
        for (const [k, f] of Object.entries(t.fields)) this.collect(f as Type, path ? `${path}.${k}` : k);
        return;
      case 'array':
        for (let i = 0; i < t.length; i++) this.collect(t.elem, `${path}[${i}]`);
        return;
      case 'optional':
        this.leaves.push({ path: `${path}?null`, type: t, isNullFlag: true });
        this.collect(t.inner, path);
        return;
      default:
        this.leaves.push({ path, type: t });
    }
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
    const build = (t: Type): SVal => {
      switch (t.kind) {
        case 'record': {
          const o: Record<string, SVal> = {};
          for (const [k, f] of Object.entries(t.fields)) o[k] = build(f as Type);
          return o;
        }
        case 'array':
          return Array.from({ length: t.length }, () => build(t.elem));
        case 'optional': {
          const isNull = new SymBool(vars[i++] as ZBool);
          return new SymOpt(isNull, build(t.inner));
        }
        case 'bool':
          return new SymBool(vars[i++] as ZBool);
        case 'enum':
          return new SymStr(vars[i++] as ZInt);
        // The declared range is the leaf's interval: the queries assume it (Range).
        case 'int':
          return new SymInt(vars[i++] as ZInt, t.min, this.unboundedInts ? Infinity : t.max);
        case 'ref':
          return new SymInt(vars[i++] as ZInt, 0, t.domain.size - 1);
        default:
          return new SymInt(vars[i++] as ZInt);
      }
    };
    return build(this.schema);
  }

  /** The domain of every leaf (and canonical defaults under null). */
  range(vars: readonly ZExpr[]): ZBool {
    const z = this.alg.z;
    const parts: ZBool[] = [];
    let i = 0;
    const visit = (t: Type): ZExpr[] => {
      switch (t.kind) {
        case 'record':
          return Object.values(t.fields).flatMap((f) => visit(f as Type));
        case 'array':
          return Array.from({ length: t.length }, () => visit(t.elem)).flat();
        case 'optional': {
          const isNull = vars[i++] as ZBool;
          const inner = visit(t.inner);
          const defs = this.defaults(t.inner);
          parts.push(z.Implies(isNull, z.And(...inner.map((v, j) => v.eq(defs[j]!)))));
          return [isNull, ...inner];
        }
        default: {
          const v = vars[i++]!;
          const c = this.leafRange(t, v);
          if (c) parts.push(c);
          return [v];
        }
      }
    };
    visit(this.schema);
    return z.And(...parts);
  }

  private leafRange(t: Type, v: ZExpr): ZBool | undefined {
    const z = this.alg.z;
    switch (t.kind) {
      case 'int':
        // Unbounded: no upper bound (counts, sequence numbers), the lower bound stays.
        return this.unboundedInts ? this.alg.cmp('>=', v as ZInt, this.alg.num(t.min)) : this.between(v as ZInt, t.min, t.max);
      case 'ref':
        return this.between(v as ZInt, 0, t.domain.size - 1);
      case 'enum':
      {
        const ids = t.values.map((s) => this.alg.strings.id(s));
        const lo = Math.min(...ids);
        const hi = Math.max(...ids);
        const inRange = this.between(v as ZInt, lo, hi);
        if (hi - lo + 1 === ids.length) return inRange;
        return z.And(inRange, z.Or(...ids.map((id) => (v as ZInt).eq(this.alg.num(id)))));
      }
      default:
        return undefined;
    }
  }

  private between(v: ZInt, lo: number, hi: number): ZBool {
    return this.alg.z.And(this.alg.cmp('>=', v, this.alg.num(lo)), this.alg.cmp('<=', v, this.alg.num(hi)));
  }

  /** Leaf values of a type's canonical default (used under null). */
  private defaults(t: Type): ZExpr[] {
    const z = this.alg.z;
    switch (t.kind) {
      case 'record':
        return Object.values(t.fields).flatMap((f) => this.defaults(f as Type));
      case 'array':
        return Array.from({ length: t.length }, () => this.defaults(t.elem)).flat();
      case 'optional':
        return [z.Bool.val(true), ...this.defaults(t.inner)];
      case 'bool':
        return [z.Bool.val(false)];
      case 'int':
        return [this.alg.num(t.min)];
      case 'enum':
        return [this.alg.num(this.alg.strings.id(t.values[0]!))];
      default:
        return [this.alg.num(0)];
    }
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
        switch (t.kind) {
          case 'record':
            for (const [k, f] of Object.entries(t.fields)) visit(f as Type, alg.get(v, k), path ? `${path}.${k}` : k);
            return;
          case 'array':
            for (let i = 0; i < t.length; i++) visit(t.elem, alg.get(v, i), `${path}[${i}]`);
            return;
          case 'optional': {
            if (v === undefined) throw new EncodingError(`field ${path} gets undefined`);
            const o = alg.toOpt(v);
            const defs = this.defaults(t.inner);
            out.push(alg.bool(o.isNull));
            if (o.val === undefined) {
              out.push(...defs);
              return;
            }
            const start = out.length;
            visit(t.inner, o.val, path);
            if (o.isNull !== false)
              for (let j = start; j < out.length; j++) out[j] = z.If(alg.bool(o.isNull), defs[j - start]!, out[j]!) as ZExpr;
            return;
          }
          case 'bool':
            if (typeof v === 'boolean' || v instanceof SymBool) out.push(alg.bool(v));
            else throw new EncodingError(`field ${path} (bool) gets ${describe(v)}`);
            return;
          case 'enum':
            if (typeof v === 'string') {
              if (!t.values.includes(v)) throw new EncodingError(`field ${path} gets '${v}', not one of ${t.values.join('|')}`);
              out.push(alg.strId(v));
            } else if (v instanceof SymStr) out.push(v.e);
            else throw new EncodingError(`field ${path} (enum) gets ${describe(v)}`);
            return;
          default:
            if ((typeof v === 'number' && Number.isInteger(v)) || v instanceof SymInt) out.push(alg.int(v as number | SymInt));
            else throw new EncodingError(`field ${path} (${t.kind}) gets ${describe(v)}`);
        }
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
    const build = (t: Type): any => {
      switch (t.kind) {
        case 'record': {
          const o: Record<string, unknown> = {};
          for (const [k, f] of Object.entries(t.fields)) o[k] = build(f as Type);
          return o;
        }
        case 'array':
          return Array.from({ length: t.length }, () => build(t.elem));
        case 'optional': {
          const isNull = values[i++];
          const inner = build(t.inner);
          return isNull ? null : inner;
        }
        case 'enum':
          return this.alg.strings.str(values[i++] as number);
        default:
          return values[i++];
      }
    };
    return build(this.schema);
  }
}

/**
 * Every schema kind the encoding knows, checked exhaustively: a kind added
 * to the schema vocabulary is a compile error here until it is encoded, and
 * a run error (a clear one) rather than a wrong encoding.
 */
function supportedKinds(t: Type, path: string): void {
  switch (t.kind) {
    case 'record':
      for (const [k, f] of Object.entries(t.fields)) supportedKinds(f as Type, `${path}.${k}`);
      return;
    case 'array':
      return supportedKinds(t.elem, `${path}[]`);
    case 'optional':
      return supportedKinds(t.inner, path);
    case 'bool':
    case 'int':
    case 'enum':
    case 'ref':
      return;
    case 'set':
      throw new EncodingError(`${path} is a set(${t.domain.name}), which the symbolic engine does not encode yet (use --engine explicit)`);
    default: {
      const unknown: never = t;
      throw new EncodingError(`${path} has the schema kind '${(unknown as { kind: string }).kind}', which the symbolic engine does not encode`);
    }
  }
}

function* walkEnums(t: Type): Generator<readonly string[]> {
  switch (t.kind) {
    case 'enum':
      yield t.values;
      return;
    case 'record':
      for (const f of Object.values(t.fields)) yield* walkEnums(f as Type);
      return;
    case 'array':
    case 'optional':
      yield* walkEnums(t.kind === 'array' ? t.elem : t.inner);
      return;
  }
}
