// --replay <file.json>: re-executes an ITF trace against the current spec,
// step by step by transition label, and says whether it still reaches the
// violation (or the witness).

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEADLOCK_PROPERTY } from '../spec/model.ts';
import type { BuiltModel } from '../spec/spec.ts';
import { SpecError } from '../spec/errors.ts';
import { codecFor, ValueRangeError, type Codec } from '../state/codec.ts';
import { decodeItf, ItfError, readItfHeader, type ItfHeader } from '../report/itf.ts';
import { findSpec, loadSpecFile, type FoundSpec } from './discover.ts';
import { UsageError } from './errors.ts';
import { selectVariants } from './run.ts';
import { checkLasso } from '../explicit/lasso-check.ts';
import { SPEC_ERROR_PROPERTY, specErrorIn } from './spec-error-trace.ts';

export interface ReplayOutcome {
  readonly header: ItfHeader;
  readonly steps: number;
  readonly reproduces: boolean;
  /** What was checked, or where the replay departed from the recording. */
  readonly reason: string;
  /** One line per step replayed. */
  readonly log: readonly string[];
}

/** Reads and parses the file; a missing or malformed file is an error (exit 2). */
export function readTraceFile(file: string): unknown {
  if (!existsSync(file)) throw new UsageError(`no such trace file: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ItfError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

async function specOf(header: ItfHeader, specArg: string | undefined, specsDir: string, root: string): Promise<FoundSpec> {
  let found: FoundSpec | undefined;
  if (specArg) found = await findSpec(specArg, specsDir, root);
  else if (header.source && existsSync(resolve(root, header.source))) {
    const file = resolve(root, header.source);
    const spec = await loadSpecFile(file, root);
    if (spec) found = { spec, file };
  }
  found ??= await findSpec(header.spec, specsDir, root);
  if (found.spec.name !== header.spec)
    throw new UsageError(`the trace is of spec '${header.spec}', not '${found.spec.name}'`);
  return found;
}

function encodable(codec: Codec, s: unknown, i: number): void {
  try {
    codec.encode(s, new Uint32Array(codec.words), 0);
  } catch (e) {
    if (e instanceof ValueRangeError) throw new ItfError(`state ${i}: ${e.message}`);
    throw e;
  }
}

/**
 * The trace's variables must be the spec's state fields. A trace whose #meta
 * names another spec than the one its states come from (edited, copied, or
 * the spec renamed) would otherwise fail with 'state 0.counter is missing'.
 */
function sameVariables(doc: unknown, built: BuiltModel, header: ItfHeader): void {
  const d = doc as { vars?: unknown; states?: unknown };
  const first = Array.isArray(d?.states) ? (d.states[0] as unknown) : undefined;
  const vars = Array.isArray(d?.vars)
    ? d.vars.map(String)
    : typeof first === 'object' && first !== null
      ? Object.keys(first).filter((k) => k !== '#meta')
      : undefined;
  if (!vars) return; // decodeItf names what is malformed
  const fields = Object.keys(built.model.schema.fields);
  if (vars.length === fields.length && vars.every((v) => fields.includes(v))) return;
  throw new ItfError(
    `the trace's state variables (${vars.join(', ')}) are not those of spec ${built.spec.name}, variant ` +
      `${built.variant} (${fields.join(', ')}): its #meta names spec '${header.spec}', but the states are of ` +
      `another spec, or of an older version of this one`,
  );
}

