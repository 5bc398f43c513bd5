// Candidate invariants for Houdini (houdini.ts), generated from data: the
// states a bounded breadth-first run of the spec's own functions reaches
// (the first maxStates of them). Over the leaves of the state with few
// values (booleans, enums, refs, null flags, small counters), an atom is
// "leaf = value". Generated candidates are
//  - unary: an atom true in every sampled state (a constant), or never true
//    ("leaf != value": a program counter that never reaches a label);
//  - intervals: an int leaf stays within its sampled minimum and maximum;
//  - binary: a => b for atoms a, b of different leaves, true in every
//    sampled state (b never constant, a sometimes true): "while fork is at
//    copy, the parent's PTE is present";
//  - ternary: a && b => c, for specs with few atoms.
// Every candidate holds in the sampled states by construction; that says
// nothing about the others: Houdini keeps only what Init and consecution
// confirm. Candidates are capped (maxCandidates): binary ones between
// leaves read by the same transitions first, then by leaf order.

import type { BuiltModel } from '../spec/spec.ts';
import type { Type } from '../spec/schema.ts';
import { matchType } from '../spec/schema-fold.ts';
import type { SymSystem } from './system.ts';
import type { ZBool, ZInt } from './z3.ts';
import { linearCandidates } from './infer-linear.ts';

export interface Candidate {
  /** What it says, for the user (leaf paths and values). */
  readonly name: string;
  /** Over X. */
  readonly term: ZBool;
}

type LeafValue = boolean | number | string;

/** Ternary candidates only over at most this many atoms (their number grows with its cube). */
const MAX_TERNARY_ATOMS = 64;

export interface GenerateOptions {
  /** Distinct states the sampling run visits (default 20,000). */
  readonly maxStates?: number;
  /** At most this many generated candidates (default 3,000). */
  readonly maxCandidates?: number;
  /** Int and ref leaves with more distinct sampled values get no atoms (default 8). */
  readonly maxValues?: number;
  /** Enum leaves (program counters) with more get none (default 64). */
  readonly maxEnumValues?: number;
  /** At most this many linear-relation candidates (infer-linear.ts; default 600, 0: none). */
  readonly maxLinear?: number;
}

/** The leaf values of a concrete state, in the encoding's leaf order (defaults under null, as the encoding fixes them). */
export function leafValues(schema: Type, state: unknown): LeafValue[] {
  const out: LeafValue[] = [];
  const visit = (t: Type, v: any): void =>
    matchType<void>(t, {
      record: (r) => {
        for (const [k, f] of Object.entries(r.fields)) visit(f, v === null || v === undefined ? undefined : v[k]);
      },
      array: (a) => {
        for (let i = 0; i < a.length; i++) visit(a.elem, v === null || v === undefined ? undefined : v[i]);
      },
      optional: (o) => {
        const isNull = v === null || v === undefined;
        out.push(isNull);
        visit(o.inner, isNull ? undefined : v);
      },
      bool: () => void out.push(v === undefined ? false : !!v),
      int: (u) => void out.push(v === undefined ? u.min : (v as number)),
      enum: (u) => void out.push(v === undefined ? u.values[0]! : (v as string)),
      ref: () => void out.push(v === undefined ? 0 : (v as number)),
      set: (u) => {
        throw new Error(`internal: set(${u.domain.name}) reached the symbolic encoding`);
      },
    });
  visit(schema, state);
  return out;
}

/** Up to maxStates distinct states reachable from the initial ones, breadth first (the spec's own JavaScript). */
export function sampleStates(built: BuiltModel, maxStates: number): unknown[] {
  return sampleGraph(built, maxStates).states;
}

/** The sampled states and the steps between them (indices into states; at most MAX_EDGES). */
export function sampleGraph(built: BuiltModel, maxStates: number): { states: unknown[]; edges: [number, number][] } {
  const seen = new Map<string, number>();
  const out: unknown[] = [];
  const edges: [number, number][] = [];
  let frontier: number[] = [];
  const add = (s: unknown): number | undefined => {
    const k = JSON.stringify(s);
    const at = seen.get(k);
    if (at !== undefined || out.length >= maxStates) return at;
    seen.set(k, out.length);
    out.push(s);
    frontier.push(out.length - 1);
    return out.length - 1;
  };
  for (const s of built.model.inits) add(s);
  while (frontier.length && out.length < maxStates) {
    const cur = frontier;
    frontier = [];
    for (const i of cur)
      for (const t of built.transitions) {
        const s = out[i];
        let n: unknown;
        try {
          if (!t.enabled(s as never)) continue;
          n = structuredClone(s);
          t.fire(s as never, n as never);
        } catch {
          continue; // a spec error: the engines report it; the sample just stops there
        }
        const j = add(n);
        if (j !== undefined && j !== i && edges.length < MAX_EDGES) edges.push([i, j]);
      }
  }
  return { states: out, edges };
}

/** Sampled steps kept for infer-linear.ts (which leaves change together). */
const MAX_EDGES = 200_000;

