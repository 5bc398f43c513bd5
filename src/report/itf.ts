// Traces in the Informal Trace Format (ITF) of Apalache and Quint
// (https://apalache-mc.org/docs/adr/015adr-trace.html), so that their tools
// can read our counterexamples, and the reader that turns one back into
// plain state objects for --replay.
//
// Mapping of the schema: bool -> JSON boolean; int -> {"#bigint": "5"};
// enum -> its value as a string; ref -> the domain element's name as a
// string (a constant of an uninterpreted type, as Apalache writes them);
// optional -> the variant {"tag": "Some", "value": v} or
// {"tag": "None", "value": {"#tup": []}} (Quint's Option); array (also when
// indexed by a domain) -> JSON list in index order; record -> JSON object;
// set(Domain) -> {"#set": [element names]}.
// A lasso (a temporal property's counterexample) lists its states with the
// state where the cycle re-enters repeated at the end, and "#meta".loop is
// that state's index: the behaviour is states 0..loop-1, then loop..n-1 for
// ever. When loop is the last index, the last state stutters for ever.

import type { Trace } from '../spec/results.ts';
import type { BuiltModel } from '../spec/spec.ts';
import type { Domain, RecordType, Type } from '../spec/schema.ts';
import { describeType, DomainSet } from '../spec/schema.ts';
import { matchType } from '../spec/schema-fold.ts';
import { UserError } from '../spec/errors.ts';
import type { Transition } from '../spec/transitions.ts';

export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

export type ItfValue = boolean | string | ItfValue[] | { [key: string]: ItfValue };

export interface ItfStepMeta {
  readonly index: number;
  /** The transition's label, which --replay looks up: inc(i=Counter1), proc[p0].wait. */
  readonly action?: string;
  /** The action or thread name. */
  readonly actionName?: string;
  readonly step?: string;
  readonly actor?: string;
  readonly kernel?: string;
  readonly params?: { readonly [name: string]: ItfValue };
}

export interface ItfTrace {
  readonly '#meta': {
    readonly format: 'ITF';
    readonly 'format-description': string;
    /** The spec file, relative to the repository root. */
    readonly source: string;
    readonly spec: string;
    readonly variant: string;
    readonly property: string;
    readonly kind: Trace['kind'];
    readonly description: string;
    /** A lasso: the last state equals state `loop`, and steps loop+1..n
     *  repeat for ever (loop = the last index: it stutters for ever). */
    readonly loop?: number;
  };
  readonly vars: readonly string[];
  /** Each state: "#meta" (an ItfStepMeta) and one entry per variable. */
  readonly states: readonly { readonly [key: string]: ItfValue | ItfStepMeta }[];
}

/** A malformed ITF document (or one that does not fit the spec's schema). */
export class ItfError extends UserError {
  override name = 'ItfError';
}

export function encodeValue(t: Type, v: unknown): ItfValue {
  return matchType<ItfValue>(t, {
    bool: () => v as boolean,
    int: () => ({ '#bigint': String(v) }),
    enum: () => v as string,
    ref: (u) => u.domain.names[v as number] ?? String(v),
    set: (u) => ({ '#set': [...(v as Iterable<number>)].map((i) => u.domain.names[i] ?? String(i)) }),
    optional: (u) => (v === null ? { tag: 'None', value: { '#tup': [] } } : { tag: 'Some', value: encodeValue(u.inner, v) }),
    array: (u) => (v as unknown[]).map((e) => encodeValue(u.elem, e)),
    record: (u) => Object.fromEntries(Object.entries(u.fields).map(([k, ft]) => [k, encodeValue(ft, (v as any)[k])])),
  });
}

function encodeState(schema: RecordType, s: any): { [v: string]: ItfValue } {
  return encodeValue(schema, s) as { [v: string]: ItfValue };
}

