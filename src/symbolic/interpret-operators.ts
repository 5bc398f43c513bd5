// Operators of the modelling subset (see ./interpret-core.ts for the chain
// of jobs): integer arithmetic with intervals (a result that may not fit
// asks for a wider encoding), comparisons with JavaScript's null and
// undefined, ==, &&/||/??, assignments, and Math.floor/trunc(a / c).

import { ts } from 'ts-morph';
import { SymBool, SymInt, SymOpt, SymStr, describe, isSym, type BoolLike, type SVal } from './values.ts';
import type { ZInt } from './z3.ts';
import type { Scope } from './scope.ts';
import { ExpressionInterpreter } from './interpret-expressions.ts';

export abstract class OperatorInterpreter extends ExpressionInterpreter {
  protected prefix(e: ts.PrefixUnaryExpression, scope: Scope): SVal {
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
        if (isSym(v)) this.outside(e, `unary + of ${describe(v)}`, 'unaryPlus');
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
    this.outside(e, `the operator ${ts.tokenToString(e.operator)}`, 'operator');
  }

  protected arith(op: string, a: SVal, b: SVal, node: ts.Node): SVal {
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
      if (opt.val === undefined) this.outside(node, `the operator ${op} on ${describe(o)}`, 'arithmetic');
      this.errorIf(opt.isNull, node, `the operator ${op} on null or undefined (NaN in JavaScript) is outside the modelling subset`);
      return put(opt.val);
    }
    const ints = (v: SVal) => v instanceof SymInt || (typeof v === 'number' && Number.isInteger(v));
    if (!ints(a) || !ints(b))
      this.outside(node, `the operator ${op} on ${describe(a)} and ${describe(b)}`, 'arithmetic');
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
        if (typeof b !== 'number' || b <= 0) this.outside(node, '% by a state-dependent or non-positive divisor', 'remainder');
        const [al, ah] = alg.range(a as number | SymInt);
        return new SymInt(alg.truncDivRem(x, b).r, al >= 0 ? 0 : -(b - 1), al >= 0 ? Math.min(ah, b - 1) : b - 1);
      }
      case '/':
        this.outside(node, '/ on state-dependent integers (JavaScript division is not integer division)', 'division');
    }
    this.outside(node, `the operator ${op} on state-dependent values`, 'stateOperator');
  }

  protected binary(e: ts.BinaryExpression, scope: Scope): SVal {
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
        this.outside(e, 'logical assignment', 'logicalAssign');
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
      this.outside(e, `the operator ${ts.tokenToString(op)}`, 'operator');
    }
    if (name === '+' && (typeof a === 'string' || typeof b === 'string' || a instanceof SymStr || b instanceof SymStr)) {
      if (isSym(a) || isSym(b)) this.outside(e, 'string concatenation with a state-dependent part', 'stateString');
      return (a as string) + (b as string);
    }
    return this.arith(name, a, b, e);
  }

  /**
   * ==: JavaScript converts between kinds (1 == '1', true == 1); the subset
   * takes == only where no conversion happens: values of one kind, or a
   * comparison with null/undefined (null == undefined).
   */
  protected looseEq(a: SVal, b: SVal, node: ts.Node): BoolLike {
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
      this.outside(node, `== between ${describe(a)} and ${describe(b)} (JavaScript converts one to the other's type)`, 'looseEquality');
    return this.alg.eq(a, b, true);
  }

  protected intDiv(d: ts.BinaryExpression, scope: Scope, floor: boolean): SVal {
    const a = this.eval(d.left, scope);
    const b = this.eval(d.right, scope);
    if (!isSym(a) && !isSym(b)) return floor ? Math.floor((a as number) / (b as number)) : Math.trunc((a as number) / (b as number));
    if (typeof b !== 'number' || b <= 0 || !Number.isInteger(b) || !(a instanceof SymInt))
      this.outside(d, 'division by a state-dependent or non-positive divisor', 'floorDivision');
    const alg = this.alg;
    const { q, r } = alg.truncDivRem(a.e, b);
    const f = floor ? Math.floor : Math.trunc;
    const lo = f(a.lo / b);
    const hi = f(a.hi / b);
    if (!floor || a.lo >= 0) return new SymInt(q, lo, hi);
    // floor = trunc - 1 when the remainder is negative
    return alg.symInt(alg.z.If(alg.cmp('<', r, alg.num(0)), q.sub(alg.num(1)), q) as ZInt, lo, hi);
  }
}
