// Linear-relation candidates for Houdini (--infer), fitted to sampled
// reachable states. The kernel's counting invariants are linear: a page's
// refcount is the number of PTEs mapping it plus the GUP references held on
// it plus the references of paths in flight; a mm's mmap_lock reader count
// is the number of threads at a step between mmap_read_lock and
// mmap_read_unlock. Over 0/1 features of the state such a count is
//   y = c0 + c1*f1 + ... + ck*fk
// and the coefficients can be fitted from states (an exact linear system).
//
// Features, for an int leaf y:
//  - reference features, when y sits in an array indexed by a domain (page
//    i of Page): [r === i] for every ref leaf r of that domain (non-null),
//    and [b && r === i] for every boolean b in r's record ("held and names
//    page i");
//  - control features: [leaf === v] for every enum leaf and value seen
//    (program counters);
// tried in that order (reference features alone first: the sparser fit).
// When no fit exists over all states, y may still be one on each side of a
// guard (fork between folio_try_dup_anon_rmap_pte and set_pte_at counts a
// mapping no PTE shows yet): for guard atoms g, fits on the states with g
// and on those without give "g => y = ..." and "!g => y = ...".
// Also, between int leaves: a <= b and a = k*b + c; between two refs to one
// domain, where both are set: r1 !== r2, or r1 === r2; where every sample
// agrees.
//
// A fit is computed in floating point with partial pivoting, rounded to
// integers and then verified exactly on every sampled state: a candidate
// holds in every sample by construction, and Houdini keeps only what Init
// and consecution confirm, so a wrong fit costs a dropped candidate, never
// a wrong proof. Output is deterministic (leaf order) and capped.

import type { Type } from '../spec/schema.ts';
import { matchType } from '../spec/schema-fold.ts';
import type { SymSystem } from './system.ts';
import type { ZBool, ZInt } from './z3.ts';

export type LeafValue = boolean | number | string;

export interface LinearCandidate {
  readonly name: string;
  readonly term: ZBool;
}

/** Where a leaf sits: its record (for siblings) and the domain-indexed arrays above it. */
interface LeafPlace {
  readonly path: string;
  readonly parent: string;
  readonly indices: readonly { readonly domain: string; readonly i: number }[];
}

function places(schema: Type): LeafPlace[] {
  const out: LeafPlace[] = [];
  const walk = (t: Type, path: string, idx: LeafPlace['indices']): void => {
    const leaf = (p: string) => void out.push({ path: p, parent: path.replace(/(\.[^.[\]]+|\[\d+\])$/, ''), indices: idx });
    matchType<void>(t, {
      record: (r) => {
        for (const [k, f] of Object.entries(r.fields)) walk(f, path ? `${path}.${k}` : k, idx);
      },
      array: (a) => {
        for (let i = 0; i < a.length; i++) walk(a.elem, `${path}[${i}]`, a.index ? [...idx, { domain: a.index.name, i }] : idx);
      },
      optional: (o) => {
        leaf(`${path}?null`);
        walk(o.inner, path, idx);
      },
      bool: () => leaf(path),
      int: () => leaf(path),
      enum: () => leaf(path),
      ref: () => leaf(path),
      set: () => leaf(path),
    });
  };
  walk(schema, '', []);
  return out;
}

/** A 0/1 feature of a state. */
interface Feature {
  readonly name: string;
  /** Its value in sampled state s. */
  readonly at: (s: number) => 0 | 1;
  readonly term: () => ZBool;
  /** The leaves it reads. */
  readonly leaves: readonly number[];
}

export interface LinearOptions {
  /** At most this many candidates (default 600). */
  readonly maxCandidates?: number;
  /** At most this many control features (default 160). */
  readonly maxControl?: number;
  /** Guarded fits per int leaf at most (default 3). */
  readonly maxGuards?: number;
  /** Sampled steps (indices into the states): features of leaves that change with y are fitted first. */
  readonly edges?: readonly (readonly [number, number])[];
}

/** |coefficient| and |constant| at most this (larger fits are noise, and must fit the bit-vector width). */
const MAX_COEF = 16;
/** Distinct feature rows used to fit (the fit is then verified on every sample). */
const MAX_FIT_ROWS = 4000;

