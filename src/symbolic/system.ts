// A spec variant as a symbolic transition system: the state as Z3 constants
// X (current) and X2 (next); per transition (action or thread step with its
// concrete parameters) the guard over X and the next state's leaf terms; the
// properties over X (and X2 for transition properties); Init, terminal and
// "all threads done". Built by running the instrumented spec for the variant
// (instrument.ts) and interpreting each function (interpret.ts).

import type { BuiltModel } from '../spec/spec.ts';
import type { Transition } from '../spec/transitions.ts';
import { predicateParts, type PropertyEntry } from '../spec/model.ts';
import { SpecError } from '../spec/errors.ts';
import { matchType, typesIn } from '../spec/schema-fold.ts';
import { loadInstrumented } from './instrument.ts';
import { Interpreter } from './interpret.ts';
import { EncodingError, StateEncoding } from './encode.ts';
import { Algebra, StringTable, SymBool, SymOpt, WidthError, bitsFor, type BoolLike, type SVal } from './values.ts';
import { outOfRange } from './ranges.ts';
import type { Solver, Tactic } from 'z3-solver';
import { simplify, z3, type Z3, type ZBool, type ZExpr, type ZInt } from './z3.ts';

export interface SymTransition {
  readonly t: Transition;
  readonly guard: ZBool;
  /** Leaf terms of the successor, over X. */
  readonly next: readonly ZExpr[];
  /** Enabled and the code reaches a `throw` (or another error: see SymError). */
  readonly throws: ZBool;
  readonly throwSite?: string;
}

/** An error of the spec in a state (over X): a throw, a value out of range, ... and where. */
export interface SymError {
  readonly c: ZBool;
  readonly site: string;
}

export interface SymProperty {
  readonly entry: PropertyEntry;
  /** Over X (always, sometimes) or X and X2 (transition). */
  readonly holds: ZBool;
  /** Where evaluating the predicate is an error (a throw, not a boolean); same variables as holds. */
  readonly error: ZBool;
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
  /** Some enabled transition throws or leaves the declared ranges, or a property throws (over X). */
  readonly error: ZBool;
  /** The parts of error, each with its site (for the message). */
  readonly errors: readonly SymError[];
  /** Some transition from X errs: its guard is not a boolean, it throws, or it leaves a range (over X). */
  readonly transError: ZBool;
  /** transError without leaving a range (which Next and Range(X2) express already): over X. */
  readonly transThrow: ZBool;
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
    p = translateWide(built, opts);
    m.set(key, p);
    p.catch(() => m!.delete(key));
  }
  return p;
}

/** JavaScript integers are exact up to 2^53: a wider encoding would compute what JavaScript does not. */
const MAX_BITS = 56;

/** Headroom above the declared ranges, so that most translations need no second, wider attempt. */
const SPARE_BITS = 2;

/**
 * Translates with the narrowest width that holds every constant and every
 * intermediate value (their intervals are known from the declared ranges):
 * a value that does not fit makes the translation start again, wider, so
 * nothing is ever wrapped.
 */
async function translateWide(built: BuiltModel, opts: SystemOptions): Promise<SymSystem> {
  let bits = opts.unboundedInts ? undefined : bitWidth(built);
  for (;;) {
    try {
      return await translate(built, opts, bits);
    } catch (e) {
      if (!(e instanceof WidthError) || bits === undefined) throw e;
      if (e.bits > MAX_BITS)
        throw new SpecError(
          `spec ${built.spec.name}: some value needs ${e.bits}-bit integers; beyond 2^53 JavaScript's numbers are not exact, ` +
            'so the symbolic engine cannot follow them (keep values and intermediate results within +-2^53)',
        );
      bits = Math.max(e.bits + 2, bits + 1);
    }
  }
}

function context<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof EncodingError) throw new SpecError(`symbolic engine, ${what}: ${e.message}`);
    throw e;
  }
}