export function generateCandidates(sys: SymSystem, opts: GenerateOptions = {}): Candidate[] {
  const maxStates = opts.maxStates ?? 20_000;
  const maxCandidates = opts.maxCandidates ?? 3_000;
  const maxValues = opts.maxValues ?? 8;
  const maxEnumValues = opts.maxEnumValues ?? 64;
  const { enc, z, X } = sys;
  const alg = enc.alg;
  const graph = sampleGraph(sys.built, maxStates);
  const states = graph.states.map((s) => leafValues(enc.schema, s));
  const n = states.length;
  if (n === 0) return [];
  const words = Math.ceil(n / 32);

  interface Atom {
    readonly leaf: number;
    readonly value: LeafValue;
    readonly bits: Uint32Array;
    readonly count: number;
  }
  const atomsOf: Atom[][] = [];
  const leafName = (j: number) => enc.leaves[j]!.path;
  enc.leaves.forEach((leaf, j) => {
    const values = new Map<LeafValue, Uint32Array>();
    let tooMany = false;
    for (let i = 0; i < n && !tooMany; i++) {
      const v = states[i]![j]!;
      let b = values.get(v);
      if (!b) {
        if (values.size >= (leaf.type.kind === 'enum' ? maxEnumValues : maxValues)) tooMany = true;
        else values.set(v, (b = new Uint32Array(words)));
      }
      if (b) b[i >>> 5]! |= 1 << (i & 31);
    }
    // Declared values never sampled: "leaf != value" candidates (enums and bools only: a finite list).
    if (tooMany) return void atomsOf.push([]);
    const declared: LeafValue[] = leaf.isNullFlag || leaf.type.kind === 'bool' ? [false, true] : leaf.type.kind === 'enum' ? [...leaf.type.values] : [];
    for (const v of declared) if (!values.has(v)) values.set(v, new Uint32Array(words));
    atomsOf.push([...values].map(([value, bits]) => ({ leaf: j, value, bits, count: popcount(bits) })));
  });

  const atomTerm = (a: Atom): ZBool => {
    const x = X[a.leaf]!;
    if (typeof a.value === 'boolean') return a.value ? (x as ZBool) : z.Not(x as ZBool);
    const id = typeof a.value === 'string' ? alg.strings.id(a.value) : a.value;
    return (x as ZInt).eq(alg.num(id));
  };
  const show = (a: Atom, positive = true) => {
    const leaf = enc.leaves[a.leaf]!;
    if (leaf.isNullFlag) return `${leaf.path.replace(/\?null$/, '')} ${(a.value === true) === positive ? '=== null' : '!== null'}`;
    if (typeof a.value === 'boolean') return (a.value === positive ? '' : '!') + leafName(a.leaf);
    return `${leafName(a.leaf)} ${positive ? '===' : '!=='} ${JSON.stringify(a.value)}`;
  };

  const out: Candidate[] = [];
  // Int leaves: the sampled interval where it is narrower than the declared one (a count that never exceeds 1).
  enc.leaves.forEach((leaf, j) => {
    if (leaf.isNullFlag || leaf.type.kind !== 'int') return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const st of states) {
      const v = st[j] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const x = X[j] as ZInt;
    if (hi < leaf.type.max || enc.unboundedInts) out.push({ name: `${leaf.path} <= ${hi}`, term: alg.cmp('<=', x, alg.num(hi)) });
    if (lo > leaf.type.min) out.push({ name: `${leaf.path} >= ${lo}`, term: alg.cmp('>=', x, alg.num(lo)) });
  });
  // Linear relations (counts: refcount = mappings + references), before the many binary ones.
  for (const c of linearCandidates(sys, states, { edges: graph.edges, maxCandidates: Math.max(0, Math.min(opts.maxLinear ?? 600, maxCandidates - out.length)) })) out.push(c);
  const constant = new Set<number>();
  for (const atoms of atomsOf)
    for (const a of atoms) {
      if (a.count === n) {
        constant.add(a.leaf);
        out.push({ name: show(a), term: atomTerm(a) });
      } else if (a.count === 0 && atoms.length > 2) out.push({ name: show(a, false), term: z.Not(atomTerm(a)) });
    }

  const binary: { a: Atom; b: Atom; score: number }[] = [];
  const all = atomsOf.flat().filter((a) => a.count > 0 && !constant.has(a.leaf));
  for (const a of all)
    for (const b of all) {
      if (a.leaf === b.leaf || b.count === n) continue;
      if (!subset(a.bits, b.bits)) continue;
      // a => b with b also implied by a's negation half the time is weak; prefer rare premises, specific conclusions.
      binary.push({ a, b, score: a.count + (n - b.count) });
    }
  binary.sort((p, q) => p.score - q.score || p.a.leaf - q.a.leaf || p.b.leaf - q.b.leaf);
  for (const { a, b } of binary.slice(0, Math.max(0, maxCandidates - out.length)))
    out.push({ name: `${show(a)} => ${show(b)}`, term: z.Implies(atomTerm(a), atomTerm(b)) });
  // Ternary a && b => c (mutual exclusion needs "both waiting => the turn decides"), for small specs:
  // neither premise alone implies c (else the binary candidate says it).
  if (all.length <= MAX_TERNARY_ATOMS) {
    const both = new Uint32Array(words);
    for (let i = 0; i < all.length && out.length < maxCandidates; i++)
      for (let j = i + 1; j < all.length && out.length < maxCandidates; j++) {
        const a = all[i]!;
        const b = all[j]!;
        if (a.leaf === b.leaf) continue;
        let any = 0;
        for (let w = 0; w < words; w++) any |= both[w] = a.bits[w]! & b.bits[w]!;
        if (!any) continue;
        for (const c of all) {
          if (out.length >= maxCandidates) break;
          if (c.leaf === a.leaf || c.leaf === b.leaf) continue;
          if (!subset(both, c.bits) || subset(a.bits, c.bits) || subset(b.bits, c.bits)) continue;
          out.push({ name: `${show(a)} && ${show(b)} => ${show(c)}`, term: z.Implies(z.And(atomTerm(a), atomTerm(b)), atomTerm(c)) });
        }
      }
  }
  return out;
}

function popcount(b: Uint32Array): number {
  let c = 0;
  for (let w of b) {
    w = w - ((w >>> 1) & 0x55555555);
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    c += (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return c;
}

function subset(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i]! & ~b[i]!) !== 0) return false;
  return true;
}