export function linearCandidates(sys: SymSystem, states: readonly LeafValue[][], opts: LinearOptions = {}): LinearCandidate[] {
  const maxCandidates = opts.maxCandidates ?? 600;
  const maxControl = opts.maxControl ?? 160;
  const maxGuards = opts.maxGuards ?? 3;
  const { enc, z, X } = sys;
  const alg = enc.alg;
  const leaves = enc.leaves;
  const place = places(enc.schema);
  // The walk must agree with the encoding's leaf order; if it does not, generate nothing (never a wrong name).
  if (place.length !== leaves.length || place.some((p, j) => p.path !== leaves[j]!.path)) return [];
  const n = states.length;
  if (n === 0) return [];
  const val = (s: number, j: number) => states[s]![j]!;
  const nullFlagOf = (j: number): number | undefined =>
    j > 0 && leaves[j - 1]!.isNullFlag && leaves[j - 1]!.path === `${leaves[j]!.path}?null` ? j - 1 : undefined;
  const isInt = (j: number) => !leaves[j]!.isNullFlag && leaves[j]!.type.kind === 'int';
  const isBool = (j: number) => !leaves[j]!.isNullFlag && leaves[j]!.type.kind === 'bool';

  const eqTerm = (j: number, v: LeafValue): ZBool => {
    const x = X[j]!;
    if (typeof v === 'boolean') return v ? (x as ZBool) : z.Not(x as ZBool);
    return (x as ZInt).eq(alg.num(typeof v === 'string' ? alg.strings.id(v) : v));
  };
  /** [ref leaf j names element i] (and is not null). */
  const refFeature = (j: number, i: number): Feature => {
    const nf = nullFlagOf(j);
    const base = leaves[j]!.path;
    return {
      name: `${base} === ${i}`,
      at: (s) => ((nf === undefined || val(s, nf) === false) && val(s, j) === i ? 1 : 0),
      term: () => (nf === undefined ? eqTerm(j, i) : z.And(z.Not(X[nf] as ZBool), eqTerm(j, i))),
      leaves: nf === undefined ? [j] : [nf, j],
    };
  };
  const andFeature = (b: number, f: Feature): Feature => ({
    name: `${leaves[b]!.path} && ${f.name}`,
    at: (s) => (val(s, b) === true ? f.at(s) : 0),
    term: () => z.And(X[b] as ZBool, f.term()),
    leaves: [b, ...f.leaves],
  });
  const atomFeature = (j: number, v: LeafValue): Feature => ({
    name: typeof v === 'boolean' ? (v ? '' : '!') + leaves[j]!.path : `${leaves[j]!.path} === ${JSON.stringify(v)}`,
    at: (s) => (val(s, j) === v ? 1 : 0),
    term: () => eqTerm(j, v),
    leaves: [j],
  });

  // Control features: enum atoms seen in some but not all samples.
  const control: Feature[] = [];
  const guards: Feature[] = [];
  leaves.forEach((leaf, j) => {
    if (leaf.isNullFlag || (leaf.type.kind !== 'enum' && leaf.type.kind !== 'bool')) return;
    const seen = new Map<LeafValue, number>();
    for (let s = 0; s < n; s++) seen.set(val(s, j), (seen.get(val(s, j)) ?? 0) + 1);
    for (const [v, c] of seen) {
      if (c === n) continue;
      if (leaf.type.kind === 'enum' && control.length < maxControl) control.push(atomFeature(j, v));
      if (leaf.type.kind === 'enum' || v === true) guards.push(atomFeature(j, v));
    }
  });

  // Reference features per (domain, element).
  const refLeaves = leaves.map((_, j) => j).filter((j) => !leaves[j]!.isNullFlag && leaves[j]!.type.kind === 'ref');
  const refFeatures = new Map<string, Feature[]>();
  const refsOf = (domain: string, i: number): Feature[] => {
    const key = `${domain}#${i}`;
    let fs = refFeatures.get(key);
    if (fs) return fs;
    fs = [];
    const products: Feature[] = [];
    for (const r of refLeaves) {
      if ((leaves[r]!.type as { domain: { name: string } }).domain.name !== domain) continue;
      const f = refFeature(r, i);
      fs.push(f);
      const parent = place[r]!.parent;
      leaves.forEach((_, b) => {
        if (isBool(b) && place[b]!.parent === parent) products.push(andFeature(b, f));
      });
    }
    fs.push(...products);
    fs = fs.filter((f) => nonConstant(f, n));
    refFeatures.set(key, fs);
    return fs;
  };

  const out: LinearCandidate[] = [];
  const names = new Set<string>();
  const push = (name: string, term: () => ZBool | undefined) => {
    if (out.length >= maxCandidates || names.has(name)) return;
    let t: ZBool | undefined;
    try {
      t = term();
    } catch {
      return; // a constant that does not fit the bit-vector width: not a candidate in this translation
    }
    if (!t) return;
    names.add(name);
    out.push({ name, term: t });
  };

  /** y = c0 + sum c_k f_k as a term without subtraction (no bit-vector wrap within the declared ranges). */
  const equation = (j: number, fit: Fit, feats: readonly Feature[], guard?: Feature, negated = false) => {
    const show = fit.coef
      .map((c, k) => (c === 0 ? '' : `${c < 0 ? ' - ' : ' + '}${Math.abs(c) === 1 ? '' : `${Math.abs(c)}*`}[${feats[k]!.name}]`))
      .join('');
    const rhs = `${fit.c0 !== 0 || !show ? fit.c0 : ''}${show}`.replace(/^ \+ /, '').replace(/^ - /, '-');
    const g = guard ? `${negated ? '!(' + guard.name + ')' : guard.name} => ` : '';
    push(`${g}${leaves[j]!.path} === ${rhs}`, () => {
      const t = leaves[j]!.type;
      if (t.kind !== 'int') return undefined;
      const total = fit.coef.reduce((a, c) => a + Math.abs(c), Math.abs(fit.c0));
      alg.fits(Math.min(t.min, -total), Math.max(t.max, 0) + total);
      const left: ZInt[] = [X[j] as ZInt];
      const right: ZInt[] = [];
      const one = (c: number, f: ZBool) => z.If(f, alg.num(Math.abs(c)), alg.num(0)) as ZInt;
      fit.coef.forEach((c, k) => {
        if (c > 0) right.push(one(c, feats[k]!.term()));
        else if (c < 0) left.push(one(c, feats[k]!.term()));
      });
      if (fit.c0 > 0) right.push(alg.num(fit.c0));
      else if (fit.c0 < 0) left.push(alg.num(-fit.c0));
      const sum = (xs: ZInt[]) => (xs.length === 0 ? alg.num(0) : xs.slice(1).reduce((a, b) => a.add(b) as ZInt, xs[0]!));
      const eq = sum(left).eq(sum(right));
      if (!guard) return eq;
      return z.Implies(negated ? z.Not(guard.term()) : guard.term(), eq);
    });
  };

  // Which leaves change in the sampled steps that change int leaf y: the count's causes (the thread that
  // takes mmap_read_lock moves its own pc, not the others'). Fits over those features come first: among
  // the many fits a small sample allows, that is the one that says why y changes.
  const coChanging = new Map<number, Set<number>>();
  for (const [a, b] of opts.edges ?? []) {
    const changed: number[] = [];
    for (let j = 0; j < leaves.length; j++) if (val(a, j) !== val(b, j)) changed.push(j);
    for (const y of changed) {
      if (!isInt(y)) continue;
      let set = coChanging.get(y);
      if (!set) coChanging.set(y, (set = new Set()));
      for (const j of changed) set.add(j);
    }
  }
  /** The features of leaves that change with y (none known: no narrowing). */
  const causal = (j: number, fs: readonly Feature[]): Feature[] => {
    const co = coChanging.get(j);
    return co ? fs.filter((f) => f.leaves.some((l) => co.has(l))) : [];
  };

  const all = Array.from({ length: n }, (_, s) => s);
  for (let j = 0; j < leaves.length; j++) {
    if (!isInt(j)) continue;
    const y = (s: number) => val(s, j) as number;
    if (all.every((s) => y(s) === y(0))) continue; // a constant: the interval candidates say it
    const dom = place[j]!.indices;
    const refs = dom.length ? refsOf(dom[dom.length - 1]!.domain, dom[dom.length - 1]!.i) : [];
    let fitted = false;
    const tries = [causal(j, refs), refs, causal(j, control), control];
    for (let k = 0; k < tries.length && !fitted; k++) {
      const feats = tries[k]!;
      if (feats.length === 0 || (k % 2 === 1 && feats.length === tries[k - 1]!.length)) continue;
      // Both orders: the basic solution uses the earliest independent features, and which of "names page i"
      // and "holds and names page i" a small sample tells apart from the other is luck; Houdini keeps what works.
      for (const order of orders(feats)) {
        const f = fitLinear(all, order, y);
        if (f) {
          equation(j, f, order);
          fitted = true;
        }
      }
    }
    if (fitted || refs.length === 0) continue;
    // Guarded fits over the reference features (the causal ones first).
    const causalRefs = causal(j, refs);
    const guardFeats = causalRefs.length ? [...causalRefs, ...refs.filter((f) => !causalRefs.includes(f))] : refs;
    let used = 0;
    for (const g of guards) {
      if (used >= maxGuards || out.length >= maxCandidates) break;
      const yes = all.filter((s) => g.at(s) === 1);
      const no = all.filter((s) => g.at(s) === 0);
      if (yes.length === 0 || no.length === 0) continue;
      let any = false;
      for (const order of orders(guardFeats)) {
        const fy = fitLinear(yes, order, y);
        if (!fy) continue;
        const fn = fitLinear(no, order, y);
        if (!fn) continue;
        equation(j, fy, order, g);
        equation(j, fn, order, g, true);
        any = true;
      }
      if (any) used++;
    }
  }

  // Between ref leaves of one domain, where both name something: r1 !== r2 (wp_page_copy's new folio is
  // not its old one, nor one a PTE maps), or r1 === r2.
  for (let x = 0; x < refLeaves.length; x++)
    for (let y = x + 1; y < refLeaves.length; y++) {
      const a = refLeaves[x]!;
      const b = refLeaves[y]!;
      const da = (leaves[a]!.type as { domain: { name: string } }).domain.name;
      if ((leaves[b]!.type as { domain: { name: string } }).domain.name !== da) continue;
      const na = nullFlagOf(a);
      const nb = nullFlagOf(b);
      const both = all.filter((s) => (na === undefined || val(s, na) === false) && (nb === undefined || val(s, nb) === false));
      if (both.length === 0) continue;
      const present = () => z.And(...[na, nb].filter((f) => f !== undefined).map((f) => z.Not(X[f!] as ZBool)), z.Bool.val(true));
      const pa = leaves[a]!.path;
      const pb = leaves[b]!.path;
      if (both.every((s) => val(s, a) !== val(s, b)))
        push(`${pa} !== ${pb} (both set)`, () => z.Implies(present(), z.Not((X[a] as ZInt).eq(X[b] as ZInt))));
      else if (both.every((s) => val(s, a) === val(s, b)))
        push(`${pa} === ${pb} (both set)`, () => z.Implies(present(), (X[a] as ZInt).eq(X[b] as ZInt)));
    }

  // Between int leaves: a <= b, a === k*b + c.
  const ints = leaves.map((_, j) => j).filter((j) => isInt(j) && !all.every((s) => val(s, j) === val(0, j)));
  const pairs: [number, number][] = [];
  for (const a of ints) for (const b of ints) if (a !== b && (ints.length <= 40 || place[a]!.parent === place[b]!.parent)) pairs.push([a, b]);
  for (const [a, b] of pairs) {
    const ya = (s: number) => val(s, a) as number;
    const yb = (s: number) => val(s, b) as number;
    const pa = leaves[a]!.path;
    const pb = leaves[b]!.path;
    if (a < b) {
      const f = fitLinear(all, [{ at: () => 0 }], ya, yb);
      if (f && f.coef[0] !== 0)
        push(`${pa} === ${f.coef[0] === 1 ? '' : `${f.coef[0]}*`}${pb}${f.c0 === 0 ? '' : f.c0 > 0 ? ` + ${f.c0}` : ` - ${-f.c0}`}`, () => {
          const ta = leaves[a]!.type;
          const tb = leaves[b]!.type;
          if (ta.kind !== 'int' || tb.kind !== 'int') return undefined;
          const k = f.coef[0]!;
          const span = Math.abs(k) * Math.max(Math.abs(tb.min), Math.abs(tb.max)) + Math.abs(f.c0);
          alg.fits(-span - Math.max(Math.abs(ta.min), Math.abs(ta.max)), span + Math.max(Math.abs(ta.min), Math.abs(ta.max)));
          const kb = k === 1 ? (X[b] as ZInt) : (alg.num(k).mul(X[b] as ZInt) as ZInt);
          return (X[a] as ZInt).eq(f.c0 === 0 ? kb : (kb.add(alg.num(f.c0)) as ZInt));
        });
    }
    if (all.every((s) => ya(s) <= yb(s)) && !all.every((s) => ya(s) === yb(s)))
      push(`${pa} <= ${pb}`, () => alg.cmp('<=', X[a] as ZInt, X[b] as ZInt));
  }
  return out;
}

