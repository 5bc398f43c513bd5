// Flattens a model's actions and thread steps into transitions: one per
// action and combination of parameter values. Both engines and the trace
// writer work on transitions; a transition's id is its index.

import type { Domain, Type } from './schema.ts';
import { valuesOf } from './schema.ts';
import type { Model, ParamSchema } from './model.ts';
import { SpecError } from './errors.ts';

export interface Transition {
  readonly id: number;
  /** The action or thread name. */
  readonly action: string;
  /** The step label, for thread steps. */
  readonly step?: string;
  /** Human-readable: inc(i=2), gupFast[parent].grab. */
  readonly label: string;
  /** Parameter values as the state holds them (domain elements as numbers). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Race-diagram column. */
  readonly actor: string;
  readonly kernel?: string;
  /** For thread steps: where the thread's record lives, the instance, and the step's successor label. */
  readonly thread?: { readonly name: string; readonly self: number; readonly fallthrough: string };
  /** The fairness constraints this transition belongs to (none: unfair).
   *  A constraint with `where` counts the transition only in states (and
   *  for parameters) where it holds. */
  readonly fair: readonly FairnessConstraint[];
  enabled(s: any): boolean;
  /** Writes the successor into n, which must hold a copy of s. */
  fire(s: any, n: any): void;
}

/** The race-diagram column of actions that name no actor. */
export const DEFAULT_ACTOR = 'env';

function combinations(schema: ParamSchema | undefined): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [name, t] of Object.entries(schema ?? {})) {
    const vals = valuesOf(t);
    const next: Record<string, unknown>[] = [];
    for (const o of out) for (const v of vals) next.push({ ...o, [name]: v });
    out = next;
  }
  return out.map((o) => Object.freeze(o));
}

/** How a parameter value is written: domain elements by name. */
export function formatParam(t: Domain | Type | undefined, v: unknown): string {
  if (t && t.kind === 'domain') return t.names[v as number] ?? String(v);
  if (t && t.kind === 'ref') return t.domain.names[v as number] ?? String(v);
  return String(v);
}

function formatParams(schema: ParamSchema | undefined, p: Record<string, unknown>, skip?: string): string {
  const parts = Object.keys(schema ?? {})
    .filter((k) => k !== skip)
    .map((k) => `${k}=${formatParam(schema![k], p[k])}`);
  return parts.length ? `(${parts.join(', ')})` : '';
}

/** One fairness constraint: WF or SF of a set of transitions taken together
 *  (one thread instance's steps, or one action's parameter combination). */
export interface FairnessConstraint {
  readonly id: number;
  readonly kind: 'weak' | 'strong';
  /** thread[instance], action(params), or the name given to m.fair(). */
  readonly label: string;
  /** Restricts the constraint's steps: transition t counts in state s only if where(s, t.params). */
  readonly where?: (s: any, params: any) => boolean;
}

/** Whether transition t (enabled in s) is a step of constraint c there. */
export function counts(c: FairnessConstraint, s: unknown, t: Transition): boolean {
  return !c.where || c.where(s, t.params) === true;
}

/** The fairness constraints of a model's transitions, by id. */
export function fairnessConstraints(transitions: readonly Transition[]): FairnessConstraint[] {
  const out: FairnessConstraint[] = [];
  for (const t of transitions) for (const c of t.fair) out[c.id] = c;
  return out;
}

/** A parameter value by its element name, for constraint labels. */
function paramName(m: Model<any, any>, t: Transition, k: string): string | undefined {
  if (k === 'self' && t.thread) {
    const th = m.threads.find((x) => x.name === t.action);
    return th?.def.instances?.names[t.params.self as number];
  }
  const a = m.actions.find((x) => x.name === t.action);
  const th = m.threads.find((x) => x.name === t.action);
  const type = a?.def.params?.[k] ?? (t.step ? th?.def.steps[t.step]?.params?.[k] : undefined);
  return type ? formatParam(type, t.params[k]) : undefined;
}

