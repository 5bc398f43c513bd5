// The interpreter's core (./interpret.ts is the whole): the frame of the
// running function (its path condition `alive`, returns, loops), errors of the
// spec and of the subset, calls of closures, bindings and the path-condition
// helpers every job uses. The jobs build on it in a chain of classes, one
// module each: statements (./interpret-statements.ts), expressions and
// writes (./interpret-expressions.ts), operators (./interpret-operators.ts),
// calls and the library (./interpret.ts). A job calls another's method
// through the abstract declarations below.

import { ts } from 'ts-morph';
import { SpecError } from '../spec/errors.ts';
import { registered, where, type SourceUnit } from './instrument.ts';
import { Algebra, MergeError, SymOpt, isSym, type BoolLike, type SVal } from './values.ts';
import { Closure, Scope } from './scope.ts';
import type { Evaluator } from './library.ts';
import { OUTSIDE, SUBSET_SUMMARY, type OutsideKey } from './subset.ts';

export interface LoopCtx {
  breakAlive: BoolLike;
  contAlive: BoolLike;
}

export interface Frame {
  alive: BoolLike;
  readonly rets: { c: BoolLike; v: SVal }[];
  readonly unit: SourceUnit;
  readonly loops: LoopCtx[];
}

export const MAX_DEPTH = 200;
export const MAX_ITERATIONS = 100_000;
export const HOST_GLOBALS: Record<string, unknown> = {
  undefined: undefined,
  NaN: NaN,
  Infinity: Infinity,
  Math,
  Array,
  Object,
  Number,
  Boolean,
  String,
  JSON,
};

export abstract class InterpreterCore {
  protected frame!: Frame;
  protected depth = 0;
  /** Condition under which the code ran into a `throw`. */
  throws: BoolLike = false;
  throwSite?: string;
  /** Objects the code may write: the next state and what the code itself built. */
  protected readonly writable = new WeakSet<object>();

  /** What the library table (./library.ts) uses of this evaluator. */
  protected readonly library: Evaluator;

  constructor(readonly alg: Algebra) {
    const self = this;
    this.library = {
      alg,
      get alive() {
        return self.frame.alive;
      },
      call: (fn, args, node) => this.callValue(fn, args, node, undefined),
      arith: (op, a, b, node) => this.arith(op, a, b, node),
      shortCircuit: (items, stop, f) => this.shortCircuit(items, stop, f),
      firstOf: (opts) => this.firstOf(opts),
      fresh: (v) => this.fresh(v),
      materialize: (v, node) => this.materialize(v, node),
      setElem: (arr, i, v, node) => this.setProp(arr, i, v, this.frame.alive, node),
      isConcrete: (v) => isConcrete(v),
      isWritable: (o) => this.writable.has(o),
      outside: (node, construct, which) => this.outside(node, construct, which),
      fail: (node, what, instead) => this.fail(node, what, instead),
    };
  }

  /**
   * Reaching node with c true is an error of the spec, as a throw is in the
   * explicit engine (reading a field of undefined, a write outside an array)
   * or a value the translation cannot represent (arithmetic on undefined).
   */
  protected errorIf(c: BoolLike, node: ts.Node, what: string): void {
    const c2 = this.alg.and(this.frame.alive, c);
    if (c2 === false) return;
    this.throws = this.alg.or(this.throws, c2);
    this.throwSite ??= `${where(this.frame.unit, node)}: ${what}`;
  }

  markWritable(v: SVal): void {
    if (v instanceof SymOpt) return this.markWritable(v.val);
    if (typeof v !== 'object' || v === null || isSym(v)) return;
    this.writable.add(v);
    if (Array.isArray(v)) for (const e of v) this.markWritable(e);
    else for (const e of Object.values(v)) this.markWritable(e);
  }

  /** Calls a function value (a registered host function or a closure) at top level. */
  run(fn: unknown, args: SVal[], what: string): SVal {
    const clo = this.closureOf(fn);
    if (!clo)
      throw new SpecError(
        `symbolic engine: the ${what} is not a function defined in a spec or model module, so its source cannot be read`,
      );
    this.throws = false;
    this.throwSite = undefined;
    this.depth = 0;
    this.frame = { alive: true, rets: [], unit: clo.unit, loops: [] };
    return this.invoke(clo, args, clo.node);
  }