/** The parameter schema of a transition (self included for thread steps). */
function paramTypes(built: BuiltModel, t: Transition): Record<string, Domain | Type> {
  if (t.thread) {
    const th = built.model.threads.find((x) => x.name === t.action);
    const own = (t.step && th?.def.steps[t.step]?.params) ?? {};
    const self: Domain | Type = th?.def.instances ?? { kind: 'int', min: 0, max: 0 };
    return { self, ...own };
  }
  return { ...(built.model.actions.find((a) => a.name === t.action)?.def.params ?? {}) };
}

function encodeParam(t: Domain | Type | undefined, v: unknown): ItfValue {
  if (!t) return typeof v === 'number' ? { '#bigint': String(v) } : (v as ItfValue);
  if (t.kind === 'domain') return t.names[v as number] ?? String(v);
  return encodeValue(t, v);
}

export function stepMeta(built: BuiltModel, t: Transition, index: number): ItfStepMeta {
  const types = paramTypes(built, t);
  const params = Object.fromEntries(Object.entries(t.params).map(([k, v]) => [k, encodeParam(types[k], v)]));
  return {
    index,
    action: t.label,
    actionName: t.action,
    ...(t.step ? { step: t.step } : {}),
    actor: t.actor,
    ...(t.kernel ? { kernel: t.kernel } : {}),
    params,
  };
}

const DESCRIPTIONS: Record<Trace['kind'], string> = {
  violation: 'a shortest counterexample: the property fails in the last state (or on the last step)',
  deadlock: 'a shortest trace to a state where no transition is enabled',
  witness: 'a shortest trace to a state where the sometimes property holds',
  cti: 'a counterexample to induction: state 0 satisfies the invariant, state 1 violates it; state 0 need not be reachable',
};

/** The ITF document of a trace. `source` is the spec file relative to the repository root. */
export function toItf(trace: Trace, built: BuiltModel, source: string): ItfTrace {
  const schema = built.model.schema;
  return {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_DESCRIPTION,
      source,
      spec: built.spec.name,
      variant: built.variant,
      property: trace.property,
      kind: trace.kind,
      description:
        trace.loop === undefined
          ? `mmcheck: ${DESCRIPTIONS[trace.kind]}`
          : 'mmcheck: a lasso: the behaviour repeats from state "loop" for ever (the last state equals it; loop = last index: it stutters)',
      ...(trace.loop === undefined ? {} : { loop: trace.loop }),
    },
    vars: Object.keys(schema.fields),
    states: [
      { '#meta': { index: 0 }, ...encodeState(schema, trace.initial) },
      ...trace.steps.map((st, i) => ({ '#meta': stepMeta(built, st.transition, i + 1), ...encodeState(schema, st.state) })),
    ],
  };
}

/** The ITF document as pretty JSON text (what is written to <property>.json). */
export function itfText(itf: ItfTrace): string {
  return JSON.stringify(itf, null, 2) + '\n';
}

// ---------------------------------------------------------------- reading

export interface ItfHeader {
  readonly source?: string;
  readonly spec: string;
  readonly variant: string;
  readonly property: string;
  readonly kind: Trace['kind'];
  /** A lasso's loop index ("#meta".loop). */
  readonly loop?: number;
}

export interface ReadTrace {
  readonly header: ItfHeader;
  /** Plain state objects, state 0 first. */
  readonly states: readonly any[];
  /** The transition label recorded for state i (i >= 1); undefined for state 0. */
  readonly actions: readonly (string | undefined)[];
}

const KINDS = new Set(['violation', 'deadlock', 'witness', 'cti']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readLoop(v: unknown, states: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= states)
    throw new ItfError(`"#meta".loop is ${JSON.stringify(v)}, not a state index 0..${states - 1}`);
  return v;
}