export function buildTransitions(m: Model<any, any>): Transition[] {
  const out: Transition[] = [];
  let fairCount = 0;
  for (const { name, def } of m.actions) {
    const guard = def.guard;
    const apply = def.apply;
    const kind = def.fairness === 'weak' || def.fairness === 'strong' ? def.fairness : undefined;
    for (const params of combinations(def.params)) {
      const label = name + formatParams(def.params, params);
      const actor = typeof def.actor === 'function' ? def.actor(params as any) : (def.actor ?? DEFAULT_ACTOR);
      out.push({
        fair: kind ? [Object.freeze({ id: fairCount++, kind, label })] : [],
        id: out.length,
        action: name,
        label,
        params,
        actor,
        kernel: def.kernel,
        enabled: guard ? (s) => guard(s, params as any) : () => true,
        fire: (s, n) => apply(s, n, params as any),
      });
    }
  }
  for (const { name, def, labels } of m.threads) {
    const instances = def.instances;
    const selves = instances ? instances.size : 1;
    const at = def.at;
    for (let self = 0; self < selves; self++) {
      const who = instances ? `${name}[${instances.names[self]}]` : name;
      const actor =
        typeof def.actor === 'function'
          ? def.actor(self)
          : def.actor
            ? instances
              ? `${def.actor}[${instances.names[self]}]`
              : def.actor
            : who;
      const kind = def.fairness === 'weak' || def.fairness === 'strong' ? def.fairness : undefined;
      const fairness = kind ? Object.freeze({ id: fairCount++, kind, label: who }) : undefined;
      labels.forEach((lab, i) => {
        const step = def.steps[lab]!;
        const fallthrough = labels[i + 1] ?? 'done';
        // A step with `either` is one transition per alternative, each with
        // the step's guard and its own.
        const alts: [string | undefined, { guard?: any; apply?: any; kernel?: string }][] = step.either
          ? Object.entries(step.either)
          : [[undefined, step]];
        for (const [alt, body] of alts) {
          for (const own of combinations(step.params)) {
            if ('self' in own) throw new SpecError(`thread ${name} step ${lab}: 'self' is a reserved parameter name`);
            const params = Object.freeze({ self, ...own });
            const stepGuard = step.guard;
            const altGuard = alt === undefined ? undefined : body.guard;
            const apply = body.apply;
            const enabled =
              stepGuard && altGuard
                ? (s: any) => at(s, self).pc === lab && stepGuard(s, params) && altGuard(s, params)
                : stepGuard || altGuard
                  ? ((g) => (s: any) => at(s, self).pc === lab && g(s, params))(stepGuard ?? altGuard)
                  : (s: any) => at(s, self).pc === lab;
            const fire = apply
              ? (s: any, n: any) => {
                  const to = apply(s, n, params);
                  at(n, self).pc = to ?? fallthrough;
                }
              : (_s: any, n: any) => {
                  at(n, self).pc = fallthrough;
                };
            out.push({
              id: out.length,
              action: name,
              step: lab,
              label: `${who}.${lab}${alt === undefined ? '' : `/${alt}`}${formatParams(step.params, own)}`,
              params,
              actor,
              kernel: body.kernel ?? step.kernel,
              thread: { name, self, fallthrough },
              fair: fairness ? [fairness] : [],
              enabled,
              fire,
            });
          }
        }
      });
    }
  }
  // Fairness declared with m.fair(): one constraint per value of its `per` parameters.
  for (const d of m.fairDecls) {
    const groups = new Map<string, FairnessConstraint>();
    for (const t of out) {
      if (!d.actions.includes(t.action)) continue;
      const key = d.per.map((k) => formatParam(undefined, t.params[k])).join(',');
      let c = groups.get(key);
      if (!c) {
        const label = d.per.length ? `${d.name}(${d.per.map((k, i) => `${k}=${paramName(m, t, k) ?? key.split(',')[i]}`).join(', ')})` : d.name;
        c = Object.freeze({ id: fairCount++, kind: d.kind, label, where: d.where });
        groups.set(key, c);
      }
      (t.fair as FairnessConstraint[]).push(c);
    }
  }
  return out;
}
