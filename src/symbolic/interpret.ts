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

export class Closure {
  constructor(
    readonly node: FunctionNode,
    readonly scope: Scope,
    readonly unit: SourceUnit,
  ) {}
}

interface Slot {
  v: SVal;
  readonly mutable: boolean;
  /**
   * The path condition under which a `let` was declared. Only those paths
   * can see the variable, so an assignment under that same condition
   * replaces the value instead of merging it with the old one: a counter
   * declared inside `if (state)` stays a constant.
   */
  readonly alive?: BoolLike;
}

class Scope {
  private readonly vars = new Map<string, Slot>();
  private readonly capCache = new Map<string, Slot>();
  constructor(
    readonly parent?: Scope,
    readonly captured?: Readonly<Record<string, () => unknown>>,
  ) {}
  declare(name: string, v: SVal, mutable: boolean, alive?: BoolLike): void {
    this.vars.set(name, { v, mutable, alive });
  }
  lookup(name: string): Slot | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const slot = s.vars.get(name);
      if (slot) return slot;
      if (s.captured && Object.hasOwn(s.captured, name)) {
        let c = s.capCache.get(name);
        if (!c) {
          c = { v: s.captured[name]!(), mutable: false };
          s.capCache.set(name, c);
        }
        return c;
      }
    }
    return undefined;
  }
}

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

const SUBSET =
  'the symbolic engine translates: const/let, if/else, return, ternaries, boolean and integer ' +
  'operators, comparisons, string (enum) literals, field and index access, assignments into n, ' +
  'loops with constant bounds, switch, and calls of functions defined in specs/ or models/';

export class Interpreter {
  private frame!: Frame;
  private depth = 0;
  /** Condition under which the code ran into a `throw`. */
  throws: BoolLike = false;
  throwSite?: string;
  /** Objects the code may write: the next state and what the code itself built. */
  private readonly writable = new WeakSet<object>();

  constructor(readonly alg: Algebra) {}

