// Houdini: the largest inductive subset of a set of candidate invariants.
// Start from every candidate; drop those false in some initial state (a
// model of Init and not C); then, per transition, ask for a state where all
// remaining candidates (and the assumptions) hold whose successor falsifies
// one of them (a counterexample to induction), and drop every candidate the
// successor falsifies. When no transition has such a state, the conjunction
// of what remains is inductive: it holds in every reachable state. Dropping
// only ever removes candidates, so this ends after at most |C| CTIs.
//
// Each candidate i has an indicator literal b_i; the queries assert
// b_i => c_i(X) and ask for some b_i with not c_i(successor), with the
// indicators of the remaining candidates as assumptions (and the dropped
// ones negated), so one incremental solver per transition serves every
// round. The unsat core of a target's own query (the same solver, another
// selector) names the candidates its inductive step used.
//
// A CTI that falsifies no candidate (its successor leaves a declared range,
// or evaluating a property there is an error) cannot be repaired by
// dropping: the run ends "blocked", with that CTI.

import type { Solver } from 'z3-solver';
import type { SymSystem } from './system.ts';
import type { ZBool } from './z3.ts';
import { newSolver } from './system.ts';
import { checkMaybe } from './z3.ts';
import { decodeState } from './trace.ts';
import { over, type Cti } from './consecution.ts';

export interface HoudiniCandidate {
  readonly name: string;
  /** Over X. */
  readonly term: ZBool;
}

export interface Dropped {
  readonly name: string;
  /** 'init': false in an initial state (the state); else the CTI whose successor falsified it. */
  readonly why: { readonly kind: 'init'; readonly state: unknown } | { readonly kind: 'cti'; readonly cti: Cti };
}

export interface HoudiniResult {
  /** The candidates that survived: together inductive (unless blocked or unknown). */
  readonly kept: readonly string[];
  readonly dropped: readonly Dropped[];
  /** A CTI no candidate explains (an error term, a range): nothing is proven. */
  readonly blocked?: Cti;
  /** A query ran out of time: nothing is proven. */
  readonly unknown?: boolean;
  readonly queries: number;
}

export interface HoudiniOptions {
  /** Assumed in every state (over X), e.g. proven lemmas. */
  readonly assume?: ZBool;
  /** Must hold in every state (over X), never dropped: e.g. "no property errs". */
  readonly mandatory?: ZBool;
  readonly timeoutMs?: number;
  readonly solverSeconds: number[];
}

/** Per-transition solvers, kept for the unsat-core queries after the fixpoint. */
export class Houdini {
  private readonly b: ZBool[];
  private readonly solvers = new Map<number, Solver<'main'>>();
  private readonly primed = new Map<number, ZBool[]>();
  private readonly select: ZBool;
  private queries = 0;
  private readonly active: boolean[];

  constructor(
    readonly sys: SymSystem,
    readonly cands: readonly HoudiniCandidate[],
    readonly opts: HoudiniOptions,
  ) {
    const z = sys.z;
    const tag = `houdini!${Houdini.instances++}`;
    this.b = cands.map((_, i) => z.Bool.const(`${tag}.b${i}`));
    this.select = z.Bool.const(`${tag}.fixpoint`);
    this.active = cands.map(() => true);
  }
  private static instances = 0;

  private assumptions(): ZBool[] {
    const z = this.sys.z;
    return this.b.map((b, i) => (this.active[i] ? b : z.Not(b)));
  }

  private async check(s: Solver<'main'>, extra: ZBool[]) {
    const t0 = performance.now();
    const m = await checkMaybe(s, ...this.assumptions(), ...extra);
    this.opts.solverSeconds.push((performance.now() - t0) / 1000);
    this.queries++;
    return m;
  }

