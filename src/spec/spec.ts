// A checkable spec: variants (named parameter sets: a kernel design or
// version), a model built per variant, and the expected verdict of every
// property under every variant, as a litmus test states its Result.

import { DEADLOCK_PROPERTY, Model, type PropertyEntry } from './model.ts';
import { SchemaError } from './schema.ts';
import { SpecError } from './errors.ts';
import { buildTransitions, fairnessConstraints, type FairnessConstraint, type Transition } from './transitions.ts';
import { callSite } from './site.ts';

export type Verdict = 'holds' | 'violated';
export type Expectations = { readonly [property: string]: Verdict };

export interface SpecDef<C, V extends string> {
  /** Name used on the command line and in counterexample paths. */
  name: string;
  doc?: string;
  /** Variant name -> model parameters. */
  variants: { readonly [K in V]: C };
  /** What each variant stands for (kernel design, version, commit). */
  variantDocs?: { readonly [K in NoInfer<V>]?: string };
  model: (config: C, variant: V) => Model<any, any>;
  /** The bounds the model is checked under, stated in every result. */
  bounds?: (config: C) => string;
  /** Expected verdicts per variant; '*' gives defaults that variants override.
   *  `sometimes` properties and deadlockFree default to 'holds'. */
  expect: { readonly [K in NoInfer<V> | '*']?: Expectations };
  /** Check for deadlocks (states without successors that are not terminal). Default true. */
  deadlock?: boolean;
}

export interface Spec<C = unknown> {
  readonly name: string;
  readonly doc?: string;
  readonly file?: string;
  readonly variants: readonly string[];
  readonly deadlock: boolean;
  readonly def: SpecDef<C, string>;
  config(variant: string): C;
  variantDoc(variant: string): string | undefined;
  bounds(variant: string): string;
  build(variant: string): BuiltModel;
}

export interface BuiltModel {
  readonly spec: Spec<any>;
  readonly variant: string;
  readonly model: Model<any, any>;
  readonly transitions: readonly Transition[];
  readonly properties: readonly PropertyEntry[];
  /** Expected verdict per property name (deadlockFree included when checked). */
  readonly expected: ReadonlyMap<string, Verdict>;
  readonly bounds: string;
  /** Seconds spent building the model and its transitions (TLC's figures include this). */
  readonly buildSeconds?: number;
  /** The declared fairness constraints, by id (transition.fairness.id). */
  readonly fairness: readonly FairnessConstraint[];
  /**
   * A state without successors that is meant to end the run, not a
   * deadlock: it satisfies the terminal predicate, or every thread is done.
   * The one definition every engine and --replay use.
   */
  isIntendedEnd(s: unknown): boolean;
}

/** isIntendedEnd for a model: terminal(s), or every thread instance done. */
export function intendedEnd(m: Model<any, any>): (s: unknown) => boolean {
  const terminal = m.terminalPred;
  const threads = m.threads.map((th) => ({ at: th.def.at, selves: th.def.instances?.size ?? 1 }));
  const allDone = (s: any): boolean =>
    threads.length > 0 &&
    threads.every(({ at, selves }) => {
      for (let i = 0; i < selves; i++) if (at(s, i).pc !== 'done') return false;
      return true;
    });
  return (s) => (terminal ? terminal(s as any) === true : false) || allDone(s);
}

const SPEC_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const VERDICTS = new Set(['holds', 'violated']);

