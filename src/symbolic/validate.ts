// Translation validation: before the symbolic engine reports "holds", its
// translation is confirmed against JavaScript on the states a bounded
// breadth-first run of the spec's own functions reaches: in each state,
// every guard, every enabled transition's successor, every state property
// and every step property must have the value the translated terms give.
// The terms are evaluated in a Z3 model that fixes the state's leaves, so
// what is checked is exactly what the queries used. A disagreement is a bug
// in the translation (or a construct it gets wrong): the run stops with an
// error naming the function, the state and the first field that differs,
// instead of reporting a proof that may rest on it.

import type { Model as ZModel } from 'z3-solver';
import type { SymSystem } from './system.ts';
import type { ZBool, ZExpr } from './z3.ts';

export class TranslationMismatch extends Error {
  override name = 'TranslationMismatch';
}

export interface ValidationStats {
  readonly states: number;
  readonly guards: number;
  readonly successors: number;
  readonly properties: number;
}

/** Default number of distinct states checked per translated system. */
export const VALIDATE_STATES = 60;

export function validateTranslation(sys: SymSystem, maxStates = VALIDATE_STATES): ValidationStats {
  const { z, enc, built } = sys;
  const stats = { states: 0, guards: 0, successors: 0, properties: 0 };
  if (maxStates <= 0) return stats;
  const seen = new Set<string>();
  let frontier: unknown[] = [];
  for (const s of built.model.inits) {
    const key = JSON.stringify(s);
    if (!seen.has(key)) {
      seen.add(key);
      frontier.push(s);
    }
  }
  const where = (s: unknown) => `in state ${JSON.stringify(s)}`;
  const fail = (what: string, s: unknown, detail: string): never => {
    throw new TranslationMismatch(
      `symbolic engine, spec ${built.spec.name}, variant ${built.variant}: the translation of ${what} disagrees with JavaScript ` +
        `${where(s)}: ${detail}. Some construct in it is translated wrongly (a bug in mmcheck); the explicit engine's verdicts stand`,
    );
  };
  const statePreds = sys.props.filter((p) => p.entry.kind !== 'transition');
  const stepPreds = sys.props.filter((p) => p.entry.kind === 'transition');
  // The constants' declarations, made once (z3-solver makes a new one per updateValue given a constant).
  const decls = new Map([sys.X, sys.X2].map((vs) => [vs, vs.map((v) => v.decl())]));
  const fix = (m: ZModel<'main'>, vars: readonly ZExpr[], state: unknown) => {
    const vals = enc.terms(state); // the explicit run's states: in range, of the right kinds
    decls.get(vars)!.forEach((d, i) => m.updateValue(d, vals[i]!));
  };
  const boolOf = (m: ZModel<'main'>, f: ZBool) => z.isTrue(m.eval(f, true));
  const expect = (f: ZBool, js: boolean): ZBool => (js ? f : z.Not(f));
  /** A leaf's value as a number where it is one (a bit-vector is shown signed, as the encoding means it). */
  const shown = (e: ZExpr): string => (z.isBitVecVal(e) ? String(e.asSignedValue()) : e.toString());
  while (frontier.length > 0 && stats.states < maxStates) {
    const next: unknown[] = [];
    for (const s of frontier) {
      if (stats.states >= maxStates) break;
      stats.states++;
      const m = new z.Model();
      fix(m, sys.X, s);
      // Everything JavaScript says about the state, as one conjunction: one
      // evaluation walks the terms' shared DAG once (the costly part when
      // each guard and successor was evaluated alone). Only when it is false
      // is each item evaluated alone, to name the first that disagrees.
      const claims: ZBool[] = [];
      const items: (() => void)[] = [];
      for (const p of statePreds) {
        let js: unknown;
        try {
          js = p.entry.pred(s as never, undefined as never);
        } catch {
          continue; // an error of the spec: reported by the engines, not a translation question
        }
        if (typeof js !== 'boolean') continue;
        stats.properties++;
        claims.push(expect(p.holds, js));
        items.push(() => {
          if (boolOf(m, p.holds) !== js) fail(`property ${p.entry.name}`, s, `JavaScript says ${js}`);
        });
      }
      const steps: { n: unknown; label: string; preds: { p: (typeof stepPreds)[number]; js: boolean }[] }[] = [];
      for (const st of sys.trans) {
        let en: unknown;
        try {
          en = st.t.enabled(s);
        } catch {
          continue;
        }
        if (typeof en !== 'boolean') continue;
        stats.guards++;
        claims.push(expect(st.guard, en));
        items.push(() => {
          if (boolOf(m, st.guard) !== en) fail(`the guard of ${st.t.label}`, s, `JavaScript says ${en}`);
        });
        if (!en) continue;
        const n = structuredClone(s);
        try {
          st.t.fire(s, n);
        } catch {
          continue;
        }
        let want: ZExpr[];
        try {
          want = enc.terms(n);
        } catch {
          continue; // a value of the wrong kind: an error of the spec, reported by the engines
        }
        stats.successors++;
        claims.push(enc.eq(st.next, want));
        items.push(() => {
          for (let i = 0; i < want.length; i++) {
            const got = m.eval(st.next[i]!, true);
            if (got.sexpr() !== m.eval(want[i]!, true).sexpr())
              fail(`${st.t.label}`, s, `field ${enc.leaves[i]!.path} is ${shown(want[i]!)} in JavaScript, ${shown(got)} in the translation`);
          }
        });
        const preds: { p: (typeof stepPreds)[number]; js: boolean }[] = [];
        for (const p of stepPreds) {
          let js: unknown;
          try {
            js = (p.entry.pred as (a: unknown, b: unknown) => unknown)(s, n);
          } catch {
            continue;
          }
          if (typeof js !== 'boolean') continue;
          stats.properties++;
          preds.push({ p, js });
        }
        if (preds.length > 0) steps.push({ n, label: st.t.label, preds });
        const key = JSON.stringify(n);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(n);
        }
      }
      if (!boolOf(m, z.And(...claims))) {
        for (const item of items) item();
        // Not reached: the conjunction is false only where one item is.
        fail('the state', s, 'the conjunction of its checks is false, yet none of them is');
      }
      // Step properties read the successor too: one model per step.
      for (const { n, label, preds } of steps) {
        const m2 = new z.Model();
        fix(m2, sys.X, s);
        fix(m2, sys.X2, n);
        if (boolOf(m2, z.And(...preds.map(({ p, js }) => expect(p.holds, js))))) continue;
        for (const { p, js } of preds)
          if (boolOf(m2, p.holds) !== js) fail(`property ${p.entry.name} on the step ${label}`, s, `JavaScript says ${js}`);
      }
    }
    frontier = next;
  }
  return stats;
}
