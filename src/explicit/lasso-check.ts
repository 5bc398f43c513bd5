// Checks that a lasso (states s0..sn with sn = s_loop, or a stuttering end
// when loop = n) is a counterexample to a temporal property under the
// model's fairness, independently of how it was found: used by --replay
// and by the tests. Only the states matter, not which transition the trace
// names for a step (fairness is judged on steps, as TLA+ judges it).

import type { BuiltModel } from '../spec/spec.ts';
import type { PropertyEntry } from '../spec/model.ts';
import { codecFor } from '../state/codec.ts';
import { counts } from '../spec/transitions.ts';

export interface LassoVerdict {
  readonly ok: boolean;
  readonly reason: string;
}

/**
 * `states` must already be known to be a path of the model (each step by an
 * enabled transition); this checks the property and the fairness of the cycle.
 */
export function checkLasso(built: BuiltModel, prop: PropertyEntry, states: readonly any[], loop: number): LassoVerdict {
  const codec = codecFor(built.model.schema);
  const n = states.length - 1;
  if (!Number.isInteger(loop) || loop < 0 || loop > n) return { ok: false, reason: `loop index ${loop} is outside 0..${n}` };
  if (loop < n && !codec.equal(states[n], states[loop]))
    return { ok: false, reason: `the last state is not state ${loop}, where the cycle is said to re-enter` };
  const p = prop.pred as (s: any) => boolean;
  const cycle = states.slice(loop, loop < n ? n : n + 1);
  switch (prop.kind) {
    case 'eventually': {
      const i = states.findIndex((s) => p(s) === true);
      if (i >= 0) return { ok: false, reason: `${prop.name} holds in state ${i}` };
      break;
    }
    case 'infinitelyOften': {
      const i = cycle.findIndex((s) => p(s) === true);
      if (i >= 0) return { ok: false, reason: `${prop.name} holds in state ${loop + i}, which is on the cycle` };
      break;
    }
    case 'leadsTo': {
      const q = prop.to!;
      const qAt = states.map((s) => q(s) === true);
      // A p state from which q never holds again (the cycle included).
      let trigger = -1;
      for (let i = 0; i <= n && trigger < 0; i++) {
        if (p(states[i]) !== true || qAt[i]) continue;
        let clear = true;
        for (let j = Math.min(i, loop); j <= n; j++) if (qAt[j]) clear = false;
        if (clear) trigger = i;
      }
      if (trigger < 0) return { ok: false, reason: `no state satisfies the left side with the right side false from there on` };
      break;
    }
    default:
      return { ok: false, reason: `${prop.name} is no temporal property (${prop.kind})` };
  }
  // Fairness of the cycle, on steps.
  const W = codec.words;
  const enc = (s: any): Uint32Array => {
    const w = new Uint32Array(W);
    codec.encode(s, w, 0);
    return w;
  };
  const same = (a: Uint32Array, b: Uint32Array): boolean => a.every((x, k) => x === b[k]);
  const F = built.fairness.length;
  const enabledSomewhere = new Uint8Array(F);
  const disabledSomewhere = new Uint8Array(F);
  const taken = new Uint8Array(F);
  for (let j = 0; j < cycle.length; j++) {
    const s = cycle[j];
    const ws = enc(s);
    const nextW = loop < n ? enc(cycle[(j + 1) % cycle.length] ?? states[n]) : undefined;
    const here = new Uint8Array(F);
    for (const t of built.transitions) {
      const fair = t.fair.filter((c) => counts(c, s, t));
      if (fair.length === 0 || t.enabled(s) !== true) continue;
      const nx = codec.clone(s);
      t.fire(s, nx);
      const wn = enc(nx);
      if (same(wn, ws)) continue;
      for (const c of fair) here[c.id] = 1;
      if (nextW && same(wn, nextW)) for (const c of fair) taken[c.id] = 1;
    }
    for (let f = 0; f < F; f++) here[f] ? (enabledSomewhere[f] = 1) : (disabledSomewhere[f] = 1);
  }
  for (const c of built.fairness) {
    if (taken[c.id]) continue;
    if (c.kind === 'weak' && !disabledSomewhere[c.id])
      return { ok: false, reason: `the cycle is not fair: ${c.label} stays enabled but never takes a step (weak fairness)` };
    if (c.kind === 'strong' && enabledSomewhere[c.id])
      return { ok: false, reason: `the cycle is not fair: ${c.label} is enabled on it but never takes a step (strong fairness)` };
  }
  const shape = loop === n ? `stutters for ever in state ${n}` : `repeats states ${loop}..${n - 1} for ever`;
  return { ok: true, reason: `${prop.name} fails on this fair behaviour, which ${shape}` };
}
