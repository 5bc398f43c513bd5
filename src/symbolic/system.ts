// A spec variant as a symbolic transition system: the state as Z3 constants
// X (current) and X2 (next); per transition (action or thread step with its
// concrete parameters) the guard over X and the next state's leaf terms; the
// properties over X (and X2 for transition properties); Init, terminal and
// "all threads done". Built by running the instrumented spec for the variant
// (instrument.ts) and interpreting each function (interpret.ts).

import type { BuiltModel } from '../spec/spec.ts';
import type { Transition } from '../spec/transitions.ts';
import type { PropertyEntry } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import type { Type } from '../spec/schema.ts';
import { loadInstrumented } from './instrument.ts';
import { Interpreter } from './interpret.ts';
import { EncodingError, StateEncoding } from './encode.ts';
import { Algebra, StringTable, SymOpt, type BoolLike, type SVal } from './values.ts';
import type { Solver } from 'z3-solver';
import { simplify, z3, type Z3, type ZBool, type ZExpr, type ZInt } from './z3.ts';

export interface SymTransition {
  readonly t: Transition;
  readonly guard: ZBool;
  /** Leaf terms of the successor, over X. */
  readonly next: readonly ZExpr[];
  /** Enabled and the code reaches a `throw`. */
  readonly throws: ZBool;
  readonly throwSite?: string;
}

export interface SymProperty {
  readonly entry: PropertyEntry;
  /** Over X (always, sometimes) or X and X2 (transition). */
  readonly holds: ZBool;
}

export interface SymSystem {
  readonly z: Z3;
  readonly built: BuiltModel;
  readonly enc: StateEncoding;
  readonly X: readonly ZExpr[];
  readonly X2: readonly ZExpr[];
  /** The id of the transition taken, in Next. */
  readonly act: ZInt;
  readonly trans: readonly SymTransition[];
  readonly props: readonly SymProperty[];
  readonly init: ZBool;
  /** No transition enabled, not terminal, not all threads done (over X). */
  readonly deadlock: ZBool;
  /** Next(X, X2) with act = the transition's id. */
  readonly next: ZBool;
  /** Some enabled transition throws or leaves the declared ranges (over X). */
  readonly error: ZBool;
  /** Seconds spent translating. */
  readonly translateSeconds: number;
}

export interface SystemOptions {
  readonly unboundedInts?: boolean;
}

/** Cached per built model and option, since translation is the costly part of small checks. */
const cache = new WeakMap<BuiltModel, Map<string, Promise<SymSystem>>>();

export function symbolicSystem(built: BuiltModel, opts: SystemOptions = {}): Promise<SymSystem> {
  let m = cache.get(built);
  if (!m) cache.set(built, (m = new Map()));
  const key = opts.unboundedInts ? 'unbounded' : 'bounded';
  let p = m.get(key);
  if (!p) {
    p = translate(built, opts);
    m.set(key, p);
    p.catch(() => m!.delete(key));
  }
  return p;
}

