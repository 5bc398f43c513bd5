// Expressions of the modelling subset (see ./interpret-core.ts for the
// chain of jobs): literals, names, object and array literals, field and
// index reads (a state-dependent index selects among the elements), and
// writes into the next state and into objects the code built.

import { ts } from 'ts-morph';
import type { FunctionNode } from './instrument.ts';
import { Choice, Filtered, SymBool, SymInt, SymOpt, SymStr, describe, isSym, type BoolLike, type SVal } from './values.ts';
import { Closure, Scope } from './scope.ts';
import { HOST_GLOBALS, keyText, sameCond } from './interpret-core.ts';
import { StatementInterpreter } from './interpret-statements.ts';

export abstract class ExpressionInterpreter extends StatementInterpreter {
  protected cond(e: ts.Expression, scope: Scope): BoolLike {
    const v = this.eval(e, scope);
    return this.located(e, () => this.alg.truthy(v));
  }

  eval(e: ts.Expression, scope: Scope): SVal {
    return this.located(e, () => this.evalInner(e, scope));
  }

  protected evalInner(e: ts.Expression, scope: Scope): SVal {
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
        if (!slot) this.outside(e, '`this`', 'thisOutsideMethod');
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
          if (isSym(v)) this.outside(span, 'a template string with a state-dependent part', 'stateString');
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
            if (!Array.isArray(v)) this.outside(el, `spreading ${describe(v)}`, 'spreadArray');
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
        this.outside(e, '`new`', 'newExpr');
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
        if (isSym(v)) this.outside(e, 'typeof of a value that may be null', 'typeofNullable');
        return typeof v;
      }
    }
    this.outside(e, `the expression kind ${ts.SyntaxKind[e.kind]}`, 'expression');
  }

  protected optionalChain(obj: SVal, f: (o: SVal) => SVal): SVal {
    const n = this.alg.isNullish(obj);
    if (n === true) return undefined;
    const inner = obj instanceof SymOpt ? obj.val : obj;
    if (inner === undefined) return undefined;
    const v = this.under(this.alg.not(n), () => f(inner));
    return this.alg.merge(n, undefined, v);
  }

  protected lookup(id: ts.Identifier, scope: Scope): SVal {
    const slot = scope.lookup(id.text);
    if (slot) return slot.v;
    if (Object.hasOwn(HOST_GLOBALS, id.text)) return HOST_GLOBALS[id.text];
    this.fail(id, `cannot resolve '${id.text}'`, 'the symbolic engine reads variables of the spec and model modules and the globals Math, Array, Object, Number');
  }

  protected objectLiteral(o: ts.ObjectLiteralExpression, scope: Scope): SVal {
    const out: Record<string, SVal> = {};
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        let key: string;
        if (ts.isComputedPropertyName(p.name)) {
          const k = this.eval(p.name.expression, scope);
          if (typeof k !== 'string' && typeof k !== 'number') this.outside(p.name, 'a state-dependent computed key', 'computedKey');
          key = String(k);
        } else key = this.propName(p.name);
        out[key] = this.eval(p.initializer, scope);
      } else if (ts.isShorthandPropertyAssignment(p)) out[p.name.text] = this.lookup(p.name, scope);
      else if (ts.isSpreadAssignment(p)) {
        const v = this.materialize(this.eval(p.expression, scope), p);
        if (v === null || v === undefined) continue;
        if (typeof v !== 'object' || isSym(v)) this.outside(p, `spreading ${describe(v)}`, 'spreadRecord');
        Object.assign(out, v);
      } else if (ts.isMethodDeclaration(p)) out[this.propName(p.name)] = new Closure(p, scope, this.frame.unit);
      else this.outside(p, 'a getter or setter', 'accessor');
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

  protected getProp(obj: SVal, key: string | number, node: ts.Node): SVal {
    if (Array.isArray(obj) && key === 'length') return obj.length;
    if (typeof obj === 'string') return (obj as any)[key];
    if (obj instanceof SymStr) this.outside(node, `${keyText(key)} of a state-dependent string`, 'stringMember');
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
  protected filteredGet(f: Filtered, key: string | number, node: ts.Node): SVal {
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
    this.outside(node, `${keyText(key)} of the result of filter`, 'filteredRead');
  }

  protected getElem(obj: SVal, key: SVal, node: ts.Node): SVal {
    if (typeof key === 'number' || typeof key === 'string') return this.getProp(obj, key, node);
    if (key instanceof SymInt) {
      if (Array.isArray(obj)) return this.alg.index(obj, key);
      if (obj instanceof Choice) return this.alg.select(obj.opts.map((o) => ({ c: o.c, v: this.getElem(o.v, key, node) })));
      if (obj instanceof SymOpt && obj.val !== undefined) return this.getElem(obj.val, key, node);
    }
    if (key instanceof SymOpt && key.val !== undefined) return this.getElem(obj, key.val, node);
    // The advice for arrays ("index with integers") does not apply to filter's result: it takes a constant [k] only.
    if (obj instanceof Filtered) this.outside(node, `indexing the result of filter with ${describe(key)}`, 'filteredRead');
    this.outside(node, `indexing ${describe(obj)} with ${describe(key)}`, 'index');
  }

  protected assign(target: ts.Node, v: SVal, scope: Scope): void {
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
    this.outside(target, 'this assignment target', 'assignTarget');
  }

  protected setProp(obj: SVal, key: SVal, v: SVal, alive: BoolLike, node: ts.Node): void {
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

  protected abstract prefix(e: ts.PrefixUnaryExpression, scope: Scope): SVal;
  protected abstract binary(e: ts.BinaryExpression, scope: Scope): SVal;
  protected abstract evalCall(e: ts.CallExpression, scope: Scope): SVal;
}
