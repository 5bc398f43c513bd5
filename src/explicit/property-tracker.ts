// Which properties are settled so far, and by which state: the bookkeeping
// every engine shares. An engine reports states and steps as it finds them;
// the tracker evaluates the still-open state and step properties on them
// (an invariant stays open until a state violates it, a witness until a
// state satisfies it) and assembles the verdicts at the end. Temporal
// properties are not state properties: the liveness pass answers them.

import type { PropertyEntry } from '../spec/model.ts';
import { DEADLOCK_PROPERTY, isTemporal } from '../spec/model.ts';
import type { Coverage, PropertyResult, Trace } from '../spec/results.ts';
import {
  DEADLOCK_SUBJECT,
  decidingTraceKind,
  nothingFound,
  searchResult,
  type ResultSubject,
} from '../spec/property-result.ts';
import { SpecError } from '../spec/errors.ts';
import { throwSiteLine } from '../spec/throw-site.ts';

/** Where a property was settled: a state index, and for step properties the step out of it. */
export interface Settled {
  readonly idx: number;
  readonly step?: { readonly transition: number; readonly next: Uint32Array };
}

/**
 * How an invariant is evaluated in a state: the invariants it strengthens
 * first (model.ts, `strengthens`), then its own predicate. An invariant that
 * another includes is evaluated once per state for both: its value is kept
 * for the state at hand only (`stamp` says which onState call computed it),
 * so it cannot go stale.
 */
interface InvariantCheck {
  readonly entry: PropertyEntry;
  /** The invariant's own predicate (all of it, unless it strengthens others). */
  readonly own: (s: unknown) => unknown;
  readonly includes: readonly InvariantCheck[];
  /** Some other invariant includes this one: remember its value for the state. */
  shared: boolean;
  stamp: number;
  value: boolean;
}

export class PropertyTracker {
  private always: InvariantCheck[];
  private sometimes: PropertyEntry[];
  private steps: PropertyEntry[];
  private readonly initially: PropertyEntry[];
  readonly settled = new Map<string, Settled>();

  constructor(
    private readonly properties: readonly PropertyEntry[],
    /** Names the spec and variant in error messages. */
    private readonly where: string,
    /** Prints a state for an error message. */
    private readonly show: (s: unknown) => string,
  ) {
    this.always = invariantChecks(properties);
    this.sometimes = properties.filter((p) => p.kind === 'sometimes');
    this.steps = properties.filter((p) => p.kind === 'transition');
    this.initially = properties.filter((p) => p.kind === 'initially');
  }

  /** Some step property is still open (callers skip work otherwise). */
  get wantsSteps(): boolean {
    return this.steps.length > 0;
  }

  /** Distinct initial states seen. */
  private initialCount = 0;

  /** An initial state (also a state: call onState for it too). */
  onInitial(idx: number, s: unknown): void {
    this.initialCount++;
    for (const p of this.initially) if (!this.settled.has(p.name) && !this.eval(p, s)) this.settled.set(p.name, { idx });
  }

  /** Numbers the onState calls, for InvariantCheck.stamp. */
  private stateStamp = 0;

  /** A newly found state. */
  onState(idx: number, s: unknown): void {
    if (this.always.length) {
      this.stateStamp++;
      for (const c of this.always)
        if (!this.holds(c, s)) {
          this.settled.set(c.entry.name, { idx });
          this.always = this.always.filter((q) => q !== c);
        }
    }
    if (this.sometimes.length)
      for (const p of this.sometimes)
        if (this.eval(p, s)) {
          this.settled.set(p.name, { idx });
          this.sometimes = this.sometimes.filter((q) => q !== p);
        }
  }

  /** A step from state idx by transition t to the packed state next. */
  onStep(idx: number, t: number, s: unknown, n: unknown, next: Uint32Array): void {
    for (const p of this.steps)
      if (!this.eval(p, s, n)) {
        this.settled.set(p.name, { idx, step: { transition: t, next: next.slice() } });
        this.steps = this.steps.filter((q) => q !== p);
      }
  }

  /** A state without successors that is no intended end. */
  onDeadlock(idx: number): void {
    if (!this.settled.has(DEADLOCK_PROPERTY)) this.settled.set(DEADLOCK_PROPERTY, { idx });
  }