  protected closureOf(fn: unknown): Closure | undefined {
    if (fn instanceof Closure) return fn;
    const reg = registered(fn);
    if (!reg) return undefined;
    return new Closure(reg.node, new Scope(undefined, reg.captured), reg.unit);
  }

  protected fail(node: ts.Node, what: string, instead?: string): never {
    const msg = `${where(this.frame.unit, node)}: ${what}`;
    throw new SpecError(instead ? `${msg}; ${instead}` : `${msg} (${SUBSET_SUMMARY})`);
  }

  /** `construct` (the case at hand) is outside the subset: the advice is that of its entry in the table of ./subset.ts. */
  protected outside(node: ts.Node, construct: string, which: OutsideKey): never {
    this.fail(node, `${construct} is outside the modelling subset of the symbolic engine`, OUTSIDE[which].instead);
  }

  protected located<T>(node: ts.Node, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof MergeError) this.fail(node, e.message, 'keep values of one kind on both sides of a condition');
      throw e;
    }
  }

  protected invoke(clo: Closure, args: SVal[], callNode: ts.Node, thisArg?: SVal): SVal {
    if (this.depth >= MAX_DEPTH)
      this.fail(callNode, `calls nest deeper than ${MAX_DEPTH}`, 'recursion must end on constant arguments');
    const caller = this.frame;
    this.frame = { alive: caller.alive, rets: [], unit: clo.unit, loops: [] };
    this.depth++;
    try {
      const scope = new Scope(clo.scope);
      if (thisArg !== undefined) scope.declare('this', thisArg, false);
      const node = clo.node;
      node.parameters.forEach((p, i) => {
        let v: SVal;
        if (p.dotDotDotToken) v = this.fresh(args.slice(i));
        else {
          v = this.withDefault(args[i], p.initializer, scope);
        }
        this.bind(p.name, v, scope, true);
      });
      const body = node.body!;
      if (!ts.isBlock(body)) return this.eval(body, scope);
      this.execStatements(body.statements, scope);
      const { rets, alive } = this.frame;
      if (rets.length === 0) return undefined;
      let acc: SVal;
      let i = rets.length - 1;
      if (alive === false) acc = rets[i--]!.v;
      else acc = undefined;
      for (; i >= 0; i--) acc = this.located(node, () => this.alg.merge(rets[i]!.c, rets[i]!.v, acc));
      return acc;
    } finally {
      this.depth--;
      this.frame = caller;
    }
  }

  protected bind(name: ts.BindingName, v: SVal, scope: Scope, mutable: boolean): void {
    if (ts.isIdentifier(name)) {
      scope.declare(name.text, v, mutable, mutable ? this.frame.alive : undefined);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          if (!isPlainObject(v)) this.outside(el, 'a rest pattern on this value', 'restObject');
          const used = new Set(name.elements.filter((e) => e !== el).map((e) => this.propName(e.propertyName ?? e.name)));
          const rest: Record<string, SVal> = {};
          for (const [k, x] of Object.entries(v as object)) if (!used.has(k)) rest[k] = x;
          this.bind(el.name, this.fresh(rest), scope, mutable);
          continue;
        }
        const key = this.propName(el.propertyName ?? el.name);
        const x = this.withDefault(this.located(el, () => this.alg.get(v, key)), el.initializer, scope);
        this.bind(el.name, x, scope, mutable);
      }
      return;
    }
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        if (!Array.isArray(v)) this.outside(el, 'a rest pattern on this value', 'restArray');
        this.bind(el.name, this.fresh(v.slice(i)), scope, mutable);
        return;
      }
      const x = this.withDefault(this.located(el, () => this.alg.get(v, i)), el.initializer, scope);
      this.bind(el.name, x, scope, mutable);
    });
  }

  /** A default (parameter or destructuring) applies where the value is undefined, not null. */
  protected withDefault(v: SVal, init: ts.Expression | undefined, scope: Scope): SVal {
    if (!init) return v;
    if (v === undefined) return this.eval(init, scope);
    if (!(v instanceof SymOpt)) return v;
    const undef = this.alg.and(v.isNull, v.isUndef);
    if (undef === false) return v;
    const d = this.under(undef, () => this.eval(init, scope));
    return this.alg.merge(undef, d, v);
  }

  protected propName(n: ts.Node): string {
    if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
    this.outside(n, 'a computed property name', 'computedName');
  }

  protected fresh<T extends object>(v: T): T {
    this.writable.add(v);
    return v;
  }

  /** Evaluates f with `alive` narrowed by c (for the arms of ?:, &&, ||). */
  protected under<T>(c: BoolLike, f: () => T): T {
    const fr = this.frame;
    const a0 = fr.alive;
    fr.alive = this.alg.and(a0, c);
    try {
      return f();
    } finally {
      fr.alive = a0;
    }
  }

  /** Runs f as if every path were alive (for updates only live paths can observe). */
  protected unguarded<T>(f: () => T): T {
    const fr = this.frame;
    const a0 = fr.alive;
    fr.alive = true;
    try {
      return f();
    } finally {
      fr.alive = a0;
    }
  }

  /** The value of the first option whose condition holds (the last option's condition must be true). */
  protected firstOf(opts: readonly { c: BoolLike; v: SVal }[]): SVal {
    let acc = opts[opts.length - 1]!.v;
    for (let i = opts.length - 2; i >= 0; i--) acc = this.alg.merge(opts[i]!.c, opts[i]!.v, acc);
    return acc;
  }

  /**
   * Calls f on the items in order until one gives `stop` (truthy for some/find,
   * falsy for every), as JavaScript does: later calls run only on paths where
   * no earlier one stopped, so their side effects are guarded the same way.
   * found: some item stopped; hits[i]: item i is the one that stopped.
   */
  protected shortCircuit<T extends { c: BoolLike }>(items: readonly T[], stop: boolean, f: (it: T) => SVal): { found: BoolLike; hits: BoolLike[] } {
    const alg = this.alg;
    let found: BoolLike = false;
    const hits: BoolLike[] = [];
    for (const it of items) {
      const reach = alg.and(alg.not(found), it.c);
      if (reach === false) {
        hits.push(false);
        continue;
      }
      const t = this.under(reach, () => alg.truthy(f(it)));
      const hit = alg.and(reach, stop ? t : alg.not(t));
      hits.push(hit);
      found = alg.or(found, hit);
    }
    return { found, hits };
  }

  // ---- the other jobs, as the core and earlier jobs call them ------------

  abstract eval(e: ts.Expression, scope: Scope): SVal;
  abstract materialize(v: SVal, node: ts.Node): SVal;
  protected abstract execStatements(stmts: readonly ts.Statement[], scope: Scope): void;
  protected abstract cond(e: ts.Expression, scope: Scope): BoolLike;
  protected abstract assign(target: ts.Node, v: SVal, scope: Scope): void;
  protected abstract setProp(obj: SVal, key: SVal, v: SVal, alive: BoolLike, node: ts.Node): void;
  protected abstract arith(op: string, a: SVal, b: SVal, node: ts.Node): SVal;
  protected abstract callValue(fn: SVal, args: SVal[], node: ts.Node, thisArg: SVal): SVal;
}

export function keyText(key: string | number): string {
  return typeof key === 'number' ? `[${key}]` : `.${key}`;
}

export function boundNamesOf(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundNamesOf(el.name, out);
}

export function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

export function isPlainObject(v: SVal): v is Record<string, SVal> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSym(v);
}

/** No Z3 term or interpreter closure anywhere inside. */
export function isConcrete(v: SVal, seen = new Set<object>()): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (isSym(v) || v instanceof Closure) return false;
  if (seen.has(v)) return true;
  seen.add(v);
  const vals = Array.isArray(v) ? v : Object.values(v);
  return vals.every((x) => isConcrete(x, seen));
}

/** The same path condition: the same constant or the same Z3 term (terms are hash-consed). */
export function sameCond(a: BoolLike, b: BoolLike): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return a.e.eqIdentity(b.e);
}