export function spec<C, const V extends string>(def: SpecDef<C, V>): Spec<C> {
  if (!SPEC_NAME.test(def.name)) throw new SpecError(`spec name '${def.name}' must match ${SPEC_NAME}`);
  const variants = Object.keys(def.variants);
  if (variants.length === 0) throw new SpecError(`spec ${def.name} declares no variants`);
  for (const k of Object.keys(def.expect)) {
    if (k !== '*' && !variants.includes(k))
      throw new SpecError(`spec ${def.name}: expect names unknown variant '${k}' (variants: ${variants.join(', ')})`);
  }
  const file = callSite()?.file;
  const d = def as unknown as SpecDef<C, string>;
  const s: Spec<C> = {
    name: def.name,
    doc: def.doc,
    file,
    variants,
    deadlock: def.deadlock ?? true,
    def: d,
    config(variant) {
      if (!variants.includes(variant))
        throw new SpecError(`spec ${def.name} has no variant '${variant}' (variants: ${variants.join(', ')})`);
      return d.variants[variant]!;
    },
    variantDoc: (variant) => d.variantDocs?.[variant],
    bounds(variant) {
      return def.bounds ? def.bounds(s.config(variant)) : 'the model as written';
    },
    build(variant) {
      const t0 = performance.now();
      const config = s.config(variant);
      let m: Model<any, any>;
      try {
        m = d.model(config, variant);
      } catch (e) {
        const msg = e instanceof SchemaError || e instanceof SpecError ? e.message : String((e as Error)?.stack ?? e);
        throw new SpecError(`spec ${def.name}, variant ${variant}: building the model failed: ${msg}`);
      }
      if (!(m instanceof Model)) throw new SpecError(`spec ${def.name}: model() must return model(schema)...`);
      if (!m.hasInit) throw new SpecError(`spec ${def.name}, variant ${variant}: no initial state (call .init())`);
      let transitions: Transition[];
      try {
        transitions = buildTransitions(m);
      } catch (e) {
        throw new SpecError(`spec ${def.name}, variant ${variant}: ${(e as Error).message}`);
      }
      for (const d of m.fairDecls)
        for (const a of d.actions)
          if (!m.actions.some((x) => x.name === a) && !m.threads.some((x) => x.name === a))
            throw new SpecError(`spec ${def.name}, variant ${variant}: fairness ${d.name} names no action or thread '${a}'`);
      const expected = resolveExpectations(def.name, variant, m.properties, s.deadlock, d.expect);
      const fairness = fairnessConstraints(transitions);
      const isIntendedEnd = intendedEnd(m);
      const bounds = s.bounds(variant);
      const buildSeconds = (performance.now() - t0) / 1000;
      return { spec: s, variant, model: m, transitions, properties: m.properties, expected, bounds, fairness, isIntendedEnd, buildSeconds };
    },
  };
  return s;
}

function resolveExpectations(
  name: string,
  variant: string,
  props: readonly PropertyEntry[],
  deadlock: boolean,
  expect: SpecDef<unknown, string>['expect'],
): Map<string, Verdict> {
  const merged: Record<string, string> = { ...(expect['*'] ?? {}), ...(expect[variant] ?? {}) };
  const known = new Set(props.map((p) => p.name));
  if (deadlock) known.add(DEADLOCK_PROPERTY);
  for (const [p, v] of Object.entries(merged)) {
    if (!known.has(p))
      throw new SpecError(
        `spec ${name}, variant ${variant}: expectation for unknown property '${p}' (properties: ${[...known].join(', ')})`,
      );
    if (!VERDICTS.has(v)) throw new SpecError(`spec ${name}, variant ${variant}: '${p}' expects '${v}', not holds|violated`);
  }
  const out = new Map<string, Verdict>();
  const missing: string[] = [];
  for (const p of props) {
    // A witness exists to show the spec is not vacuous, so it is expected to
    // be found unless the spec says otherwise; invariants must be stated.
    const v = merged[p.name] ?? (p.kind === 'sometimes' ? 'holds' : undefined);
    if (v === undefined) missing.push(p.name);
    else out.set(p.name, v as Verdict);
  }
  if (missing.length)
    throw new SpecError(`spec ${name}, variant ${variant}: no expected verdict for ${missing.join(', ')}`);
  if (deadlock) out.set(DEADLOCK_PROPERTY, (merged[DEADLOCK_PROPERTY] as Verdict) ?? 'holds');
  return out;
}
