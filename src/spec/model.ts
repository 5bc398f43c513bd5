// The model builder: initial states, actions, threads, properties. One Model
// is built per variant by the spec's `model(config)` function.

import type { DeepReadonly, Domain, Infer, RecordType, Type } from './schema.ts';
import { allValues, SchemaError } from './schema.ts';
import { callSite, type SourceSite } from './site.ts';

export type ParamSchema = { readonly [name: string]: Domain | Type };
export type ParamValues<P extends ParamSchema> = { readonly [K in keyof P]: Infer<P[K]> };

/** Parameters of a thread step: `self` (the instance) plus the step's own. */
export type StepParams = { readonly self: number; readonly [name: string]: any };

export interface ActionDef<S, P extends ParamSchema> {
  /** Finite domains the action is parameterised over; one transition per combination. */
  params?: P;
  /** Enabledness; a false guard means the action cannot fire. Must not modify anything. */
  guard?: (s: DeepReadonly<S>, p: ParamValues<P>) => boolean;
  /** The effect: write the next state `n` (which starts as a copy of `s`). */
  apply: (s: DeepReadonly<S>, n: S, p: ParamValues<P>) => void;
  /** The kernel function it abstracts, e.g. 'mm/memory.c: do_wp_page'. */
  kernel?: string;
  /** The column of the race diagram: a name, or computed from the parameters (default 'env'). */
  actor?: string | ((p: ParamValues<P>) => string);
  /** Fairness of each parameter combination separately (WF or SF of
   *  `name(p)` for every p, as `\A p: WF_vars(A(p))`); default 'unfair'. */
  fairness?: Fairness;
  doc?: string;
}

/**
 * Weak fairness: a step that stays enabled is eventually taken. Strong: a
 * step enabled infinitely often is eventually taken. Unfair (the default, as
 * in TLA+ and PlusCal): nothing is promised, a behaviour may stop anywhere.
 */
export type Fairness = 'weak' | 'strong' | 'unfair';

/** One alternative of a step with `either` (PlusCal's either/or). */
export interface AlternativeDef<S, L extends string> {
  guard?: (s: DeepReadonly<S>, p: StepParams) => boolean;
  apply?: (s: DeepReadonly<S>, n: S, p: StepParams) => L | 'done' | void;
  kernel?: string;
}

export interface StepDef<S, L extends string> {
  params?: ParamSchema;
  guard?: (s: DeepReadonly<S>, p: StepParams) => boolean;
  /** Returns the next label, or nothing to fall through to the next step ('done' after the last). */
  apply?: (s: DeepReadonly<S>, n: S, p: StepParams) => L | 'done' | void;
  /** Alternatives inside the step (PlusCal's either/or), each its own
   *  successor as TLC counts them; the step's guard applies to all. */
  either?: { readonly [alternative: string]: AlternativeDef<S, L> };
  kernel?: string;
  doc?: string;
}

export interface ThreadDef<S, L extends string> {
  /** One copy of the thread per element of this domain (parameter `self`). */
  instances?: Domain;
  /** Where the thread's record ({ pc, ...locals }) lives in the state. */
  at: (s: S, self: number) => { pc: L | 'done' };
  /** The steps in program order; keys are the pc labels. */
  steps: { [K in L]?: StepDef<S, L> };
  /** Column name in race diagrams: a name (the instance is appended), or one per
   *  instance (e.g. self => Proc.names[self]); defaults to the thread name. */
  actor?: string | ((self: number) => string);
  /** Fairness of each instance separately: WF or SF of the instance's steps
   *  taken together (PlusCal's `fair process`); default 'unfair'. */
  fairness?: Fairness;
  doc?: string;
}

export type PropertyKind =
  | 'always'
  | 'sometimes'
  | 'transition'
  | 'initially'
  | 'eventually'
  | 'leadsTo'
  | 'infinitelyOften';

/** Properties of behaviours, checked under the declared fairness. */
export type TemporalKind = 'eventually' | 'leadsTo' | 'infinitelyOften';
export const TEMPORAL_KINDS: ReadonlySet<PropertyKind> = new Set<PropertyKind>(['eventually', 'leadsTo', 'infinitelyOften']);
export const isTemporal = (k: PropertyKind | 'deadlock'): k is TemporalKind => TEMPORAL_KINDS.has(k as PropertyKind);

