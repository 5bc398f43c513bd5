// The symbolic interpreter for the modelling subset of TypeScript. It runs a
// guard, apply or property function with the state as Z3 terms and the
// parameters and configuration as concrete values, so that everything that
// does not depend on the state (loop bounds, domain sizes, helper calls with
// constant arguments) is evaluated away, and the result is a Z3 term.
//
// Control flow under a state-dependent condition is executed on both sides:
// every write is guarded by `alive` (the condition under which execution
// reaches it), so `n.x = v` becomes n.x := alive ? v : n.x; early returns,
// break and continue turn `alive` off for the rest of the path. Loops are
// unrolled; their conditions must not depend on the state. Calls are inlined.

import { ts } from 'ts-morph';
import { SpecError } from '../spec/errors.ts';
import { registered, where, type FunctionNode, type SourceUnit } from './instrument.ts';
import {
  Algebra,
  Choice,
  Filtered,
  MergeError,
  SymBool,
  SymInt,
  SymOpt,
  SymStr,
  describe,
  isSym,
  type BoolLike,
  type SVal,
} from './values.ts';
import type { ZInt } from './z3.ts';
import { Closure, Scope } from './scope.ts';
import { AS_JAVASCRIPT, FILTERED_READS, arrayMethod, filteredMethod, libraryFunction, type Evaluator } from './library.ts';
import { LIBRARY_CALL_HINT, SUBSET_SUMMARY } from './subset.ts';

interface LoopCtx {
  breakAlive: BoolLike;
  contAlive: BoolLike;
}

interface Frame {
  alive: BoolLike;
  readonly rets: { c: BoolLike; v: SVal }[];
  readonly unit: SourceUnit;
  readonly loops: LoopCtx[];
}

