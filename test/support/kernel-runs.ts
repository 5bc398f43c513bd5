// Helpers shared by the kernel model tests: one explicit run per spec and
// variant (cached, since several tests read the same run), a property's
// result, and a trace's labels and last state.

import type { Spec } from '../../src/spec/spec.ts';
import type { PropertyResult, RunResult, Trace } from '../../src/spec/results.ts';
import { explore } from '../../src/explicit/explore.ts';

const runs = new Map<string, Promise<RunResult>>();

export function run(s: Spec<any>, variant: string): Promise<RunResult> {
  const key = `${s.name}/${variant}`;
  if (!runs.has(key)) runs.set(key, explore(s.build(variant)));
  return runs.get(key)!;
}

export function result(r: RunResult, name: string): PropertyResult {
  const p = r.properties.find((q) => q.property === name);
  if (!p) throw new Error(`no result for ${name}`);
  return p;
}

export const labels = (t: Trace | undefined): string[] => (t?.steps ?? []).map((s) => s.transition.label);

export const lastState = <S>(t: Trace | undefined): S => t!.steps[t!.steps.length - 1]!.state as S;