export interface PropertyEntry {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly doc?: string;
  /** The state predicate (p), or the step predicate for 'transition'. */
  readonly pred: ((s: any) => boolean) | ((s: any, n: any) => boolean);
  /** leadsTo(p, q): q. */
  readonly to?: (s: any) => boolean;
  readonly site?: SourceSite;
  /**
   * An invariant declared with `strengthens` (Model.always): the invariants
   * it includes, and its own predicate. `pred` is then their conjunction,
   * built here; engines that evaluate the parts may share the included
   * invariants' values with their own verdicts (the explicit engine does).
   */
  readonly strengthens?: readonly PropertyEntry[];
  readonly own?: (s: any) => boolean;
}

/**
 * The predicates whose conjunction is property p, in the order they are
 * evaluated: those of the invariants it strengthens (theirs first,
 * recursively), then its own. A property without `strengthens` is its pred.
 */
export function predicateParts(p: PropertyEntry): ((s: any, n?: any) => unknown)[] {
  if (!p.strengthens) return [p.pred];
  return [...p.strengthens.flatMap(predicateParts), p.own!];
}

export interface ActionEntry {
  readonly name: string;
  readonly def: ActionDef<any, ParamSchema>;
  readonly site?: SourceSite;
}

export interface ThreadEntry {
  readonly name: string;
  readonly def: ThreadDef<any, string>;
  readonly labels: readonly string[];
  readonly site?: SourceSite;
}

const PROPERTY_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const ACTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The built-in property "no reachable state without successors" (unless terminal). */
export const DEADLOCK_PROPERTY = 'deadlockFree';

/** A fairness constraint declared with m.fair(). */
export interface FairDecl {
  readonly kind: 'weak' | 'strong';
  readonly name: string;
  readonly actions: readonly string[];
  readonly per: readonly string[];
  readonly where?: (s: any, p: any) => boolean;
}

type InitSource<S> =
  | { readonly states: Iterable<S> | (() => Iterable<S>); used?: boolean }
  | { readonly where: (s: DeepReadonly<S>) => boolean };

export class Model<T extends RecordType = RecordType, S = Infer<T>> {
  readonly actions: ActionEntry[] = [];
  readonly threads: ThreadEntry[] = [];
  readonly properties: PropertyEntry[] = [];
  terminalPred?: (s: DeepReadonly<S>) => boolean;
  /** TLC's CONSTRAINT: states outside are checked but not expanded. */
  constraintPred?: (s: DeepReadonly<S>) => boolean;
  readonly fairDecls: FairDecl[] = [];
  private readonly initSources: InitSource<S>[] = [];
  private materialised?: S[];
  private readonly names = new Set<string>();

  constructor(readonly schema: T) {}

  /**
   * Adds initial states: `m.init(s1, s2)`, an array or other iterable of
   * states, or a function returning one (`m.init(() => gen())`), taken one
   * at a time so that hundreds of thousands of states need no stack. A
   * generator object can be walked only once; the function form can be
   * walked again (by --replay, or a second engine on the same model).
   */
  init(...states: S[]): this;
  init(states: Iterable<S> | (() => Iterable<S>)): this;
  init(...args: unknown[]): this {
    const one = args[0];
    const iterable =
      args.length === 1 &&
      (typeof one === 'function' ||
        (one !== null && typeof one === 'object' && typeof (one as any)[Symbol.iterator] === 'function'));
    this.initSources.push({ states: iterable ? (one as Iterable<S>) : (args as S[]) });
    this.materialised = undefined;
    return this;
  }

  /** The initial states are every value of the schema satisfying pred
   *  (TLA+'s `Init == Inv`), enumerated from the schema. */
  initWhere(pred: (s: DeepReadonly<S>) => boolean): this {
    this.initSources.push({ where: pred });
    this.materialised = undefined;
    return this;
  }