async function translate(built: BuiltModel, opts: SystemOptions, bits: number | undefined): Promise<SymSystem> {
  const t0 = performance.now();
  const z = await z3();
  // Spec errors the explicit engine reports before any search: checked on the values themselves.
  built.model.inits.forEach((st, i) => {
    const bad = outOfRange(built.model.schema, st, false);
    if (bad) throw new SpecError(`spec ${built.spec.name}, variant ${built.variant}: initial state ${i + 1}: ${bad}`);
  });
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

  const alg = new Algebra(z, new StringTable(), bits);
  const enc = context('the state schema', () => new StateEncoding(built.model.schema, alg, !!opts.unboundedInts));
  const interp = new Interpreter(alg);
  const X = enc.vars('');
  const X2 = enc.vars("'");
  const act = alg.intConst('act');
  const sTree = () => enc.tree(X);
  const toBool = (v: BoolLike) => alg.bool(v);

  /** A guard that returns something other than a boolean, and where (the explicit engine's rule). */
  const guardErrors: SymError[] = [];
  const guardError = (c: BoolLike, label: string) => {
    if (c !== false) guardErrors.push({ c: toBool(c), site: `the guard of ${label} returns a value that is not a boolean` });
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
        const atPc = guard;
        const gv = interp.run(step.guard, [s, params], `guard of ${t.label}`);
        guardError(alg.and(atPc, notBoolean(alg, gv)), t.label);
        guard = alg.and(guard, alg.truthy(gv));
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
        const gv = interp.run(a.def.guard, [s, params], `guard of ${t.label}`);
        guardError(notBoolean(alg, gv), t.label);
        guard = alg.truthy(gv);
        noteThrow();
      }
      interp.run(a.def.apply, [s, n, params], `apply of ${t.label}`);
      noteThrow();
    }
    const writeErrors: { c: ZBool; site: string }[] = [];
    const next = context(`${t.label}`, () => enc.terms(n, writeErrors));
    for (const w of writeErrors) {
      throws = alg.or(throws, new SymBool(w.c));
      throwSite ??= w.site;
    }
    const g = toBool(guard);
    trans.push({ t: bt, guard: g, next, throws: z.And(g, toBool(throws)), throwSite });
  }

  const props: SymProperty[] = [];
  /** A property (or the terminal predicate) throws in the state. */
  const propErrors: SymError[] = [];
  /** A transition property throws on a step (over X, X2). */
  const stepErrors: SymError[] = [];
  for (const p of model.properties) {
    // Properties the caller left out (temporal ones: answered 'unknown').
    if (!built.properties.some((x) => x.name === p.name)) continue;
    const entry = built.properties.find((x) => x.name === p.name)!;
    const args = p.kind === 'transition' ? [sTree(), enc.tree(X2)] : [sTree()];
    const what = `predicate of property ${p.name}`;
    const v = p.strengthens ? runConjunction(interp, predicateParts(p), args, what) : interp.run(p.pred, args, what);
    // A property must return a boolean (the explicit engine's rule); anything else is an error where it happens.
    const notBool = notBoolean(alg, v);
    const err = alg.or(notBool, interp.throws);
    if (err !== false)
      (p.kind === 'transition' ? stepErrors : propErrors).push({
        c: toBool(err),
        site: `property ${p.name}: ${interp.throws !== false ? (interp.throwSite ?? 'throws') : 'returns a value that is not a boolean'}`,
      });
    props.push({ entry, holds: toBool(alg.truthy(v)), error: toBool(err) });
  }

  let terminal: BoolLike = false;
  if (model.model.terminalPred) {
    terminal = alg.truthy(interp.run(model.model.terminalPred, [sTree()], 'terminal predicate'));
    if (interp.throws !== false) propErrors.push({ c: toBool(interp.throws), site: `terminal predicate: ${interp.throwSite ?? 'throws'}` });
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

  // A balanced tree: one Or of 100,000 initial states overflows the stack of z3-solver's argument handling.
  const init = orTree(
    z,
    model.model.inits.map((st, i) => enc.eq(X, context(`initial state ${i + 1}`, () => enc.terms(st)))),
  );
  const deadlock = z.And(z.Not(toBool(terminal)), z.Not(toBool(allDone)), ...trans.map((t) => z.Not(t.guard)));
  const next = z.And(
    alg.cmp('>=', act, alg.num(0)),
    alg.cmp('<', act, alg.num(trans.length)),
    z.Or(...trans.map((t, i) => z.And(act.eq(alg.num(i)), t.guard, enc.eq(X2, t.next)))),
  );
  const transErrors: SymError[] = [
    ...guardErrors,
    ...trans.map((t) => ({ c: t.throws, site: `${t.t.label}: ${t.throwSite ?? 'throws'}` })),
    ...trans.map((t) => ({ c: z.And(t.guard, z.Not(enc.range(t.next))), site: `${t.t.label} leaves a declared range` })),
  ];
  const errors: SymError[] = [
    ...propErrors,
    // over X only: some successor of X makes a transition property throw
    ...stepErrors.map((e) => ({ c: z.And(next, e.c), site: e.site })),
    ...transErrors,
  ];
  // Simplified once here rather than in every query: most transitions cannot err at all.
  const transError = await simplify(z, z.Or(...transErrors.map((e) => e.c)));
  const transThrow = await simplify(z, z.Or(...transErrors.slice(0, guardErrors.length + trans.length).map((e) => e.c)));
  const error = await simplify(z, z.Or(transError, ...errors.slice(0, errors.length - transErrors.length).map((e) => e.c)));
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
    errors,
    transError,
    transThrow,
    translateSeconds: (performance.now() - t0) / 1000,
  };
}