export async function replay(file: string, specArg: string | undefined, specsDir: string, root: string): Promise<ReplayOutcome> {
  const doc = readTraceFile(file);
  const header = readItfHeader(doc);
  const found = await specOf(header, specArg, specsDir, root);
  selectVariants(found, header.variant);
  const built = found.spec.build(header.variant);
  const codec = codecFor(built.model.schema);
  sameVariables(doc, built, header);
  const { states, actions } = decodeItf(doc, built.model.schema);
  states.forEach((s, i) => encodable(codec, s, i));
  const where = `spec ${built.spec.name}, variant ${built.variant}`;
  const log: string[] = [];
  const steps = states.length - 1;
  const result = (reproduces: boolean, reason: string): ReplayOutcome => ({ header, steps, reproduces, reason, log });

  const prop = built.properties.find((p) => p.name === header.property);
  const specError = !prop && header.property === SPEC_ERROR_PROPERTY && header.kind === 'violation';
  if (!prop && header.property !== DEADLOCK_PROPERTY && !specError)
    return result(false, `${where} has no property '${header.property}' (properties: ${built.properties.map((p) => p.name).join(', ')})`);
  const call = (f: () => unknown, what: string): unknown => {
    try {
      return f();
    } catch (e) {
      throw new SpecError(`${where}: ${what} threw ${(e as Error)?.message ?? String(e)}`);
    }
  };
  const holds = (s: any, n?: any): boolean => call(() => (prop!.pred as (a: any, b?: any) => unknown)(s, n), `property ${prop!.name}`) === true;

  // A step property (m.transition) judges a step, not a state: its predicate takes (s, n).
  const onStep = prop?.kind === 'transition';
  if (header.kind === 'cti') {
    if (!prop) return result(false, 'a counterexample to induction needs an invariant');
    if (onStep) log.push('  0  a state satisfying the proven invariants (not necessarily reachable)');
    else if (!holds(states[0])) return result(false, `state 0 does not satisfy ${prop.name}, so this is no counterexample to induction`);
    else log.push(`  0  ${prop.name} holds (not necessarily reachable)`);
  } else if (!built.model.inits.some((init) => codec.equal(init, states[0]))) {
    return result(false, 'state 0 is not an initial state of the model');
  } else log.push('  0  initial state');

  for (let i = 1; i < states.length; i++) {
    const label = actions[i]!;
    const prev = states[i - 1];
    const t = built.transitions.find((x) => x.label === label);
    if (!t) return result(false, `step ${i}: the model has no transition '${label}'`);
    if (!call(() => t.enabled(prev), `the guard of ${label}`)) return result(false, `step ${i}: ${label} is not enabled`);
    const next = codec.clone(prev);
    call(() => t.fire(prev, next), label);
    if (!codec.equal(next, states[i])) {
      const d = codec.diff(states[i], next).map((c) => `${c.field}: recorded ${c.from}, replayed ${c.to}`);
      return result(false, `step ${i}: ${label} leads to a different state than recorded (${d.join('; ')})`);
    }
    log.push(`${String(i).padStart(3)}  ${label}`);
  }

  const last = states[steps];
  if (header.loop !== undefined) {
    // A lasso: the property and the fairness of its cycle.
    if (!prop) return result(false, 'a lasso needs a temporal property');
    const v = checkLasso(built, prop, states, header.loop);
    return result(v.ok, v.reason);
  }
  if (specError) {
    // A trace to a spec error (src/cli/spec-error-trace.ts): the error happens in its last state.
    const error = specErrorIn(built, codec, last);
    return error
      ? result(true, `a spec error happens in the last state (after step ${steps}): ${error}`)
      : result(false, `no spec error happens in the last state (after step ${steps})`);
  }
  switch (header.kind) {
    case 'violation':
      if (prop!.kind === 'transition') {
        if (steps === 0) return result(false, 'an action property needs a step');
        return holds(states[steps - 1], last)
          ? result(false, `step ${steps} satisfies ${prop!.name}`)
          : result(true, `step ${steps} violates ${prop!.name}`);
      }
      return holds(last)
        ? result(false, `${prop!.name} holds in the last state`)
        : result(true, `${prop!.name} fails in the last state (after step ${steps})`);
    case 'witness':
      return holds(last)
        ? result(true, `${prop!.name} holds in the last state (after step ${steps})`)
        : result(false, `${prop!.name} does not hold in the last state`);
    case 'cti':
      if (onStep) {
        if (steps === 0) return result(false, 'a step property needs a step');
        return holds(states[steps - 1], last)
          ? result(false, `step ${steps} satisfies ${prop!.name}`)
          : result(true, `step ${steps} violates ${prop!.name}: not implied by the proven invariants`);
      }
      return holds(last)
        ? result(false, `${prop!.name} still holds after step ${steps}`)
        : result(true, `${prop!.name} fails after step ${steps}: not inductive`);
    case 'deadlock': {
      const enabled = built.transitions.filter((t) => call(() => t.enabled(last), `the guard of ${t.label}`));
      if (enabled.length) return result(false, `the last state is no deadlock: ${enabled.map((t) => t.label).join(', ')} enabled`);
      if (call(() => built.isIntendedEnd(last), 'the terminal predicate'))
        return result(false, 'the last state is a declared end state, not a deadlock');
      return result(true, `no transition is enabled after step ${steps}: deadlock`);
    }
  }
}