  /** The initial states, lazily, in the order given (duplicates included). */
  *initialStates(): Generator<S> {
    for (const src of this.initSources) {
      if ('states' in src) {
        const st = src.states;
        if (typeof st === 'function') {
          yield* st();
          continue;
        }
        // A generator object (its own iterator) cannot be walked twice.
        const oneShot = (st as any)[Symbol.iterator]() === st;
        if (oneShot && src.used)
          throw new SchemaError(
            'the initial states were given as a generator, which was used up already: pass m.init(() => generator()) or an array',
          );
        src.used = true;
        yield* st;
      } else for (const v of allValues(this.schema)) if (src.where(v as DeepReadonly<S>) === true) yield v as S;
    }
  }

  /** Whether any initial state was declared (cheap: does not enumerate). */
  get hasInit(): boolean {
    return this.initSources.length > 0;
  }

  /** The initial states as an array (for engines that need them all at once). */
  get inits(): S[] {
    this.materialised ??= [...this.initialStates()];
    return this.materialised;
  }

  /** TLC's CONSTRAINT: a reachable state outside it is checked against every
   *  property but not expanded (bounds a model that would be infinite). */
  constraint(pred: (s: DeepReadonly<S>) => boolean): this {
    this.constraintPred = pred;
    return this;
  }

  action<P extends ParamSchema = {}>(name: string, def: ActionDef<S, P>): this {
    this.claim(name, ACTION_NAME, 'action');
    if (typeof def.apply !== 'function') throw new SchemaError(`action ${name} has no apply function`);
    checkFairness(def.fairness, `action ${name}`);
    this.actions.push({ name, def: def as any, site: callSite() });
    return this;
  }

  thread<L extends string>(name: string, def: ThreadDef<S, L>): this {
    this.claim(name, ACTION_NAME, 'thread');
    const labels = Object.keys(def.steps);
    if (labels.length === 0) throw new SchemaError(`thread ${name} has no steps`);
    if (labels.includes('done')) throw new SchemaError(`thread ${name}: 'done' is the end, not a step`);
    checkFairness(def.fairness, `thread ${name}`);
    for (const l of labels) {
      const st = def.steps[l as L]!;
      if (st.either && st.apply) throw new SchemaError(`thread ${name} step ${l}: give either 'apply' or 'either', not both`);
      if (st.either && Object.keys(st.either).length === 0) throw new SchemaError(`thread ${name} step ${l}: 'either' is empty`);
    }
    this.threads.push({ name, def: def as any, labels, site: callSite() });
    return this;
  }

  /**
   * Invariant: holds in every reachable state. With `strengthens`, the
   * invariant is the conjunction of the invariants named there (declared
   * before it) and `pred`, which then states only what it adds: an
   * inductive strengthening that includes the invariant it strengthens
   * need not call its predicate again, and the explicit engine evaluates
   * each included invariant once per state for both verdicts.
   */
  always(
    name: string,
    pred: (s: DeepReadonly<S>) => boolean,
    opts: { doc?: string; strengthens?: readonly string[] } = {},
  ): this {
    if (opts.strengthens === undefined) return this.property(name, 'always', pred, opts.doc);
    if (!Array.isArray(opts.strengthens) || opts.strengthens.length === 0)
      throw new SchemaError(`property ${name}: 'strengthens' must list the names of invariants declared before it`);
    const included = opts.strengthens.map((q) => {
      const e = this.properties.find((x) => x.name === q);
      if (!e) throw new SchemaError(`property ${name} strengthens '${q}', which is not a property declared before it`);
      if (e.kind !== 'always') throw new SchemaError(`property ${name} strengthens '${q}', which is not an invariant (always)`);
      return e;
    });
    if (new Set(opts.strengthens).size !== included.length)
      throw new SchemaError(`property ${name}: 'strengthens' names a property twice`);
    if (typeof pred !== 'function') throw new SchemaError(`property ${name}: the predicate must be a function`);
    const parts = [...included.flatMap(predicateParts), pred as (s: any) => unknown];
    // The first part that is not true decides: false, or a value that is
    // no boolean (which every engine reports), as one predicate would.
    const conjunction = (s: any): any => {
      for (const f of parts) {
        const r = f(s);
        if (r !== true) return r;
      }
      return true;
    };
    return this.property(name, 'always', conjunction, opts.doc, undefined, { strengthens: included, own: pred });
  }

  /** Witness: some reachable state satisfies it, else the spec is vacuous there. */
  sometimes(name: string, pred: (s: DeepReadonly<S>) => boolean, opts: { doc?: string } = {}): this {
    return this.property(name, 'sometimes', pred, opts.doc);
  }