const MAX_DEPTH = 200;
const MAX_ITERATIONS = 100_000;
const HOST_GLOBALS: Record<string, unknown> = {
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

export class Interpreter {
  private frame!: Frame;
  private depth = 0;
  /** Condition under which the code ran into a `throw`. */
  throws: BoolLike = false;
  throwSite?: string;
  /** Objects the code may write: the next state and what the code itself built. */
  private readonly writable = new WeakSet<object>();

  /** What the library table (./library.ts) uses of this evaluator. */
  private readonly library: Evaluator;

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
      outside: (node, construct, instead) => this.outside(node, construct, instead),
      fail: (node, what, instead) => this.fail(node, what, instead),
    };
  }

  /**
   * Reaching node with c true is an error of the spec, as a throw is in the
   * explicit engine (reading a field of undefined, a write outside an array)
   * or a value the translation cannot represent (arithmetic on undefined).
   */
  private errorIf(c: BoolLike, node: ts.Node, what: string): void {
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

  private closureOf(fn: unknown): Closure | undefined {
    if (fn instanceof Closure) return fn;
    const reg = registered(fn);
    if (!reg) return undefined;
    return new Closure(reg.node, new Scope(undefined, reg.captured), reg.unit);
  }

  // ---- errors -------------------------------------------------------------

  private fail(node: ts.Node, what: string, instead?: string): never {
    const msg = `${where(this.frame.unit, node)}: ${what}`;
    throw new SpecError(instead ? `${msg}; ${instead}` : `${msg} (${SUBSET_SUMMARY})`);
  }

  private outside(node: ts.Node, construct: string, instead: string): never {
    this.fail(node, `${construct} is outside the modelling subset of the symbolic engine`, instead);
  }

  private located<T>(node: ts.Node, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof MergeError) this.fail(node, e.message, 'keep values of one kind on both sides of a condition');
      throw e;
    }
  }

  // ---- functions ----------------------------------------------------------

  private invoke(clo: Closure, args: SVal[], callNode: ts.Node, thisArg?: SVal): SVal {
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

  private bind(name: ts.BindingName, v: SVal, scope: Scope, mutable: boolean): void {
    if (ts.isIdentifier(name)) {
      scope.declare(name.text, v, mutable, mutable ? this.frame.alive : undefined);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          if (!isPlainObject(v)) this.outside(el, 'a rest pattern on this value', 'name the fields you need');
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
        if (!Array.isArray(v)) this.outside(el, 'a rest pattern on this value', 'index the elements you need');
        this.bind(el.name, this.fresh(v.slice(i)), scope, mutable);
        return;
      }
      const x = this.withDefault(this.located(el, () => this.alg.get(v, i)), el.initializer, scope);
      this.bind(el.name, x, scope, mutable);
    });
  }

  /** A default (parameter or destructuring) applies where the value is undefined, not null. */
  private withDefault(v: SVal, init: ts.Expression | undefined, scope: Scope): SVal {
    if (!init) return v;
    if (v === undefined) return this.eval(init, scope);
    if (!(v instanceof SymOpt)) return v;
    const undef = this.alg.and(v.isNull, v.isUndef);
    if (undef === false) return v;
    const d = this.under(undef, () => this.eval(init, scope));
    return this.alg.merge(undef, d, v);
  }

  private propName(n: ts.Node): string {
    if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
    this.outside(n, 'a computed property name', 'use a plain field name');
  }

  private fresh<T extends object>(v: T): T {
    this.writable.add(v);
    return v;
  }

  // ---- statements ---------------------------------------------------------

  private execStatements(stmts: readonly ts.Statement[], scope: Scope): void {
    for (const st of stmts)
      if (ts.isFunctionDeclaration(st) && st.name) scope.declare(st.name.text, new Closure(st, scope, this.frame.unit), false);
    for (const st of stmts) {
      if (this.frame.alive === false) return;
      this.exec(st, scope);
    }
  }

  private exec(st: ts.Statement, scope: Scope): void {
    this.located(st, () => this.execInner(st, scope));
  }

  private execInner(st: ts.Statement, scope: Scope): void {
    const f = this.frame;
    if (ts.isBlock(st)) return this.execStatements(st.statements, new Scope(scope));
    if (ts.isExpressionStatement(st)) {
      this.eval(st.expression, scope);
      return;
    }
    if (ts.isVariableStatement(st)) return this.declareList(st.declarationList, scope);
    if (ts.isIfStatement(st)) {
      const c = this.cond(st.expression, scope);
      const a0 = f.alive;
      const thenIn = this.alg.and(a0, c);
      f.alive = thenIn;
      if (f.alive !== false) this.exec(st.thenStatement, scope);
      const aThen = f.alive;
      const elseIn = this.alg.and(a0, this.alg.not(c));
      f.alive = elseIn;
      if (st.elseStatement && f.alive !== false) this.exec(st.elseStatement, scope);
      // Neither branch ended a path (return, break, throw): every path that
      // entered goes on. Or(a0 & c, a0 & !c) would be a symbolic term for
      // the constant a0 and make later loop counters symbolic.
      f.alive = sameCond(aThen, thenIn) && sameCond(f.alive, elseIn) ? a0 : this.alg.or(aThen, f.alive);
      return;
    }
    if (ts.isReturnStatement(st)) {
      const v = st.expression ? this.eval(st.expression, scope) : undefined;
      f.rets.push({ c: f.alive, v });
      f.alive = false;
      return;
    }
    if (ts.isForStatement(st)) return this.execFor(st, scope);
    if (ts.isForOfStatement(st)) return this.execForOf(st, scope);
    if (ts.isWhileStatement(st)) return this.execWhile(st, scope);
    if (ts.isSwitchStatement(st)) return this.execSwitch(st, scope);
    if (ts.isBreakStatement(st) || ts.isContinueStatement(st)) {
      if (st.label) this.outside(st, 'a labelled break/continue', 'restructure the loop');
      const loop = f.loops[f.loops.length - 1];
      if (!loop) this.outside(st, 'break/continue outside a loop', 'use if/else');
      if (ts.isBreakStatement(st)) loop.breakAlive = this.alg.or(loop.breakAlive, f.alive);
      else loop.contAlive = this.alg.or(loop.contAlive, f.alive);
      f.alive = false;
      return;
    }
    if (ts.isThrowStatement(st)) {
      this.throws = this.alg.or(this.throws, f.alive);
      this.throwSite ??= where(f.unit, st);
      f.alive = false;
      return;
    }
    if (ts.isFunctionDeclaration(st) || ts.isEmptyStatement(st) || ts.isTypeAliasDeclaration(st) || ts.isInterfaceDeclaration(st))
      return;
    this.outside(st, `a ${ts.SyntaxKind[st.kind]}`, 'use if/else, loops with constant bounds and assignments');
  }

  private declareList(list: ts.VariableDeclarationList, scope: Scope): void {
    const mutable = !(list.flags & ts.NodeFlags.Const);
    for (const d of list.declarations) {
      const v = d.initializer ? this.eval(d.initializer, scope) : undefined;
      this.bind(d.name, v, scope, mutable);
    }
  }

  private concreteCond(e: ts.Expression, scope: Scope, what: string): boolean {
    const c = this.cond(e, scope);
    if (typeof c !== 'boolean')
      this.outside(e, `a ${what} condition that depends on the state`, 'loop over a constant bound (a domain size, a config value) and test the state inside with if');
    return c;
  }

  private loop(body: () => void, step: () => boolean): void {
    const f = this.frame;
    const ctx: LoopCtx = { breakAlive: false, contAlive: false };
    f.loops.push(ctx);
    try {
      for (let n = 0; ; n++) {
        if (n > MAX_ITERATIONS) throw new SpecError('symbolic engine: a loop ran more than 100000 iterations');
        if (f.alive === false || !step()) break;
        body();
        f.alive = this.alg.or(f.alive, ctx.contAlive);
        ctx.contAlive = false;
      }
    } finally {
      f.loops.pop();
    }
    f.alive = this.alg.or(f.alive, ctx.breakAlive);
  }

  private execFor(st: ts.ForStatement, outer: Scope): void {
    let scope = new Scope(outer);
    const own = !!st.initializer && ts.isVariableDeclarationList(st.initializer);
    const names: string[] = [];
    if (st.initializer) {
      if (ts.isVariableDeclarationList(st.initializer)) {
        this.declareList(st.initializer, scope);
        for (const d of st.initializer.declarations) boundNamesOf(d.name, names);
      } else this.eval(st.initializer, scope);
    }
    let first = true;
    // The loop's own variables (for (let i ...)) are not seen by paths that left the loop
    // by break or return, so the increment is unconditional: i stays a constant.
    // Each iteration has its own copy of them (JavaScript's per-iteration
    // bindings), so closures made in the body keep their iteration's i.
    this.loop(
      () => this.exec(st.statement, new Scope(scope)),
      () => {
        if (!first && own) scope = scope.copyOf(names, outer);
        if (!first && st.incrementor) {
          if (own) this.unguarded(() => this.eval(st.incrementor!, scope));
          else this.eval(st.incrementor, scope);
        }
        first = false;
        return st.condition ? this.concreteCond(st.condition, scope, 'loop') : true;
      },
    );
  }

  private execWhile(st: ts.WhileStatement, scope: Scope): void {
    this.loop(
      () => this.exec(st.statement, new Scope(scope)),
      () => this.concreteCond(st.expression, scope, 'loop'),
    );
  }

  private execForOf(st: ts.ForOfStatement, outer: Scope): void {
    const it = this.eval(st.expression, outer);
    if (!Array.isArray(it))
      this.outside(st.expression, `for-of over ${describe(it)}`, 'iterate over an array of the state, a domain index range or a constant list');
    const init = st.initializer;
    let i = 0;
    this.loop(
      () => {
        const scope = new Scope(outer);
        const v = it[i - 1];
        if (ts.isVariableDeclarationList(init)) this.bind(init.declarations[0]!.name, v, scope, !(init.flags & ts.NodeFlags.Const));
        else this.assign(init, v, scope);
        this.exec(st.statement, scope);
      },
      () => i++ < it.length,
    );
  }

  private execSwitch(st: ts.SwitchStatement, scope: Scope): void {
    const f = this.frame;
    const d = this.eval(st.expression, scope);
    const a0 = f.alive;
    const clauses = st.caseBlock.clauses;
    const matches = clauses.map((c) => (ts.isCaseClause(c) ? this.alg.eq(d, this.eval(c.expression, scope)) : false));
    const none = this.alg.and(...matches.map((m) => this.alg.not(m)));
    const ctx: LoopCtx = { breakAlive: false, contAlive: false };
    f.loops.push(ctx);
    const inner = new Scope(scope);
    let earlier: BoolLike = false;
    let fall: BoolLike = false;
    try {
      clauses.forEach((c, i) => {
        const sel = ts.isCaseClause(c) ? this.alg.and(matches[i]!, this.alg.not(earlier)) : none;
        if (ts.isCaseClause(c)) earlier = this.alg.or(earlier, matches[i]!);
        f.alive = this.alg.or(fall, this.alg.and(a0, sel));
        this.execStatements(c.statements, inner);
        fall = f.alive;
      });
    } finally {
      f.loops.pop();
    }
    const hasDefault = clauses.some((c) => ts.isDefaultClause(c));
    if (ctx.contAlive !== false) this.outside(st, 'continue inside switch', 'use if/else');
    f.alive = this.alg.or(fall, ctx.breakAlive, hasDefault ? false : this.alg.and(a0, none));
  }

  // ---- expressions --------------------------------------------------------

  private cond(e: ts.Expression, scope: Scope): BoolLike {
    const v = this.eval(e, scope);
    return this.located(e, () => this.alg.truthy(v));
  }

  eval(e: ts.Expression, scope: Scope): SVal {
    return this.located(e, () => this.evalInner(e, scope));
  }

  private evalInner(e: ts.Expression, scope: Scope): SVal {
    const alg = this.alg;
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return Number((e as ts.NumericLiteral).text);
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return (e as ts.StringLiteral).text;
      case ts.SyntaxKind.TrueKeyword:
        return true;
      case ts.SyntaxKind.FalseKeyword:
        return false;
      case ts.SyntaxKind.NullKeyword:
        return null;
      case ts.SyntaxKind.ThisKeyword: {
        const slot = scope.lookup('this');
        if (!slot) this.outside(e, '`this`', 'pass the object as a parameter');
        return slot.v;
      }
      case ts.SyntaxKind.Identifier:
        return this.lookup(e as ts.Identifier, scope);
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
        return this.eval((e as ts.ParenthesizedExpression).expression, scope);
      case ts.SyntaxKind.TemplateExpression: {
        const t = e as ts.TemplateExpression;
        let out = t.head.text;
        for (const span of t.templateSpans) {
          const v = this.eval(span.expression, scope);
          if (isSym(v)) this.outside(span, 'a template string with a state-dependent part', 'build strings from constants only');
          out += String(v) + span.literal.text;
        }
        return out;
      }
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return new Closure(e as FunctionNode, scope, this.frame.unit);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.objectLiteral(e as ts.ObjectLiteralExpression, scope);
      case ts.SyntaxKind.ArrayLiteralExpression: {
        const out: SVal[] = [];
        for (const el of (e as ts.ArrayLiteralExpression).elements) {
          if (ts.isSpreadElement(el)) {
            const v = this.eval(el.expression, scope);
            if (!Array.isArray(v)) this.outside(el, `spreading ${describe(v)}`, 'spread arrays of constant length');
            out.push(...v);
          } else if (ts.isOmittedExpression(el)) out.push(undefined);
          else out.push(this.eval(el, scope));
        }
        return this.fresh(out);
      }
      case ts.SyntaxKind.PropertyAccessExpression: {
        const pa = e as ts.PropertyAccessExpression;
        const obj = this.eval(pa.expression, scope);
        if (pa.questionDotToken) return this.optionalChain(obj, (o) => this.getProp(o, pa.name.text, pa));
        return this.getProp(obj, pa.name.text, pa);
      }
      case ts.SyntaxKind.ElementAccessExpression: {
        const ea = e as ts.ElementAccessExpression;
        const obj = this.eval(ea.expression, scope);
        const key = this.eval(ea.argumentExpression, scope);
        if (ea.questionDotToken) return this.optionalChain(obj, (o) => this.getElem(o, key, ea));
        return this.getElem(obj, key, ea);
      }
      case ts.SyntaxKind.CallExpression:
        return this.evalCall(e as ts.CallExpression, scope);
      case ts.SyntaxKind.NewExpression: {
        const ne = e as ts.NewExpression;
        const ctor = this.eval(ne.expression, scope);
        const args = (ne.arguments ?? []).map((a) => this.eval(a, scope));
        if (ctor === Array && args.length === 1 && typeof args[0] === 'number') return this.fresh(new Array(args[0]).fill(undefined));
        this.outside(e, '`new`', 'use object and array literals');
        break;
      }
      case ts.SyntaxKind.ConditionalExpression: {
        const ce = e as ts.ConditionalExpression;
        const c = this.cond(ce.condition, scope);
        if (c === true) return this.eval(ce.whenTrue, scope);
        if (c === false) return this.eval(ce.whenFalse, scope);
        const a = this.under(c, () => this.eval(ce.whenTrue, scope));
        const b = this.under(alg.not(c), () => this.eval(ce.whenFalse, scope));
        return alg.merge(c, a, b);
      }
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.prefix(e as ts.PrefixUnaryExpression, scope);
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const pe = e as ts.PostfixUnaryExpression;
        const old = this.eval(pe.operand, scope);
        const nv = this.arith(pe.operator === ts.SyntaxKind.PlusPlusToken ? '+' : '-', old, 1, pe);
        this.assign(pe.operand, nv, scope);
        return old;
      }
      case ts.SyntaxKind.BinaryExpression:
        return this.binary(e as ts.BinaryExpression, scope);
      case ts.SyntaxKind.TypeOfExpression: {
        const v = this.eval((e as ts.TypeOfExpression).expression, scope);
        if (v instanceof SymBool) return 'boolean';
        if (v instanceof SymInt) return 'number';
        if (v instanceof SymStr) return 'string';
        if (isSym(v)) this.outside(e, 'typeof of a value that may be null', 'compare with null');
        return typeof v;
      }
    }
    this.outside(e, `the expression kind ${ts.SyntaxKind[e.kind]}`, 'rewrite it with the constructs listed in docs/symbolic.md');
  }

  /** Evaluates f with `alive` narrowed by c (for the arms of ?:, &&, ||). */
  private under<T>(c: BoolLike, f: () => T): T {
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
  private unguarded<T>(f: () => T): T {
    const fr = this.frame;
    const a0 = fr.alive;
    fr.alive = true;
    try {
      return f();
    } finally {
      fr.alive = a0;
    }
  }

  private optionalChain(obj: SVal, f: (o: SVal) => SVal): SVal {
    const n = this.alg.isNullish(obj);
    if (n === true) return undefined;
    const inner = obj instanceof SymOpt ? obj.val : obj;
    if (inner === undefined) return undefined;
    const v = this.under(this.alg.not(n), () => f(inner));
    return this.alg.merge(n, undefined, v);
  }

  private lookup(id: ts.Identifier, scope: Scope): SVal {
    const slot = scope.lookup(id.text);
    if (slot) return slot.v;
    if (Object.hasOwn(HOST_GLOBALS, id.text)) return HOST_GLOBALS[id.text];
    this.fail(id, `cannot resolve '${id.text}'`, 'the symbolic engine reads variables of the spec and model modules and the globals Math, Array, Object, Number');
  }

  private objectLiteral(o: ts.ObjectLiteralExpression, scope: Scope): SVal {
    const out: Record<string, SVal> = {};
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        let key: string;
        if (ts.isComputedPropertyName(p.name)) {
          const k = this.eval(p.name.expression, scope);
          if (typeof k !== 'string' && typeof k !== 'number') this.outside(p.name, 'a state-dependent computed key', 'use a constant key');
          key = String(k);
        } else key = this.propName(p.name);
        out[key] = this.eval(p.initializer, scope);
      } else if (ts.isShorthandPropertyAssignment(p)) out[p.name.text] = this.lookup(p.name, scope);
      else if (ts.isSpreadAssignment(p)) {
        const v = this.materialize(this.eval(p.expression, scope), p);
        if (v === null || v === undefined) continue;
        if (typeof v !== 'object' || isSym(v)) this.outside(p, `spreading ${describe(v)}`, 'spread records');
        Object.assign(out, v);
      } else if (ts.isMethodDeclaration(p)) out[this.propName(p.name)] = new Closure(p, scope, this.frame.unit);
      else this.outside(p, 'a getter or setter', 'use a plain field');
    }
    return this.fresh(out);
  }

  /** A Choice of records/arrays as one record/array of merged fields (a copy). */
  materialize(v: SVal, node: ts.Node): SVal {
    if (!(v instanceof Choice)) return v;
    const first = v.opts[0]!.v;
    if (Array.isArray(first)) {
      const len = first.length;
      if (v.opts.some((o) => !Array.isArray(o.v) || o.v.length !== len))
        this.fail(node, 'arrays of different lengths under a state-dependent condition', 'keep array lengths constant');
      return this.fresh(Array.from({ length: len }, (_, i) => this.materialize(this.alg.get(v, i), node)));
    }
    const keys = new Set<string>();
    for (const o of v.opts) if (o.v && typeof o.v === 'object') for (const k of Object.keys(o.v)) keys.add(k);
    const out: Record<string, SVal> = {};
    for (const k of keys) out[k] = this.materialize(this.alg.get(v, k), node);
    return this.fresh(out);
  }

  private getProp(obj: SVal, key: string | number, node: ts.Node): SVal {
    if (Array.isArray(obj) && key === 'length') return obj.length;
    if (typeof obj === 'string') return (obj as any)[key];
    if (obj instanceof SymStr) this.outside(node, `${keyText(key)} of a state-dependent string`, 'compare enum values with ===');
    if (obj instanceof Filtered) return this.filteredGet(obj, key, node);
    if (obj instanceof SymOpt) {
      if (obj.val === undefined) this.fail(node, `reads ${keyText(key)} of null or undefined`, 'test for null first');
      // JavaScript throws a TypeError here: an error of the spec where it is reachable.
      this.errorIf(obj.isNull, node, `reads ${keyText(key)} of null or undefined`);
      return this.under(this.alg.not(obj.isNull), () => this.getProp(obj.val, key, node));
    }
    if (obj instanceof Choice)
      return this.located(node, () => this.alg.select(obj.opts.map((o) => ({ c: o.c, v: this.under(o.c, () => this.getProp(o.v, key, node)) }))));
    return this.located(node, () => this.alg.get(obj, key));
  }

  /** Reads of filter's result: .length and [k] (the k-th element that passed, or undefined). */
  private filteredGet(f: Filtered, key: string | number, node: ts.Node): SVal {
    const alg = this.alg;
    if (key === 'length') return alg.count(f.items.map((it) => it.c));
    if (typeof key === 'number' && Number.isInteger(key) && key >= 0) {
      const opts: { c: BoolLike; v: SVal }[] = [];
      f.items.forEach((it, j) => {
        const before = alg.count(f.items.slice(0, j).map((x) => x.c));
        opts.push({ c: alg.and(it.c, alg.eq(before, key) as BoolLike), v: it.v });
      });
      opts.push({ c: true, v: undefined });
      return this.located(node, () => this.firstOf(opts));
    }
    this.outside(node, `${keyText(key)} of the result of filter`, FILTERED_READS);
  }

  /** The value of the first option whose condition holds (the last option's condition must be true). */
  private firstOf(opts: readonly { c: BoolLike; v: SVal }[]): SVal {
    let acc = opts[opts.length - 1]!.v;
    for (let i = opts.length - 2; i >= 0; i--) acc = this.alg.merge(opts[i]!.c, opts[i]!.v, acc);
    return acc;
  }

  private getElem(obj: SVal, key: SVal, node: ts.Node): SVal {
    if (typeof key === 'number' || typeof key === 'string') return this.getProp(obj, key, node);
    if (key instanceof SymInt) {
      if (Array.isArray(obj)) return this.alg.index(obj, key);
      if (obj instanceof Choice) return this.alg.select(obj.opts.map((o) => ({ c: o.c, v: this.getElem(o.v, key, node) })));
      if (obj instanceof SymOpt && obj.val !== undefined) return this.getElem(obj.val, key, node);
    }
    if (key instanceof SymOpt && key.val !== undefined) return this.getElem(obj, key.val, node);
    this.outside(node, `indexing ${describe(obj)} with ${describe(key)}`, 'index arrays with integers (refs, parameters, loop variables)');
  }

  // ---- writes -------------------------------------------------------------

  private assign(target: ts.Node, v: SVal, scope: Scope): void {
    const alive = this.frame.alive;
    if (alive === false) return;
    if (ts.isParenthesizedExpression(target) || ts.isNonNullExpression(target) || ts.isAsExpression(target))
      return this.assign(target.expression, v, scope);
    if (ts.isIdentifier(target)) {
      const slot = scope.lookup(target.text);
      if (!slot) this.fail(target, `assignment to undeclared '${target.text}'`, 'declare it with let');
      if (!slot.mutable) this.fail(target, `assignment to constant '${target.text}'`, 'declare it with let');
      slot.v = slot.alive !== undefined && sameCond(alive, slot.alive) ? v : this.alg.merge(alive, v, slot.v);
      return;
    }
    if (ts.isPropertyAccessExpression(target)) {
      const obj = this.eval(target.expression, scope);
      return this.setProp(obj, target.name.text, v, alive, target);
    }
    if (ts.isElementAccessExpression(target)) {
      const obj = this.eval(target.expression, scope);
      const key = this.eval(target.argumentExpression, scope);
      return this.setProp(obj, key, v, alive, target);
    }
    this.outside(target, 'this assignment target', 'assign to a variable, a field or an array element');
  }

  private setProp(obj: SVal, key: SVal, v: SVal, alive: BoolLike, node: ts.Node): void {
    if (alive === false) return;
    if (obj instanceof Choice) {
      for (const o of obj.opts) this.setProp(o.v, key, v, this.alg.and(alive, o.c), node);
      return;
    }
    if (obj instanceof SymOpt) {
      if (obj.val === undefined) this.fail(node, 'a write through null', 'check for null first');
      return this.setProp(obj.val, key, v, alive, node);
    }
    if (typeof obj !== 'object' || obj === null || isSym(obj)) this.fail(node, `a write into ${describe(obj)}`, 'write fields of n');
    if (!this.writable.has(obj))
      this.fail(node, 'a write into the current state, a parameter or a configuration value', 'write the next state n; s is read-only');
    if (key instanceof SymInt) {
      if (!Array.isArray(obj)) this.fail(node, 'a state-dependent key into a record', 'use constant field names');
      // JavaScript would grow the array: the state's arrays have a fixed length, so it is an error.
      const inside = this.alg.inBounds(key, obj.length);
      this.errorIf(this.alg.and(alive, this.alg.not(inside)), node, 'a write at an index outside the array');
      for (let j = Math.max(0, key.lo); j <= Math.min(obj.length - 1, key.hi); j++)
        this.setProp(obj, j, v, this.alg.and(alive, key.lo === key.hi ? true : new SymBool(key.e.eq(this.alg.num(j)))), node);
      return;
    }
    if (key instanceof SymOpt && key.val !== undefined) return this.setProp(obj, key.val, v, alive, node);
    if (typeof key !== 'string' && typeof key !== 'number') this.fail(node, `a write with key ${describe(key)}`, 'use integer indices');
    if (Array.isArray(obj) && typeof key === 'number' && (key < 0 || key >= obj.length || !Number.isInteger(key)))
      this.fail(node, `a write at index ${key} of an array of length ${obj.length}`, 'arrays of the state have a fixed length');
    const o = obj as Record<string | number, SVal>;
    o[key] = this.located(node, () => this.alg.merge(alive, v, o[key]));
  }

  // ---- operators ----------------------------------------------------------

  private prefix(e: ts.PrefixUnaryExpression, scope: Scope): SVal {
    const alg = this.alg;
    switch (e.operator) {
      case ts.SyntaxKind.ExclamationToken:
        return alg.not(this.cond(e.operand, scope));
      case ts.SyntaxKind.MinusToken: {
        const v = this.eval(e.operand, scope);
        if (typeof v === 'number') return -v;
        return this.arith('-', 0, v, e);
      }
      case ts.SyntaxKind.PlusToken: {
        const v = this.eval(e.operand, scope);
        if (v instanceof SymInt || typeof v === 'number') return v;
        if (isSym(v)) this.outside(e, `unary + of ${describe(v)}`, 'use integers');
        return +(v as any);
      }
      case ts.SyntaxKind.PlusPlusToken:
      case ts.SyntaxKind.MinusMinusToken: {
        const old = this.eval(e.operand, scope);
        const nv = this.arith(e.operator === ts.SyntaxKind.PlusPlusToken ? '+' : '-', old, 1, e);
        this.assign(e.operand, nv, scope);
        return nv;
      }
    }
    this.outside(e, `the operator ${ts.tokenToString(e.operator)}`, 'use integer and boolean operators');
  }

  private arith(op: string, a: SVal, b: SVal, node: ts.Node): SVal {
    if (!isSym(a) && !isSym(b)) {
      const x = a as any;
      const y = b as any;
      switch (op) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return x / y;
        case '%': return x % y;
        case '<': return x < y;
        case '<=': return x <= y;
        case '>': return x > y;
        case '>=': return x >= y;
        case '&': return x & y;
        case '|': return x | y;
        case '^': return x ^ y;
        case '<<': return x << y;
        case '>>': return x >> y;
        case '**': return x ** y;
      }
    }
    const cmp = op === '<' || op === '<=' || op === '>' || op === '>=';
    for (const side of [0, 1] as const) {
      const o = side === 0 ? a : b;
      if (!(o instanceof SymOpt) && o !== null && o !== undefined) continue;
      const opt = this.alg.toOpt(o);
      const put = (v: SVal) => (side === 0 ? this.arith(op, v, b, node) : this.arith(op, a, v, node));
      if (cmp) {
        // JavaScript compares undefined as NaN (false) and null as 0.
        const isNull = this.alg.and(opt.isNull, this.alg.not(opt.isUndef));
        const whenNull = isNull === false ? false : (this.under(isNull, () => put(0)) as BoolLike);
        const whenVal = opt.val === undefined ? false : (this.under(this.alg.not(opt.isNull), () => put(opt.val)) as BoolLike);
        return this.alg.mergeBool(opt.isNull, this.alg.mergeBool(opt.isUndef, false, whenNull), whenVal);
      }
      if (opt.val === undefined) this.outside(node, `the operator ${op} on ${describe(o)}`, 'use integer arithmetic on integer fields');
      this.errorIf(opt.isNull, node, `the operator ${op} on null or undefined (NaN in JavaScript) is outside the modelling subset`);
      return put(opt.val);
    }
    const ints = (v: SVal) => v instanceof SymInt || (typeof v === 'number' && Number.isInteger(v));
    if (!ints(a) || !ints(b))
      this.outside(node, `the operator ${op} on ${describe(a)} and ${describe(b)}`, 'use integer arithmetic on integer fields');
    const alg = this.alg;
    const x = alg.int(a as number | SymInt);
    const y = alg.int(b as number | SymInt);
    switch (op) {
      case '+':
      case '-':
      case '*': {
        const [al, ah] = alg.range(a as number | SymInt);
        const [bl, bh] = alg.range(b as number | SymInt);
        let lo = -Infinity;
        let hi = Infinity;
        if ([al, ah, bl, bh].every(Number.isFinite)) {
          if (op === '+') [lo, hi] = [al + bl, ah + bh];
          else if (op === '-') [lo, hi] = [al - bh, ah - bl];
          else {
            const ps = [al * bl, al * bh, ah * bl, ah * bh];
            [lo, hi] = [Math.min(...ps), Math.max(...ps)];
          }
        }
        const { r, ok } = alg.op(op, x, y);
        // Known bounds: a result that could not fit made alg.symInt ask for a wider encoding.
        if (Number.isFinite(lo) && Number.isFinite(hi)) return alg.symInt(r, lo, hi);
        if (ok !== true) this.errorIf(alg.not(new SymBool(ok)), node, `integer overflow of the ${alg.bits}-bit encoding`);
        return new SymInt(r);
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        return new SymBool(alg.cmp(op, x, y));
      case '%': {
        if (typeof b !== 'number' || b <= 0) this.outside(node, '% by a state-dependent or non-positive divisor', 'divide by a positive constant');
        const [al, ah] = alg.range(a as number | SymInt);
        return new SymInt(alg.truncDivRem(x, b).r, al >= 0 ? 0 : -(b - 1), al >= 0 ? Math.min(ah, b - 1) : b - 1);
      }
      case '/':
        this.outside(node, '/ on state-dependent integers (JavaScript division is not integer division)', 'write Math.floor(a / c) with a positive constant c');
    }
    this.outside(node, `the operator ${op} on state-dependent values`, 'use + - * % and comparisons');
  }

  private binary(e: ts.BinaryExpression, scope: Scope): SVal {
    const alg = this.alg;
    const op = e.operatorToken.kind;
    const K = ts.SyntaxKind;
    switch (op) {
      case K.EqualsToken: {
        const v = this.eval(e.right, scope);
        this.assign(e.left, v, scope);
        return v;
      }
      case K.AmpersandAmpersandToken:
      case K.BarBarToken: {
        const a = this.eval(e.left, scope);
        const t = alg.truthy(a);
        const and = op === K.AmpersandAmpersandToken;
        if (t === !and) return a;
        if (t === and) return this.eval(e.right, scope);
        const b = this.under(and ? t : alg.not(t), () => this.eval(e.right, scope));
        const boolish = (v: SVal) => typeof v === 'boolean' || v instanceof SymBool;
        if (boolish(a) && boolish(b)) return and ? alg.and(a as BoolLike, b as BoolLike) : alg.or(a as BoolLike, b as BoolLike);
        return and ? alg.merge(t, b, a) : alg.merge(t, a, b);
      }
      case K.QuestionQuestionToken: {
        const a = this.eval(e.left, scope);
        const n = alg.isNullish(a);
        if (n === false) return a;
        if (n === true) return this.eval(e.right, scope);
        const b = this.under(n, () => this.eval(e.right, scope));
        return alg.coalesce(a, b);
      }
      case K.CommaToken:
        this.eval(e.left, scope);
        return this.eval(e.right, scope);
      case K.EqualsEqualsEqualsToken:
        return alg.eq(this.eval(e.left, scope), this.eval(e.right, scope));
      case K.ExclamationEqualsEqualsToken:
        return alg.not(alg.eq(this.eval(e.left, scope), this.eval(e.right, scope)));
      case K.EqualsEqualsToken:
        return this.looseEq(this.eval(e.left, scope), this.eval(e.right, scope), e);
      case K.ExclamationEqualsToken:
        return alg.not(this.looseEq(this.eval(e.left, scope), this.eval(e.right, scope), e));
      case K.PlusEqualsToken:
      case K.MinusEqualsToken:
      case K.AsteriskEqualsToken: {
        const old = this.eval(e.left, scope);
        const r = this.eval(e.right, scope);
        const nv = this.arith(op === K.PlusEqualsToken ? '+' : op === K.MinusEqualsToken ? '-' : '*', old, r, e);
        this.assign(e.left, nv, scope);
        return nv;
      }
      case K.BarBarEqualsToken:
      case K.AmpersandAmpersandEqualsToken:
      case K.QuestionQuestionEqualsToken:
        this.outside(e, 'logical assignment', 'write x = x || y');
    }
    const a = this.eval(e.left, scope);
    const b = this.eval(e.right, scope);
    const names: Partial<Record<ts.SyntaxKind, string>> = {
      [K.PlusToken]: '+', [K.MinusToken]: '-', [K.AsteriskToken]: '*', [K.SlashToken]: '/', [K.PercentToken]: '%',
      [K.LessThanToken]: '<', [K.LessThanEqualsToken]: '<=', [K.GreaterThanToken]: '>', [K.GreaterThanEqualsToken]: '>=',
      [K.AmpersandToken]: '&', [K.BarToken]: '|', [K.CaretToken]: '^', [K.LessThanLessThanToken]: '<<',
      [K.GreaterThanGreaterThanToken]: '>>', [K.AsteriskAsteriskToken]: '**',
    };
    const name = names[op];
    if (!name) {
      if (!isSym(a) && !isSym(b) && op === K.InKeyword) return (a as any) in (b as any);
      this.outside(e, `the operator ${ts.tokenToString(op)}`, 'use integer and boolean operators');
    }
    if (name === '+' && (typeof a === 'string' || typeof b === 'string' || a instanceof SymStr || b instanceof SymStr)) {
      if (isSym(a) || isSym(b)) this.outside(e, 'string concatenation with a state-dependent part', 'build strings from constants only');
      return (a as string) + (b as string);
    }
    return this.arith(name, a, b, e);
  }

  /**
   * ==: JavaScript converts between kinds (1 == '1', true == 1); the subset
   * takes == only where no conversion happens: values of one kind, or a
   * comparison with null/undefined (null == undefined).
   */
  private looseEq(a: SVal, b: SVal, node: ts.Node): BoolLike {
    if (!isSym(a) && !isSym(b)) return (a as any) == (b as any);
    const kind = (v: SVal): string => {
      if (v instanceof SymOpt) return v.val === undefined ? 'nullish' : kind(v.val);
      if (v === null || v === undefined) return 'nullish';
      if (v instanceof SymInt || typeof v === 'number') return 'number';
      if (v instanceof SymBool || typeof v === 'boolean') return 'boolean';
      if (v instanceof SymStr || typeof v === 'string') return 'string';
      return 'object';
    };
    const ka = kind(a);
    const kb = kind(b);
    if (ka !== kb && ka !== 'nullish' && kb !== 'nullish')
      this.outside(node, `== between ${describe(a)} and ${describe(b)} (JavaScript converts one to the other's type)`, 'compare values of one type with ===');
    return this.alg.eq(a, b, true);
  }

  // ---- calls --------------------------------------------------------------

  private evalCall(e: ts.CallExpression, scope: Scope): SVal {
    // Math.floor(a / c): the division is integer division, so it must not be evaluated on its own.
    const arg0 = e.arguments.length === 1 ? stripParens(e.arguments[0]!) : undefined;
    if (arg0 && ts.isBinaryExpression(arg0) && arg0.operatorToken.kind === ts.SyntaxKind.SlashToken && !ts.isCallExpression(e.expression)) {
      const fn = this.eval(e.expression, scope);
      if (fn === Math.floor || fn === Math.trunc) return this.intDiv(arg0, scope, fn === Math.floor);
    }
    const args: SVal[] = [];
    for (const a of e.arguments) {
      if (ts.isSpreadElement(a)) {
        const v = this.eval(a.expression, scope);
        if (!Array.isArray(v)) this.outside(a, `spreading ${describe(v)}`, 'spread arrays');
        args.push(...v);
      } else args.push(this.eval(a, scope));
    }
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const recv = this.eval(callee.expression, scope);
      const name = callee.name.text;
      if (callee.questionDotToken) return this.optionalChain(recv, (o) => this.method(o, name, args, e));
      return this.method(recv, name, args, e);
    }
    if (e.questionDotToken) this.outside(e, 'an optional call', 'call the function directly');
    const fn = this.eval(callee, scope);
    return this.callValue(fn, args, e, undefined);
  }

  private intDiv(d: ts.BinaryExpression, scope: Scope, floor: boolean): SVal {
    const a = this.eval(d.left, scope);
    const b = this.eval(d.right, scope);
    if (!isSym(a) && !isSym(b)) return floor ? Math.floor((a as number) / (b as number)) : Math.trunc((a as number) / (b as number));
    if (typeof b !== 'number' || b <= 0 || !Number.isInteger(b) || !(a instanceof SymInt))
      this.outside(d, 'division by a state-dependent or non-positive divisor', 'divide by a positive integer constant');
    const alg = this.alg;
    const { q, r } = alg.truncDivRem(a.e, b);
    const f = floor ? Math.floor : Math.trunc;
    const lo = f(a.lo / b);
    const hi = f(a.hi / b);
    if (!floor || a.lo >= 0) return new SymInt(q, lo, hi);
    // floor = trunc - 1 when the remainder is negative
    return alg.symInt(alg.z.If(alg.cmp('<', r, alg.num(0)), q.sub(alg.num(1)), q) as ZInt, lo, hi);
  }

  private callValue(fn: SVal, args: SVal[], node: ts.Node, thisArg: SVal): SVal {
    const clo = this.closureOf(fn);
    if (clo) return this.invoke(clo, args, node, thisArg);
    if (fn instanceof Choice) this.outside(node, 'a call of a state-dependent function', 'call functions directly');
    if (typeof fn !== 'function') this.fail(node, `calls ${describe(fn)}`, 'call a function');
    const intrinsic = this.hostIntrinsic(fn, args, node);
    if (intrinsic.done) return intrinsic.value;
    if (!isConcrete(args) || !isConcrete(thisArg))
      this.outside(
        node,
        `a call of ${fn.name || 'a library function'} with state-dependent arguments`,
        LIBRARY_CALL_HINT,
      );
    return Reflect.apply(fn as Function, thisArg, args);
  }

  /** A library function the table models (./library.ts), if it models this call. */
  private hostIntrinsic(fn: Function, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    const entry = libraryFunction(fn);
    const value = entry ? entry.apply(this.library, args, node) : AS_JAVASCRIPT;
    return value === AS_JAVASCRIPT ? { done: false } : { done: true, value };
  }

  private method(recv: SVal, name: string, args: SVal[], node: ts.Node): SVal {
    if (Array.isArray(recv) || recv instanceof Filtered) {
      const r = this.arrayMethod(recv, name, args, node);
      if (r.done) return r.value;
    }
    if (recv instanceof Choice && recv.opts.every((o) => Array.isArray(o.v)))
      return this.alg.select(recv.opts.map((o) => ({ c: o.c, v: this.under(o.c, () => this.method(o.v, name, args, node)) })));
    if (recv instanceof SymStr || recv instanceof SymInt || recv instanceof SymBool)
      this.outside(node, `the method .${name}() on ${describe(recv)}`, 'compare values with === and use arithmetic');
    const fn = this.getProp(recv, name, node);
    return this.callValue(fn, args, node, recv);
  }

  /**
   * Calls f on the items in order until one gives `stop` (truthy for some/find,
   * falsy for every), as JavaScript does: later calls run only on paths where
   * no earlier one stopped, so their side effects are guarded the same way.
   * found: some item stopped; hits[i]: item i is the one that stopped.
   */
  private shortCircuit<T extends { c: BoolLike }>(items: readonly T[], stop: boolean, f: (it: T) => SVal): { found: BoolLike; hits: BoolLike[] } {
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

  /** An array method the table models (./library.ts), if it models this call. */
  private arrayMethod(arr: SVal[] | Filtered, name: string, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    let value: SVal | typeof AS_JAVASCRIPT;
    if (arr instanceof Filtered) {
      const entry = filteredMethod(name);
      if (!entry) this.outside(node, `.${name}() on the result of filter`, FILTERED_READS);
      value = entry.apply(this.library, arr, args, node);
    } else {
      const entry = arrayMethod(name);
      value = entry ? entry.apply(this.library, arr, args, node) : AS_JAVASCRIPT;
    }
    return value === AS_JAVASCRIPT ? { done: false } : { done: true, value };
  }
}

function keyText(key: string | number): string {
  return typeof key === 'number' ? `[${key}]` : `.${key}`;
}

function boundNamesOf(name: ts.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) boundNamesOf(el.name, out);
}

function stripParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

function isPlainObject(v: SVal): v is Record<string, SVal> {
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
function sameCond(a: BoolLike, b: BoolLike): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  return a.e.eqIdentity(b.e);
}