  /** The solver for transition i: Range, assumptions, the guard, candidates (indicated) now, "some fails" next. */
  private solverFor(i: number): { s: Solver<'main'>; next: ZBool[] } {
    const { sys } = this;
    const z = sys.z;
    let s = this.solvers.get(i);
    let next = this.primed.get(i);
    if (!s || !next) {
      const t = sys.trans[i]!;
      s = newSolver(sys, this.opts.timeoutMs);
      const nx = this.cands.map((c) => over(sys, c.term, t.next));
      s.add(sys.enc.range(sys.X), t.guard);
      if (this.opts.assume) s.add(this.opts.assume);
      if (this.opts.mandatory) s.add(this.opts.mandatory);
      this.cands.forEach((c, k) => s!.add(z.Implies(this.b[k]!, c.term)));
      // A throw from the state (any transition: sys.transThrow) or a successor out of range is a failure too.
      const bad: ZBool[] = [z.Not(over(sys, sys.enc.range(sys.X), t.next)), sys.transThrow];
      if (this.opts.mandatory) bad.push(z.Not(over(sys, this.opts.mandatory, t.next)));
      nx.forEach((c, k) => bad.push(z.And(this.b[k]!, z.Not(c))));
      s.add(z.Implies(this.select, z.Or(...bad)));
      this.solvers.set(i, s);
      this.primed.set(i, (next = nx));
    }
    return { s, next };
  }

  async run(): Promise<HoudiniResult> {
    const { sys, cands } = this;
    const z = sys.z;
    const dropped: Dropped[] = [];
    // Init: drop whatever some initial state falsifies.
    for (;;) {
      const live = cands.filter((_, k) => this.active[k]);
      if (live.length === 0) break;
      const s = newSolver(sys, this.opts.timeoutMs);
      s.add(sys.init, sys.enc.range(sys.X), z.Or(...live.map((c) => z.Not(c.term))));
      const t0 = performance.now();
      const m = await checkMaybe(s);
      this.opts.solverSeconds.push((performance.now() - t0) / 1000);
      this.queries++;
      if (m === 'unknown') return { kept: [], dropped, unknown: true, queries: this.queries };
      if (!m) break;
      const state = decodeState(sys, m, sys.X);
      cands.forEach((c, k) => {
        if (this.active[k] && z.isFalse(m.eval(c.term, true))) {
          this.active[k] = false;
          dropped.push({ name: c.name, why: { kind: 'init', state } });
        }
      });
    }
    // Consecution, round robin over the transitions until a full round finds no CTI.
    const T = sys.trans.length;
    let clean = 0;
    let i = 0;
    while (clean < T) {
      const t = sys.trans[i]!;
      if (z.isFalse(t.guard)) {
        clean++;
        i = (i + 1) % T;
        continue;
      }
      const { s, next } = this.solverFor(i);
      const m = await this.check(s, [this.select]);
      if (m === 'unknown') return { kept: this.keptNames(), dropped, unknown: true, queries: this.queries };
      if (!m) {
        clean++;
        i = (i + 1) % T;
        continue;
      }
      const cti: Cti = { state: decodeState(sys, m, sys.X), act: i, next: decodeState(sys, m, t.next) };
      let any = false;
      next.forEach((c, k) => {
        if (this.active[k] && z.isFalse(m.eval(c, true))) {
          this.active[k] = false;
          any = true;
          dropped.push({ name: cands[k]!.name, why: { kind: 'cti', cti } });
        }
      });
      if (!any) return { kept: this.keptNames(), dropped, blocked: cti, queries: this.queries };
      clean = 0;
    }
    return { kept: this.keptNames(), dropped, queries: this.queries };
  }

  private keptNames(): string[] {
    return this.cands.filter((_, k) => this.active[k]).map((c) => c.name);
  }

  /**
   * After a fixpoint: the kept candidates the inductive step of target
   * (a conjunction of kept candidates, by index) used, from the unsat cores
   * of "kept now, target not next" per transition.
   */
  async support(target: readonly number[]): Promise<string[] | 'unknown'> {
    const { sys } = this;
    const z = sys.z;
    const used = new Set<number>();
    const index = new Map(this.b.map((b, k) => [b.id(), k]));
    for (let i = 0; i < sys.trans.length; i++) {
      if (z.isFalse(sys.trans[i]!.guard)) continue;
      const { s, next } = this.solverFor(i);
      const sel = z.Bool.const(`houdini!support${Houdini.instances++}`);
      s.add(z.Implies(sel, z.Not(z.And(...target.map((k) => next[k]!)))));
      const m = await this.check(s, [sel]);
      if (m === 'unknown') return 'unknown';
      if (m) throw new Error('houdini: a kept candidate is not inductive after the fixpoint');
      for (const lit of s.unsatCore()) {
        const k = index.get(lit.id());
        if (k !== undefined && this.active[k] && !target.includes(k)) used.add(k);
      }
    }
    return [...used].sort((a, b) => a - b).map((k) => this.cands[k]!.name);
  }
}