  /** Action invariant: holds for every transition (s, n). */
  transition(
    name: string,
    pred: (s: DeepReadonly<S>, n: DeepReadonly<S>) => boolean,
    opts: { doc?: string } = {},
  ): this {
    return this.property(name, 'transition', pred, opts.doc);
  }

  /**
   * A fairness constraint over several actions or threads taken together,
   * as TLA+ writes WF_vars(A \/ B) or \A c: SF_vars(\E S: Allocate(c, S)):
   * one constraint per value of the `per` parameters (none: one in all),
   * counting a transition only where `where(s, params)` holds (for
   * WF_vars(Return(c, alloc[c])): `where: (s, p) => p.S.equals(s.alloc[p.c])`).
   * Checked when the model is built: every action named must exist.
   */
  fair(
    kind: 'weak' | 'strong',
    name: string,
    opts: { actions: readonly string[]; per?: readonly string[]; where?: (s: DeepReadonly<S>, p: any) => boolean },
  ): this {
    if (kind !== 'weak' && kind !== 'strong') throw new SchemaError(`fairness ${name}: kind must be 'weak' or 'strong'`);
    if (!opts.actions.length) throw new SchemaError(`fairness ${name}: name at least one action or thread`);
    this.fairDecls.push({ kind, name, actions: [...opts.actions], per: [...(opts.per ?? [])], where: opts.where as any });
    return this;
  }

  /** Holds in every initial state. */
  initially(name: string, pred: (s: DeepReadonly<S>) => boolean, opts: { doc?: string } = {}): this {
    return this.property(name, 'initially', pred, opts.doc);
  }

  /** <>p: every fair behaviour reaches a state satisfying p. */
  eventually(name: string, pred: (s: DeepReadonly<S>) => boolean, opts: { doc?: string } = {}): this {
    return this.property(name, 'eventually', pred, opts.doc);
  }

  /** p ~> q: in every fair behaviour, every p state is followed (or
   *  accompanied) by a q state. */
  leadsTo(
    name: string,
    p: (s: DeepReadonly<S>) => boolean,
    q: (s: DeepReadonly<S>) => boolean,
    opts: { doc?: string } = {},
  ): this {
    return this.property(name, 'leadsTo', p, opts.doc, q);
  }

  /** []<>p: every fair behaviour passes through p states for ever. */
  infinitelyOften(name: string, pred: (s: DeepReadonly<S>) => boolean, opts: { doc?: string } = {}): this {
    return this.property(name, 'infinitelyOften', pred, opts.doc);
  }

  /** States without successors that are intended ends, not deadlocks. */
  terminal(pred: (s: DeepReadonly<S>) => boolean): this {
    this.terminalPred = pred;
    return this;
  }

  private property(
    name: string,
    kind: PropertyKind,
    pred: any,
    doc?: string,
    to?: any,
    parts?: Pick<PropertyEntry, 'strengthens' | 'own'>,
  ): this {
    this.claim(name, PROPERTY_NAME, 'property');
    if (name === DEADLOCK_PROPERTY) throw new SchemaError(`'${DEADLOCK_PROPERTY}' is built in`);
    if (typeof pred !== 'function' || (kind === 'leadsTo' && typeof to !== 'function'))
      throw new SchemaError(`property ${name}: the predicate must be a function`);
    this.properties.push({ name, kind, pred, to, doc, site: callSite(2), ...parts });
    return this;
  }

  private claim(name: string, re: RegExp, what: string): void {
    if (!re.test(name)) throw new SchemaError(`${what} name '${name}' must match ${re}`);
    if (this.names.has(name)) throw new SchemaError(`${what} name '${name}' is used twice`);
    this.names.add(name);
  }
}

function checkFairness(f: unknown, who: string): void {
  if (f !== undefined && f !== 'weak' && f !== 'strong' && f !== 'unfair')
    throw new SchemaError(`${who}: fairness must be 'weak', 'strong' or 'unfair', not ${JSON.stringify(f)}`);
}

/** Starts a model over a state schema. */
export function model<T extends RecordType>(schema: T): Model<T> {
  if (schema.kind !== 'record') throw new SchemaError('a model state must be a record');
  return new Model(schema);
}