  /** Integer overflow of the bit-vector encoding is an error of the check, like a throw. */
  private overflowIf(c: BoolLike, node: ts.Node): void {
    const c2 = this.alg.and(this.frame.alive, c);
    if (c2 === false) return;
    this.throws = this.alg.or(this.throws, c2);
    this.throwSite ??= `${where(this.frame.unit, node)}: integer overflow of the ${this.alg.bits}-bit encoding`;
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
    throw new SpecError(instead ? `${msg}; ${instead}` : `${msg} (${SUBSET})`);
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
          v = args[i];
          if (v === undefined && p.initializer) v = this.eval(p.initializer, scope);
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
        let x = this.located(el, () => this.alg.get(v, key));
        if (x === undefined && el.initializer) x = this.eval(el.initializer, scope);
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
      let x = this.located(el, () => this.alg.get(v, i));
      if (x === undefined && el.initializer) x = this.eval(el.initializer, scope);
      this.bind(el.name, x, scope, mutable);
    });
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
    const scope = new Scope(outer);
    if (st.initializer) {
      if (ts.isVariableDeclarationList(st.initializer)) this.declareList(st.initializer, scope);
      else this.eval(st.initializer, scope);
    }
    let first = true;
    // The loop's own variables (for (let i ...)) are not seen by paths that left the loop
    // by break or return, so the increment is unconditional: i stays a constant.
    const own = !!st.initializer && ts.isVariableDeclarationList(st.initializer);
    this.loop(
      () => this.exec(st.statement, new Scope(scope)),
      () => {
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

  private getProp(obj: SVal, key: string, node: ts.Node): SVal {
    if (Array.isArray(obj) && key === 'length') return obj.length;
    if (typeof obj === 'string') return (obj as any)[key];
    if (obj instanceof SymStr) this.outside(node, `.${key} of a state-dependent string`, 'compare enum values with ===');
    return this.located(node, () => this.alg.get(obj, key));
  }

  private getElem(obj: SVal, key: SVal, node: ts.Node): SVal {
    if (typeof key === 'number' || typeof key === 'string') return this.getProp(obj, key as string, node);
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
      obj.forEach((_, j) => this.setProp(obj, j, v, this.alg.and(alive, new SymBool(key.e.eq(this.alg.num(j)))), node));
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
        const { r, ok } = alg.op(op, x, y);
        if (ok !== true) this.overflowIf(alg.not(new SymBool(ok)), node);
        return new SymInt(r);
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        return new SymBool(alg.cmp(op, x, y));
      case '%': {
        if (typeof b !== 'number' || b <= 0) this.outside(node, '% by a state-dependent or non-positive divisor', 'divide by a positive constant');
        return new SymInt(alg.truncDivRem(x, b).r);
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
      case K.EqualsEqualsToken:
        return alg.eq(this.eval(e.left, scope), this.eval(e.right, scope));
      case K.ExclamationEqualsEqualsToken:
      case K.ExclamationEqualsToken:
        return alg.not(alg.eq(this.eval(e.left, scope), this.eval(e.right, scope)));
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

  // ---- calls --------------------------------------------------------------

  private evalCall(e: ts.CallExpression, scope: Scope): SVal {
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
    if (fn === Math.floor || fn === Math.trunc) {
      const arg = e.arguments[0];
      if (arg && ts.isBinaryExpression(stripParens(arg)) && (stripParens(arg) as ts.BinaryExpression).operatorToken.kind === ts.SyntaxKind.SlashToken)
        return this.intDiv(stripParens(arg) as ts.BinaryExpression, scope, fn === Math.floor);
    }
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
    if (!floor) return new SymInt(q);
    // floor = trunc - 1 when the remainder is negative
    return new SymInt(alg.z.If(alg.cmp('<', r, alg.num(0)), q.sub(alg.num(1)), q) as ZInt);
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
        'define the helper in the spec or under models/ (it is then inlined), or use array methods every/some/map/filter/reduce/includes/indexOf/find',
      );
    return Reflect.apply(fn as Function, thisArg, args);
  }

  private hostIntrinsic(fn: Function, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    const alg = this.alg;
    const done = (value: SVal) => ({ done: true, value });
    if (fn === Math.min || fn === Math.max) {
      if (isConcrete(args)) return { done: false };
      const ints = args as (number | SymInt)[];
      let acc: SVal = ints[0];
      for (const x of ints.slice(1)) {
        const less = this.arith('<', x, acc, node) as BoolLike;
        acc = alg.merge(fn === Math.min ? less : alg.not(less), x, acc);
      }
      return done(acc);
    }
    if (fn === Math.abs && args[0] instanceof SymInt) {
      const x = args[0];
      return done(alg.merge(new SymBool(alg.cmp('<', x.e, alg.num(0))), this.arith('-', 0, x, node), x));
    }
    if ((fn === Math.floor || fn === Math.trunc || fn === Math.ceil || fn === Math.round) && args[0] instanceof SymInt) return done(args[0]);
    if (fn === Boolean) return done(alg.truthy(args[0]));
    if (fn === Number && args[0] instanceof SymBool) return done(alg.merge(args[0], 1, 0));
    if (fn === Number && args[0] instanceof SymInt) return done(args[0]);
    if (fn === Array) return done(this.fresh(new Array(args[0] as number).fill(undefined)));
    if (fn === Array.isArray) return done(Array.isArray(args[0]));
    if (fn === Array.from) {
      const src = args[0];
      const cb = args[1];
      let items: SVal[];
      if (Array.isArray(src)) items = [...src];
      else if (src && typeof src === 'object' && !isSym(src) && typeof (src as any).length === 'number')
        items = new Array((src as any).length).fill(undefined);
      else this.outside(node, `Array.from of ${describe(src)}`, 'use Array.from({ length: N }, f) with a constant N');
      if (cb !== undefined) items = items.map((v, i) => this.callValue(cb, [v, i], node, undefined));
      return done(this.fresh(items));
    }
    if (fn === Object.keys || fn === Object.values || fn === Object.entries) {
      const o = this.materialize(args[0], node);
      if (typeof o !== 'object' || o === null || isSym(o)) this.outside(node, `${fn.name} of ${describe(o)}`, 'use it on records');
      const r = fn === Object.keys ? Object.keys(o) : fn === Object.values ? Object.values(o) : Object.entries(o).map((kv) => this.fresh(kv));
      return done(this.fresh(r));
    }
    if (fn === Object.freeze) return done(args[0]);
    return { done: false };
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

  private arrayMethod(arr: SVal[] | Filtered, name: string, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    const alg = this.alg;
    const done = (value: SVal) => ({ done: true, value });
    const cb = (f: SVal, ...a: SVal[]) => this.callValue(f, a, node, undefined);
    if (arr instanceof Filtered) {
      const items = arr.items;
      switch (name) {
        case 'some':
          return done(alg.or(...items.map((it, i) => alg.and(it.c, this.under(it.c, () => alg.truthy(cb(args[0], it.v, i)))))));
        case 'every':
          return done(alg.and(...items.map((it, i) => alg.or(alg.not(it.c), this.under(it.c, () => alg.truthy(cb(args[0], it.v, i)))))));
      }
      this.outside(node, `.${name}() on the result of filter`, 'use .length, .some or .every of a filter, or count with reduce');
    }
    switch (name) {
      case 'every':
        return done(alg.and(...arr.map((v, i) => alg.truthy(cb(args[0], v, i, arr)))));
      case 'some':
        return done(alg.or(...arr.map((v, i) => alg.truthy(cb(args[0], v, i, arr)))));
      case 'map':
        return done(this.fresh(arr.map((v, i) => cb(args[0], v, i, arr))));
      case 'forEach':
        arr.forEach((v, i) => cb(args[0], v, i, arr));
        return done(undefined);
      case 'filter':
        return done(new Filtered(arr.map((v, i) => ({ c: alg.truthy(cb(args[0], v, i, arr)), v }))));
      case 'reduce': {
        let acc: SVal;
        let start = 0;
        if (args.length >= 2) acc = args[1];
        else {
          acc = arr[0];
          start = 1;
        }
        for (let i = start; i < arr.length; i++) acc = cb(args[0], acc, arr[i], i, arr);
        return done(acc);
      }
      case 'includes':
        return done(alg.or(...arr.map((v) => alg.eq(v, args[0]))));
      case 'indexOf':
      case 'findIndex': {
        let acc: SVal = -1;
        for (let i = arr.length - 1; i >= 0; i--) {
          const hit = name === 'indexOf' ? alg.eq(arr[i], args[0]) : alg.truthy(cb(args[0], arr[i], i, arr));
          acc = alg.merge(hit, i, acc);
        }
        return done(acc);
      }
      case 'find': {
        let acc: SVal = undefined;
        for (let i = arr.length - 1; i >= 0; i--) acc = alg.merge(alg.truthy(cb(args[0], arr[i], i, arr)), arr[i], acc);
        return done(acc);
      }
      case 'fill': {
        const [v, from = 0, to = arr.length] = args as [SVal, number?, number?];
        if (typeof from !== 'number' || typeof to !== 'number') this.outside(node, 'fill with state-dependent bounds', 'use constant bounds');
        for (let i = from; i < to; i++) this.setProp(arr, i, v, this.frame.alive, node);
        return done(arr);
      }
      case 'push':
        if (this.frame.alive !== true) this.outside(node, 'push under a state-dependent condition', 'build arrays of constant length');
        if (!this.writable.has(arr)) this.fail(node, 'push onto the state or a constant', 'arrays of the state have a fixed length');
        return done(arr.push(...args));
      case 'entries':
        return done(this.fresh(arr.map((v, i) => this.fresh([i, v]))));
      case 'keys':
        return done(this.fresh(arr.map((_, i) => i)));
      case 'values':
      case 'slice':
      case 'concat':
      case 'flat':
        if (!isConcrete(args)) this.outside(node, `.${name}() with state-dependent arguments`, 'use constant arguments');
        if (name === 'values') return done(this.fresh([...arr]));
        return done(this.fresh((arr as any)[name](...args)));
      case 'at':
        if (typeof args[0] !== 'number') return { done: false };
        return done(arr.at(args[0]));
    }
    return { done: false };
  }
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