/**
 * Bounded checks use signed bit-vectors (solved by bit-blasting, far faster
 * than integer arithmetic on these models), as narrow as the declared
 * ranges, array lengths and transition ids allow, plus SPARE_BITS. The
 * width is the lever on bit-blasting: kernel model II needs 8 bits where a
 * floor of 1024 gave 17, and BMC on b4-gup-fast-fork takes 40% less CPU
 * (docs/symbolic.md, Figures). Nothing is wrapped at any width: a constant
 * (an interned string id, say) or an interval of an intermediate value that
 * does not fit throws WidthError and the translation starts again wider
 * (translateWide); arithmetic on values without a known interval carries
 * its overflow condition as an error term.
 */
function bitWidth(built: BuiltModel): number {
  let max = Math.max(built.transitions.length, 1);
  for (const t of typesIn(built.model.schema))
    max = Math.max(
      max,
      matchType<number>(t, {
        int: (u) => Math.max(Math.abs(u.min), Math.abs(u.max)),
        ref: (u) => u.domain.size,
        array: (u) => u.length,
        bool: () => 0,
        enum: () => 0,
        set: () => 0, // not encoded (refused before the encoding)
        optional: () => 0,
        record: () => 0,
      }),
    );
  return bitsFor(-max, max) + SPARE_BITS;
}

function orTree(z: Z3, xs: readonly ZBool[]): ZBool {
  if (xs.length === 0) return z.Bool.val(false);
  if (xs.length <= 64) return xs.length === 1 ? xs[0]! : z.Or(...xs);
  const parts: ZBool[] = [];
  for (let i = 0; i < xs.length; i += 64) parts.push(orTree(z, xs.slice(i, i + 64)));
  return orTree(z, parts);
}

/**
 * A property declared with `strengthens` (model.ts) is the conjunction of
 * its parts; as in JavaScript the first part that is not true decides, so a
 * part's error counts where the parts before it hold. Leaves the error
 * condition in interp.throws, as run() does.
 */
function runConjunction(interp: Interpreter, parts: readonly unknown[], args: SVal[], what: string): SVal {
  const alg = interp.alg;
  let holds: BoolLike = true;
  let errors: BoolLike = false;
  let site: string | undefined;
  for (const f of parts) {
    const v = interp.run(f, args, what);
    const err = alg.or(notBoolean(alg, v), interp.throws);
    if (err !== false) site ??= interp.throws !== false ? interp.throwSite : 'returns a value that is not a boolean';
    errors = alg.or(errors, alg.and(holds, err));
    holds = alg.and(holds, alg.truthy(v));
  }
  interp.throws = errors;
  interp.throwSite = site;
  return holds;
}

/** Where v is not a boolean (a property's result). */
function notBoolean(alg: Algebra, v: SVal): BoolLike {
  if (typeof v === 'boolean' || v instanceof SymBool) return false;
  if (v instanceof SymOpt) return v.val === undefined || typeof v.val === 'boolean' || v.val instanceof SymBool ? v.isNull : true;
  return true;
}

function copyTree(v: SVal): SVal {
  if (Array.isArray(v)) return v.map(copyTree);
  if (v instanceof SymOpt) return new SymOpt(v.isNull, copyTree(v.val), v.isUndef);
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
/**
 * Unbounded ints: the preprocessing of a one-off query before Z3's SMT core.
 * ctx-simplify is what the default QF_LIA pipeline lacks: it rewrites each
 * conjunct of an invariant under the others, which settles most of a
 * consecution query before any search. On the kernel proofs (each query
 * Range and I and a transition's guard and not I') it takes 40% less CPU
 * than the default solver (bench/symbolic.ts).
 */
const UNBOUNDED_QUERY_TACTICS = ['simplify', 'propagate-values', 'ctx-simplify', 'solve-eqs', 'simplify', 'smt'];

/**
 * A solver for one query (asserted, checked once, dropped): bit-vectors as in
 * newSolver, unbounded ints through UNBOUNDED_QUERY_TACTICS. Not for
 * incremental use (push/pop, assumptions): a tactic solver starts over on
 * each check.
 */
export function querySolver(sys: SymSystem, timeoutMs?: number): Solver<'main'> {
  if (sys.enc.alg.bits) return newSolver(sys, timeoutMs);
  const z = sys.z;
  const s = z.AndThen(...(UNBOUNDED_QUERY_TACTICS.map((t) => new z.Tactic(t)) as [Tactic<'main'>, Tactic<'main'>])).solver();
  if (timeoutMs) s.set('timeout', Math.max(1, Math.round(timeoutMs)));
  return s;
}

export function newSolver(sys: SymSystem, timeoutMs?: number): Solver<'main'> {
  const s = sys.enc.alg.bits ? new sys.z.Solver('QF_BV') : new sys.z.Solver();
  // Every query has a limit: the solver then answers 'unknown', and the run ends as unknown (exit 3).
  if (timeoutMs) s.set('timeout', Math.max(1, Math.round(timeoutMs)));
  return s;
}