/** Checks the document's shape and reads its #meta; the states are decoded by decodeItf. */
export function readItfHeader(doc: unknown): ItfHeader {
  if (!isObject(doc)) throw new ItfError('not an ITF trace: the document is not a JSON object');
  const meta = doc['#meta'];
  if (!isObject(meta)) throw new ItfError('not an mmcheck ITF trace: no "#meta" object');
  for (const k of ['spec', 'variant', 'property', 'kind'])
    if (typeof meta[k] !== 'string') throw new ItfError(`not an mmcheck ITF trace: "#meta".${k} is missing or not a string`);
  if (!KINDS.has(meta.kind as string))
    throw new ItfError(`"#meta".kind is '${String(meta.kind)}', not one of ${[...KINDS].join(', ')}`);
  if (!Array.isArray(doc.states) || doc.states.length === 0) throw new ItfError('the trace has no "states" list');
  return {
    source: typeof meta.source === 'string' ? meta.source : undefined,
    spec: meta.spec as string,
    variant: meta.variant as string,
    property: meta.property as string,
    kind: meta.kind as Trace['kind'],
    ...(meta.loop === undefined ? {} : { loop: readLoop(meta.loop, doc.states.length) }),
  };
}

export function decodeValue(t: Type, v: unknown, where: string): unknown {
  const bad = (): never => {
    throw new ItfError(`${where}: ${JSON.stringify(v)} is not an ITF value of type ${describeType(t)}`);
  };
  return matchType<unknown>(t, {
    bool: () => (typeof v === 'boolean' ? v : bad()),
    int: () => {
      // ITF writes integers as {"#bigint": "5"}; plain JSON numbers are accepted too.
      const n = isObject(v) && typeof v['#bigint'] === 'string' && /^-?\d+$/.test(v['#bigint']) ? Number(v['#bigint']) : typeof v === 'number' ? v : bad();
      return Number.isSafeInteger(n) ? n : bad();
    },
    enum: () => (typeof v === 'string' ? v : bad()),
    ref: (u) => {
      if (typeof v !== 'string') return bad();
      const i = u.domain.names.indexOf(v);
      if (i < 0) throw new ItfError(`${where}: '${v}' is not an element of ${u.domain.name} (${u.domain.names.join(', ')})`);
      return i;
    },
    set: (u) => {
      const elems = isObject(v) && Array.isArray(v['#set']) ? v['#set'] : bad();
      const out = new DomainSet(u.domain);
      for (const e of elems) out.add(decodeValue({ kind: 'ref', domain: u.domain }, e, where) as number);
      return out;
    },
    optional: (u) => {
      if (!isObject(v) || (v.tag !== 'Some' && v.tag !== 'None')) return bad();
      return v.tag === 'None' ? null : decodeValue(u.inner, v.value, where);
    },
    array: (u) => {
      if (!Array.isArray(v)) return bad();
      return v.map((e, i) => decodeValue(u.elem, e, `${where}[${u.index ? (u.index.names[i] ?? i) : i}]`));
    },
    record: (u) => {
      if (!isObject(v)) return bad();
      const out: Record<string, unknown> = {};
      for (const [k, ft] of Object.entries(u.fields)) {
        if (!(k in v)) throw new ItfError(`${where ? `${where}.` : ''}${k} is missing`);
        out[k] = decodeValue(ft, v[k], where ? `${where}.${k}` : k);
      }
      return out;
    },
  });
}

/** Reads every state of an ITF document into plain objects of the schema's shape. */
export function decodeItf(doc: unknown, schema: RecordType): ReadTrace {
  const header = readItfHeader(doc);
  const states = (doc as { states: unknown[] }).states;
  const out: any[] = [];
  const actions: (string | undefined)[] = [];
  states.forEach((st, i) => {
    if (!isObject(st)) throw new ItfError(`state ${i} is not a JSON object`);
    const meta = isObject(st['#meta']) ? st['#meta'] : {};
    if (i > 0 && typeof meta.action !== 'string')
      throw new ItfError(`state ${i} does not name the action that led to it ("#meta".action)`);
    actions.push(i > 0 ? (meta.action as string) : undefined);
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(st)) if (k !== '#meta') vars[k] = v;
    out.push(decodeValue(schema, vars, `state ${i}`));
  });
  return { header, states: out, actions };
}