/** The features as given, and with the products ([b && r === i]) before the plain ones. */
function orders(fs: readonly Feature[]): Feature[][] {
  const products = fs.filter((f) => f.leaves.length > 1 && f.name.includes(' && '));
  if (products.length === 0 || products.length === fs.length) return [[...fs]];
  return [[...fs], [...products, ...fs.filter((f) => !products.includes(f))]];
}

function nonConstant(f: Feature, n: number): boolean {
  const v = f.at(0);
  for (let s = 1; s < n; s++) if (f.at(s) !== v) return true;
  return false;
}

export interface Fit {
  readonly c0: number;
  readonly coef: readonly number[];
}

/**
 * Integer c0, c such that y(s) = c0 + sum c_k f_k(s) for every s in rows,
 * using the earliest linearly independent features (a basic solution), or
 * undefined. With x given, the single feature is x(s) (an int), not f.at.
 */
export function fitLinear(
  rows: readonly number[],
  feats: readonly { readonly at: (s: number) => 0 | 1 }[],
  y: (s: number) => number,
  x?: (s: number) => number,
): Fit | undefined {
  const k = feats.length;
  const col = (s: number, c: number): number => (c === 0 ? 1 : x ? x(s) : feats[c - 1]!.at(s));
  // Distinct rows only (most states agree on these few features).
  const seen = new Map<string, number>();
  for (const s of rows) {
    const key = Array.from({ length: k + 1 }, (_, c) => col(s, c)).join(',');
    const prev = seen.get(key);
    if (prev === undefined) {
      if (seen.size >= MAX_FIT_ROWS) break;
      seen.set(key, s);
    } else if (y(prev) !== y(s)) return undefined; // same features, different y: no function of them
  }
  const reps = [...seen.values()];
  const m = reps.length;
  const w = k + 2;
  const A = reps.map((s) => {
    const r = new Float64Array(w);
    for (let c = 0; c <= k; c++) r[c] = col(s, c);
    r[k + 1] = y(s);
    return r;
  });
  const pivotRow: number[] = new Array(k + 1).fill(-1);
  let row = 0;
  for (let c = 0; c <= k && row < m; c++) {
    let best = row;
    for (let r = row + 1; r < m; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[best]![c]!)) best = r;
    if (Math.abs(A[best]![c]!) < 1e-9) continue;
    [A[row], A[best]] = [A[best]!, A[row]!];
    const p = A[row]!;
    const pv = p[c]!;
    for (let q = c; q < w; q++) p[q]! /= pv;
    for (let r = 0; r < m; r++) {
      if (r === row) continue;
      const f = A[r]![c]!;
      if (f === 0) continue;
      const rr = A[r]!;
      for (let q = c; q < w; q++) rr[q]! -= f * p[q]!;
    }
    pivotRow[c] = row++;
  }
  // Consistent: no row reduced to 0 = nonzero.
  for (let r = row; r < m; r++) if (Math.abs(A[r]![k + 1]!) > 1e-6) return undefined;
  const sol = pivotRow.map((r) => (r < 0 ? 0 : A[r]![k + 1]!));
  const ints = sol.map((v) => Math.round(v));
  if (ints.some((v, c) => Math.abs(v - sol[c]!) > 1e-6 || Math.abs(v) > MAX_COEF)) return undefined;
  // Exact check on every row (not only the distinct ones used).
  for (const s of rows) {
    let v = ints[0]!;
    for (let c = 1; c <= k; c++) if (ints[c] !== 0) v += ints[c]! * col(s, c);
    if (v !== y(s)) return undefined;
  }
  return { c0: ints[0]!, coef: ints.slice(1) };
}
