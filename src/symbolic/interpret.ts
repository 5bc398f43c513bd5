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
//
// The interpreter is a chain of classes, one module per job:
// ./interpret-core.ts (frames, errors, closures, bindings),
// ./interpret-statements.ts, ./interpret-expressions.ts,
// ./interpret-operators.ts, and here calls: closures are inlined, the
// JavaScript library goes through its table (./library.ts).

import { ts } from 'ts-morph';
import { Choice, Filtered, SymBool, SymInt, SymStr, describe, type SVal } from './values.ts';
import type { Scope } from './scope.ts';
import { AS_JAVASCRIPT, arrayMethod, filteredMethod, libraryFunction } from './library.ts';
import { isConcrete, stripParens } from './interpret-core.ts';
import { OperatorInterpreter } from './interpret-operators.ts';

export { isConcrete } from './interpret-core.ts';

export class Interpreter extends OperatorInterpreter {
  protected evalCall(e: ts.CallExpression, scope: Scope): SVal {
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
        if (!Array.isArray(v)) this.outside(a, `spreading ${describe(v)}`, 'spreadArray');
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
    if (e.questionDotToken) this.outside(e, 'an optional call', 'optionalCall');
    const fn = this.eval(callee, scope);
    return this.callValue(fn, args, e, undefined);
  }

  protected callValue(fn: SVal, args: SVal[], node: ts.Node, thisArg: SVal): SVal {
    const clo = this.closureOf(fn);
    if (clo) return this.invoke(clo, args, node, thisArg);
    if (fn instanceof Choice) this.outside(node, 'a call of a state-dependent function', 'stateCallee');
    if (typeof fn !== 'function') this.fail(node, `calls ${describe(fn)}`, 'call a function');
    const intrinsic = this.hostIntrinsic(fn, args, node);
    if (intrinsic.done) return intrinsic.value;
    if (!isConcrete(args) || !isConcrete(thisArg))
      this.outside(
        node,
        `a call of ${fn.name || 'a library function'} with state-dependent arguments`,
        'libraryCall',
      );
    return Reflect.apply(fn as Function, thisArg, args);
  }

  /** A library function the table models (./library.ts), if it models this call. */
  protected hostIntrinsic(fn: Function, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    const entry = libraryFunction(fn);
    const value = entry ? entry.apply(this.library, args, node) : AS_JAVASCRIPT;
    return value === AS_JAVASCRIPT ? { done: false } : { done: true, value };
  }

  protected method(recv: SVal, name: string, args: SVal[], node: ts.Node): SVal {
    if (Array.isArray(recv) || recv instanceof Filtered) {
      const r = this.arrayMethod(recv, name, args, node);
      if (r.done) return r.value;
    }
    if (recv instanceof Choice && recv.opts.every((o) => Array.isArray(o.v)))
      return this.alg.select(recv.opts.map((o) => ({ c: o.c, v: this.under(o.c, () => this.method(o.v, name, args, node)) })));
    if (recv instanceof SymStr || recv instanceof SymInt || recv instanceof SymBool)
      this.outside(node, `the method .${name}() on ${describe(recv)}`, 'primitiveMethod');
    const fn = this.getProp(recv, name, node);
    return this.callValue(fn, args, node, recv);
  }

  /** An array method the table models (./library.ts), if it models this call. */
  protected arrayMethod(arr: SVal[] | Filtered, name: string, args: SVal[], node: ts.Node): { done: boolean; value?: SVal } {
    let value: SVal | typeof AS_JAVASCRIPT;
    if (arr instanceof Filtered) {
      const entry = filteredMethod(name);
      if (!entry) this.outside(node, `.${name}() on the result of filter`, 'filteredRead');
      value = entry.apply(this.library, arr, args, node);
    } else {
      const entry = arrayMethod(name);
      value = entry ? entry.apply(this.library, arr, args, node) : AS_JAVASCRIPT;
    }
    return value === AS_JAVASCRIPT ? { done: false } : { done: true, value };
  }
}