  get deadlockFound(): boolean {
    return this.settled.has(DEADLOCK_PROPERTY);
  }

  /**
   * An invariant's value in the state of the current onState call: its
   * included invariants' (each computed once per state, also when it is
   * settled already and no longer checked for itself), then its own
   * predicate, the first false deciding, as PropertyEntry.pred does.
   */
  private holds(c: InvariantCheck, s: unknown): boolean {
    if (c.shared && c.stamp === this.stateStamp) return c.value;
    let v = true;
    for (const inc of c.includes)
      if (!this.holds(inc, s)) {
        v = false;
        break;
      }
    if (v) v = this.call(c.entry.name, c.own, s);
    if (c.shared) {
      c.stamp = this.stateStamp;
      c.value = v;
    }
    return v;
  }

  /** Evaluates a predicate; a throw or a non-boolean is the spec's error. */
  eval(p: PropertyEntry, s: unknown, n?: unknown): boolean {
    return this.call(p.name, p.pred as (a: unknown, b?: unknown) => unknown, s, n);
  }

  call(name: string, f: (a: unknown, b?: unknown) => unknown, s: unknown, n?: unknown): boolean {
    let r: unknown;
    try {
      r = f(s, n);
    } catch (e) {
      throw new SpecError(`${this.where}: property ${name} threw ${errText(e)}\n  in state ${this.show(s)}${throwSiteLine(e)}`);
    }
    if (typeof r !== 'boolean') throw new SpecError(`${this.where}: property ${name} returned ${String(r)}, not a boolean`);
    return r;
  }

  /**
   * The verdicts of the state and step properties (temporal ones are
   * skipped: `temporal` supplies them) and deadlock freedom when checked,
   * put together by src/spec/property-result.ts as every engine's are.
   * `coverage` says what the search covered: exhaustive when it reached
   * every reachable state (an open invariant holds, an open witness is
   * unreachable), else the limit that stopped it (both are unknown).
   */
  results(opts: {
    /** Every initial state was checked: decides 'initially' even when the search was cut short. */
    initialsComplete: boolean;
    coverage: Coverage;
    deadlock: boolean;
    traceOf: (name: string, kind: Trace['kind'], at: Settled) => Trace;
    temporal: (p: PropertyEntry) => PropertyResult;
  }): PropertyResult[] {
    const traced = (p: ResultSubject): Trace | undefined => {
      const at = this.settled.get(p.name);
      return at && opts.traceOf(p.name, decidingTraceKind(p.kind), at);
    };
    const out: PropertyResult[] = [];
    for (const p of this.properties) {
      if (isTemporal(p.kind)) {
        out.push(opts.temporal(p));
        continue;
      }
      const trace = traced(p);
      // 'initially' is settled by the initial states alone, whatever the search did.
      if (!trace && p.kind === 'initially' && opts.initialsComplete)
        out.push(nothingFound(p, { kind: 'exhaustive', states: this.initialCount, depth: 1 }));
      else out.push(searchResult(p, trace, opts.coverage));
    }
    if (opts.deadlock) out.push(searchResult(DEADLOCK_SUBJECT, traced(DEADLOCK_SUBJECT), opts.coverage));
    return out;
  }
}

/** The checks of the invariants among properties; an included one is shared (by name: entries may be copies). */
function invariantChecks(properties: readonly PropertyEntry[]): InvariantCheck[] {
  const byName = new Map<string, InvariantCheck>();
  const checkOf = (e: PropertyEntry): InvariantCheck => {
    const known = byName.get(e.name);
    if (known) return known;
    const includes = (e.strengthens ?? []).map((inc) => {
      const ic = checkOf(properties.find((x) => x.name === inc.name) ?? inc);
      ic.shared = true;
      return ic;
    });
    const own = (e.strengthens ? e.own! : e.pred) as (s: unknown) => unknown;
    const c: InvariantCheck = { entry: e, own, includes, shared: false, stamp: 0, value: false };
    byName.set(e.name, c);
    return c;
  };
  return properties.filter((p) => p.kind === 'always').map(checkOf);
}

export function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
