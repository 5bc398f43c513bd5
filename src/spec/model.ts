// The model builder: initial states, actions, threads, properties. One Model
// is built per variant by the spec's `model(config)` function.

import type { DeepReadonly, Domain, Infer, RecordType, Type } from './schema.ts';
import { SchemaError } from './schema.ts';
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
  doc?: string;
}

export interface StepDef<S, L extends string> {
  params?: ParamSchema;
  guard?: (s: DeepReadonly<S>, p: StepParams) => boolean;
  /** Returns the next label, or nothing to fall through to the next step ('done' after the last). */
  apply?: (s: DeepReadonly<S>, n: S, p: StepParams) => L | 'done' | void;
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
  doc?: string;
}

export type PropertyKind = 'always' | 'sometimes' | 'transition';

export interface PropertyEntry {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly doc?: string;
  readonly pred: ((s: any) => boolean) | ((s: any, n: any) => boolean);
  readonly site?: SourceSite;
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

export class Model<T extends RecordType = RecordType, S = Infer<T>> {
  readonly inits: S[] = [];
  readonly actions: ActionEntry[] = [];
  readonly threads: ThreadEntry[] = [];
  readonly properties: PropertyEntry[] = [];
  terminalPred?: (s: DeepReadonly<S>) => boolean;
  private readonly names = new Set<string>();

  constructor(readonly schema: T) {}

  /** Adds initial state(s). */
  init(...states: S[]): this {
    this.inits.push(...states);
    return this;
  }

  action<P extends ParamSchema = {}>(name: string, def: ActionDef<S, P>): this {
    this.claim(name, ACTION_NAME, 'action');
    if (typeof def.apply !== 'function') throw new SchemaError(`action ${name} has no apply function`);
    this.actions.push({ name, def: def as any, site: callSite() });
    return this;
  }

  thread<L extends string>(name: string, def: ThreadDef<S, L>): this {
    this.claim(name, ACTION_NAME, 'thread');
    const labels = Object.keys(def.steps);
    if (labels.length === 0) throw new SchemaError(`thread ${name} has no steps`);
    if (labels.includes('done')) throw new SchemaError(`thread ${name}: 'done' is the end, not a step`);
    this.threads.push({ name, def: def as any, labels, site: callSite() });
    return this;
  }

  /** Invariant: holds in every reachable state. */
  always(name: string, pred: (s: DeepReadonly<S>) => boolean, opts: { doc?: string } = {}): this {
    return this.property(name, 'always', pred, opts.doc);
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

  /** States without successors that are intended ends, not deadlocks. */
  terminal(pred: (s: DeepReadonly<S>) => boolean): this {
    this.terminalPred = pred;
    return this;
  }

  private property(name: string, kind: PropertyKind, pred: any, doc?: string): this {
    this.claim(name, PROPERTY_NAME, 'property');
    if (name === DEADLOCK_PROPERTY) throw new SchemaError(`'${DEADLOCK_PROPERTY}' is built in`);
    this.properties.push({ name, kind, pred, doc, site: callSite(2) });
    return this;
  }

  private claim(name: string, re: RegExp, what: string): void {
    if (!re.test(name)) throw new SchemaError(`${what} name '${name}' must match ${re}`);
    if (this.names.has(name)) throw new SchemaError(`${what} name '${name}' is used twice`);
    this.names.add(name);
  }
}

/** Starts a model over a state schema. */
export function model<T extends RecordType>(schema: T): Model<T> {
  if (schema.kind !== 'record') throw new SchemaError('a model state must be a record');
  return new Model(schema);
}
