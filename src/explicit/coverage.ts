// Per-action coverage, as TLC reports it: how often each action or thread
// step was enabled and how many distinct states it found first. A step that
// is never enabled is the most common silent spec bug (a guard that cannot
// hold, a label never jumped to), so the reporters warn about it.

import type { Transition } from '../spec/transitions.ts';
import type { ActionCoverage } from '../spec/results.ts';

export type { ActionCoverage } from '../spec/results.ts';

/** Counters per transition id: typed arrays, no allocation while searching. */
export class CoverageCounter {
  readonly enabled: Float64Array;
  readonly distinct: Float64Array;
  constructor(private readonly transitions: readonly Transition[]) {
    this.enabled = new Float64Array(transitions.length);
    this.distinct = new Float64Array(transitions.length);
  }

  /** One entry per action (or thread step), in declaration order. */
  summary(): ActionCoverage[] {
    const by = new Map<string, { action: string; step?: string; enabled: number; distinct: number }>();
    this.transitions.forEach((t, i) => {
      const key = t.step === undefined ? t.action : `${t.action}.${t.step}`;
      let e = by.get(key);
      if (!e) by.set(key, (e = { action: t.action, step: t.step, enabled: 0, distinct: 0 }));
      e.enabled += this.enabled[i]!;
      e.distinct += this.distinct[i]!;
    });
    return [...by.values()];
  }
}

/** The actions and steps that were never enabled. */
export function neverEnabled(c: readonly ActionCoverage[]): ActionCoverage[] {
  return c.filter((e) => e.enabled === 0);
}
