// The interpreter's environments: a closure (a function's syntax tree with
// the scope it was made in) and lexical scopes whose slots hold symbolic
// values. A registered function's free variables are read through the
// thunks the instrumented module recorded (./instrument.ts), once each.

import type { FunctionNode, SourceUnit } from './instrument.ts';
import type { BoolLike, SVal } from './values.ts';

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

export class Scope {
  private readonly vars = new Map<string, Slot>();
  private readonly capCache = new Map<string, Slot>();
  constructor(
    readonly parent?: Scope,
    readonly captured?: Readonly<Record<string, () => unknown>>,
  ) {}
  declare(name: string, v: SVal, mutable: boolean, alive?: BoolLike): void {
    this.vars.set(name, { v, mutable, alive });
  }
  /** A new scope under parent with copies of the named slots (for per-iteration bindings). */
  copyOf(names: readonly string[], parent: Scope): Scope {
    const c = new Scope(parent);
    for (const n of names) {
      const slot = this.vars.get(n);
      if (slot) c.vars.set(n, { ...slot });
    }
    return c;
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