async function translate(built: BuiltModel, opts: SystemOptions): Promise<SymSystem> {
  const t0 = performance.now();
  const z = await z3();
  const file = built.spec.file;
  if (!file) throw new SpecError(`spec ${built.spec.name}: its source file is unknown, the symbolic engine cannot read it`);
  const mod = await loadInstrumented(file);
  const twin = Object.values(mod).find(
    (v): v is BuiltModel['spec'] => !!v && typeof v === 'object' && (v as any).name === built.spec.name && typeof (v as any).build === 'function',
  );
  if (!twin) throw new SpecError(`symbolic engine: ${file} does not export the spec '${built.spec.name}'`);
  const model = twin.build(built.variant);
  const labels = model.transitions.map((t) => t.label).join('\n');
  if (labels !== built.transitions.map((t) => t.label).join('\n'))
    throw new SpecError(
      `symbolic engine: spec ${built.spec.name} builds different transitions when loaded again; the model must be deterministic`,
    );

  const alg = new Algebra(z, new StringTable(), opts.unboundedInts ? undefined : bitWidth(built));
  const enc = new StateEncoding(built.model.schema, alg, !!opts.unboundedInts);
  const interp = new Interpreter(alg);
  const X = enc.vars('');
  const X2 = enc.vars("'");
  const act = alg.intConst('act');
  const sTree = () => enc.tree(X);
  const toBool = (v: BoolLike) => alg.bool(v);
  const context = (what: string, f: () => ZExpr[]) => {
    try {
      return f();
    } catch (e) {
      if (e instanceof EncodingError) throw new SpecError(`symbolic engine, ${what}: ${e.message}`);
      throw e;
    }
  };

  const trans: SymTransition[] = [];
  for (const bt of built.transitions) {
    const t = model.transitions[bt.id]!;
    const params = t.params;
    const s = sTree();
    const n = copyTree(s);
    interp.markWritable(n);
    let guard: BoolLike;
    let throws: BoolLike = false;
    let throwSite: string | undefined;
    const noteThrow = () => {
      throws = alg.or(throws, interp.throws);
      throwSite ??= interp.throwSite;
    };
    if (t.thread) {
      const th = model.model.threads.find((x) => x.name === t.thread!.name)!;
      const step = th.def.steps[t.step!]!;
      const atS = interp.run(th.def.at, [s, t.thread.self], `'at' of thread ${th.name}`);
      guard = alg.eq(alg.get(atS, 'pc'), t.step!);
      if (step.guard) {
        guard = alg.and(guard, alg.truthy(interp.run(step.guard, [s, params], `guard of ${t.label}`)));
        noteThrow();
      }
      let to: SVal = undefined;
      if (step.apply) {
        to = interp.run(step.apply, [s, n, params], `apply of ${t.label}`);
        noteThrow();
      }
      const atN = interp.run(th.def.at, [n, t.thread.self], `'at' of thread ${th.name}`);
      const pc = to === undefined || to === null ? t.thread.fallthrough : alg.coalesce(to, t.thread.fallthrough);
      if (pc instanceof SymOpt) throw new SpecError(`symbolic engine, ${t.label}: apply returns a label or null`);
      setField(atN, 'pc', pc, t.label);
    } else {
      const a = model.model.actions.find((x) => x.name === t.action)!;
      guard = true;
      if (a.def.guard) {
        guard = alg.truthy(interp.run(a.def.guard, [s, params], `guard of ${t.label}`));
        noteThrow();
      }
      interp.run(a.def.apply, [s, n, params], `apply of ${t.label}`);
      noteThrow();
    }
    const next = context(`${t.label}`, () => enc.terms(n));
    const g = toBool(guard);
    trans.push({ t: bt, guard: g, next, throws: z.And(g, toBool(throws)), throwSite });
  }

  const props: SymProperty[] = [];
  /** A property (or the terminal predicate) throws or overflows in the state. */
  const propErrors: ZBool[] = [];
  /** A transition property throws or overflows on a step (over X, X2). */
  const stepErrors: ZBool[] = [];
  for (const p of model.properties) {
    // Properties the caller left out (temporal ones: answered 'unknown').
    if (!built.properties.some((x) => x.name === p.name)) continue;
    const entry = built.properties.find((x) => x.name === p.name)!;
    const args = p.kind === 'transition' ? [sTree(), enc.tree(X2)] : [sTree()];
    const v = interp.run(p.pred, args, `predicate of property ${p.name}`);
    if (interp.throws !== false) (p.kind === 'transition' ? stepErrors : propErrors).push(toBool(interp.throws));
    props.push({ entry, holds: toBool(alg.truthy(v)) });
  }

  let terminal: BoolLike = false;
  if (model.model.terminalPred) {
    terminal = alg.truthy(interp.run(model.model.terminalPred, [sTree()], 'terminal predicate'));
    if (interp.throws !== false) propErrors.push(toBool(interp.throws));
  }
  let allDone: BoolLike = false;
  if (model.model.threads.length > 0) {
    const parts: BoolLike[] = [];
    for (const th of model.model.threads) {
      const selves = th.def.instances ? th.def.instances.size : 1;
      for (let self = 0; self < selves; self++)
        parts.push(alg.eq(alg.get(interp.run(th.def.at, [sTree(), self], `'at' of thread ${th.name}`), 'pc'), 'done'));
    }
    allDone = alg.and(...parts);
  }

  const init = z.Or(
    ...model.model.inits.map((st, i) => enc.eq(X, context(`initial state ${i + 1}`, () => enc.terms(st)))),
  );
  const deadlock = z.And(z.Not(toBool(terminal)), z.Not(toBool(allDone)), ...trans.map((t) => z.Not(t.guard)));
  const next = z.And(
    alg.cmp('>=', act, alg.num(0)),
    alg.cmp('<', act, alg.num(trans.length)),
    z.Or(...trans.map((t, i) => z.And(act.eq(alg.num(i)), t.guard, enc.eq(X2, t.next)))),
  );
  // Simplified once here rather than in every query: most transitions cannot err at all.
  const error = await simplify(
    z,
    z.Or(
      ...propErrors,
      // over X only: some successor of X makes a transition property throw
      ...(stepErrors.length ? [z.And(next, z.Or(...stepErrors))] : []),
      ...trans.map((t) => z.Or(t.throws, z.And(t.guard, z.Not(enc.range(t.next))))),
    ),
  );
  return {
    z,
    built,
    enc,
    X,
    X2,
    act,
    trans,
    props,
    init,
    deadlock,
    next,
    error,
    translateSeconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Bounded checks use signed bit-vectors (solved by bit-blasting, far faster
 * than integer arithmetic on these models): wide enough for every declared
 * range, element, transition id and interned string with room to spare;
 * arithmetic that overflows anyway is reported as an error, never wrapped.
 */
function bitWidth(built: BuiltModel): number {
  let max = Math.max(built.transitions.length, 1024);
  const visit = (t: Type): void => {
    switch (t.kind) {
      case 'int':
        max = Math.max(max, Math.abs(t.min), Math.abs(t.max));
        return;
      case 'ref':
        max = Math.max(max, t.domain.size);
        return;
      case 'record':
        for (const f of Object.values(t.fields)) visit(f as Type);
        return;
      case 'array':
        max = Math.max(max, t.length);
        visit(t.elem);
        return;
      case 'optional':
        visit(t.inner);
        return;
    }
  };
  visit(built.model.schema);
  return Math.ceil(Math.log2(max + 1)) + 6;
}

function copyTree(v: SVal): SVal {
  if (Array.isArray(v)) return v.map(copyTree);
  if (v instanceof SymOpt) return new SymOpt(v.isNull, copyTree(v.val));
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const o: Record<string, SVal> = {};
    for (const [k, x] of Object.entries(v)) o[k] = copyTree(x);
    return o;
  }
  return v;
}

function setField(obj: SVal, key: string, v: SVal, label: string): void {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw new SpecError(`symbolic engine, ${label}: the thread's 'at' must return a record of the state`);
  (obj as Record<string, SVal>)[key] = v;
}

/**
 * A solver for the system's queries. With bit-vectors, the QF_BV solver is
 * Z3's incremental SAT solver (bit-blasting), orders of magnitude faster on
 * these unrollings than the default SMT core; unbounded ints need the latter.
 */
export function newSolver(sys: SymSystem): Solver<'main'> {
  return sys.enc.alg.bits ? new sys.z.Solver('QF_BV') : new sys.z.Solver();
}
