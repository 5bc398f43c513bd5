// One spec variant explored twice, without and with --por: the verdicts
// must be equal, the reduced run may not store more states, and every trace
// of the reduced run must be an execution of the model that ends where its
// kind says (replayed here with the spec's own functions). Used by
// bench/por.ts (every spec and variant in specs/, run by CI) and by
// test/por.test.ts (a few).

import { explore, type ExplicitRunResult } from '../src/explicit/explore.ts';
import { footprintsOf } from '../src/symbolic/footprint.ts';
import type { Trace } from '../src/spec/results.ts';
import type { BuiltModel, Spec } from '../src/spec/spec.ts';
import { isTemporal } from '../src/spec/model.ts';
import { codecFor } from '../src/state/codec.ts';

export interface PorComparison {
  readonly spec: string;
  readonly variant: string;
  readonly full: ExplicitRunResult;
  readonly por: ExplicitRunResult;
  /** Differences (verdicts, counts, traces): empty when all is well. */
  readonly problems: readonly string[];
}

/** Why trace t is not an execution of the model ending as its kind says, or undefined. */
export function traceProblem(built: BuiltModel, t: Trace): string | undefined {
  // States as the engine holds them: decoded from their packed words.
  const codec = codecFor(built.model.schema);
  const words = (o: unknown) => {
    const w = new Uint32Array(codec.words);
    codec.encode(o, w, 0);
    return w;
  };
  const live = (o: unknown) => codec.snapshot(words(o), 0);
  const same = (a: unknown, b: unknown) => words(a).join() === words(b).join();
  if (!built.model.inits.some((i) => same(i, t.initial))) return 'does not start in an initial state';
  let s: any = live(t.initial);
  let prev: any = undefined;
  for (const [i, step] of t.steps.entries()) {
    if (step.transition.enabled(s) !== true) return `step ${i + 1} (${step.transition.label}) is not enabled`;
    const n = live(s);
    step.transition.fire(s, n);
    if (!same(n, step.state)) return `step ${i + 1} (${step.transition.label}) does not give the state shown`;
    prev = s;
    s = live(step.state);
  }
  // A lasso's end (temporal properties) is judged by the liveness pass, not here.
  if (t.loop !== undefined) return undefined;
  const p = built.model.properties.find((x) => x.name === t.property);
  if (t.kind === 'deadlock') return built.transitions.some((x) => x.enabled(s) === true) ? 'ends where a step is enabled' : undefined;
  if (!p || isTemporal(p.kind)) return undefined; // a spec error's trace ends where the error is
  const pred = p.pred as (a: unknown, b?: unknown) => unknown;
  if (t.kind === 'witness') return pred(s) === true ? undefined : 'the witness does not satisfy its property';
  if (p.kind === 'transition') return prev !== undefined && pred(prev, s) === false ? undefined : 'the last step satisfies the property';
  return pred(s) === false ? undefined : 'the last state satisfies the property';
}

export async function comparePor(spec: Spec<any>, variant: string): Promise<PorComparison> {
  const full = await explore(spec.build(variant));
  const built = spec.build(variant);
  const por = await explore(built, { por: footprintsOf });
  const problems: string[] = [];
  const verdicts = new Map(full.properties.map((p) => [p.property, p.verdict]));
  for (const p of por.properties) {
    if (verdicts.get(p.property) !== p.verdict) problems.push(`${p.property}: ${p.verdict} with --por, ${verdicts.get(p.property)} without`);
    const bad = p.trace && traceProblem(built, p.trace);
    if (bad) problems.push(`${p.property}: the --por trace ${bad}`);
  }
  if (por.properties.length !== full.properties.length) problems.push('not the same properties');
  if (por.status !== full.status) problems.push(`status ${por.status} with --por, ${full.status} without`);
  if (por.stats.distinct > full.stats.distinct) problems.push(`${por.stats.distinct} states with --por, more than ${full.stats.distinct}`);
  return { spec: spec.name, variant, full, por, problems };
}
