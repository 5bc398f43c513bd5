// Statements of the modelling subset (see ./interpret-core.ts for the chain
// of jobs): blocks, declarations, if/else on both sides under `alive`,
// return, break/continue, throw, and loops unrolled while their condition
// is a constant.

import { ts } from 'ts-morph';
import { SpecError } from '../spec/errors.ts';
import { where } from './instrument.ts';
import { describe, type BoolLike } from './values.ts';
import { Closure, Scope } from './scope.ts';
import { InterpreterCore, MAX_ITERATIONS, boundNamesOf, sameCond, type LoopCtx } from './interpret-core.ts';

export abstract class StatementInterpreter extends InterpreterCore {
  protected execStatements(stmts: readonly ts.Statement[], scope: Scope): void {
    for (const st of stmts)
      if (ts.isFunctionDeclaration(st) && st.name) scope.declare(st.name.text, new Closure(st, scope, this.frame.unit), false);
    for (const st of stmts) {
      if (this.frame.alive === false) return;
      this.exec(st, scope);
    }
  }

  protected exec(st: ts.Statement, scope: Scope): void {
    this.located(st, () => this.execInner(st, scope));
  }

  protected execInner(st: ts.Statement, scope: Scope): void {
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
      if (st.label) this.outside(st, 'a labelled break/continue', 'labelledJump');
      const loop = f.loops[f.loops.length - 1];
      if (!loop) this.outside(st, 'break/continue outside a loop', 'jumpOutsideLoop');
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
    this.outside(st, `a ${ts.SyntaxKind[st.kind]}`, 'statement');
  }

  protected declareList(list: ts.VariableDeclarationList, scope: Scope): void {
    const mutable = !(list.flags & ts.NodeFlags.Const);
    for (const d of list.declarations) {
      const v = d.initializer ? this.eval(d.initializer, scope) : undefined;
      this.bind(d.name, v, scope, mutable);
    }
  }

  protected concreteCond(e: ts.Expression, scope: Scope, what: string): boolean {
    const c = this.cond(e, scope);
    if (typeof c !== 'boolean')
      this.outside(e, `a ${what} condition that depends on the state`, 'stateLoop');
    return c;
  }

  protected loop(body: () => void, step: () => boolean): void {
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

  protected execFor(st: ts.ForStatement, outer: Scope): void {
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

  protected execWhile(st: ts.WhileStatement, scope: Scope): void {
    this.loop(
      () => this.exec(st.statement, new Scope(scope)),
      () => this.concreteCond(st.expression, scope, 'loop'),
    );
  }

  protected execForOf(st: ts.ForOfStatement, outer: Scope): void {
    const it = this.eval(st.expression, outer);
    if (!Array.isArray(it))
      this.outside(st.expression, `for-of over ${describe(it)}`, 'forOf');
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

  protected execSwitch(st: ts.SwitchStatement, scope: Scope): void {
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
    if (ctx.contAlive !== false) this.outside(st, 'continue inside switch', 'continueInSwitch');
    f.alive = this.alg.or(fall, ctx.breakAlive, hasDefault ? false : this.alg.and(a0, none));
  }
}
