// Symmetry reduction on packed states. Elements of a domain declared
// `symmetric` are interchangeable: renaming them (permuting the elements of
// arrays indexed by the domain, and mapping every ref to it) gives a state
// with the same future up to the same renaming. So the explorer may store
// one representative per orbit: the canonical form of a state is the
// lexicographically least packed form over every renaming in the group (the
// product of the full permutation groups of the symmetric domains, as TLC's
// SYMMETRY set of Permutations(D1) composed with Permutations(D2) ...).
// Renamed: elements of arrays indexed by the domain, refs and optional refs
// to it, and sets of its elements (one bit per element).
//
// Sound for properties that do not tell elements of a symmetric domain
// apart (as with TLC's SYMMETRY); the spec author declares that by marking
// the domain symmetric.
//
// Each renaming is generated as straight-line code over the packed words:
// per leaf, one extract, an optional value map (refs), one insert.

import type { Domain, RecordType, Type } from '../spec/schema.ts';
import { layoutOf } from './layout.ts';
import { matchType, typesIn } from '../spec/schema-fold.ts';

export interface Symmetry {
  /** Symmetric domains the schema uses. */
  readonly domains: readonly Domain[];
  /** Renamings tried per state (the group's size, identity included). */
  readonly groupSize: number;
  /** Replaces w[0..W) by its canonical form. */
  canonicalize(w: Uint32Array): void;
}

/** Leaf paths with, for each array step, the domain indexing it (if any). */
function leafInfo(root: Type): { path: (string | number)[]; steps: (Domain | undefined)[]; type: Type }[] {
  const out: { path: (string | number)[]; steps: (Domain | undefined)[]; type: Type }[] = [];
  const walk = (t: Type, path: (string | number)[], steps: (Domain | undefined)[]): void => {
    if (t.kind === 'record') {
      for (const [k, ft] of Object.entries(t.fields as Record<string, Type>)) walk(ft, [...path, k], [...steps, undefined]);
    } else if (t.kind === 'array') {
      for (let i = 0; i < t.length; i++) walk(t.elem as Type, [...path, i], [...steps, t.index]);
    } else out.push({ path, steps, type: t });
  };
  walk(root, [], []);
  return out;
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1))
    for (let i = 0; i <= p.length; i++) out.push([...p.slice(0, i), n - 1, ...p.slice(i)]);
  return out;
}

/** The domains a schema uses (refs, sets, domain-indexed arrays); the fold makes a new kind say which it uses. */
function usedDomains(root: Type): Domain[] {
  const none = (): undefined => undefined;
  const seen = new Set<Domain>();
  for (const t of typesIn(root)) {
    const d = matchType<Domain | undefined>(t, {
      bool: none,
      int: none,
      enum: none,
      ref: (u) => u.domain,
      set: (u) => u.domain,
      array: (u) => u.index,
      optional: none,
      record: none,
    });
    if (d) seen.add(d);
  }
  return [...seen];
}

/** The largest group tried per state: beyond it, the reduction costs more than it saves. */
const MAX_GROUP = 40320; // 8!

/** The symmetry of a schema, or undefined when no symmetric domain is used. */
export function symmetryFor(schema: RecordType): Symmetry | undefined {
  const domains = usedDomains(schema).filter((d) => d.symmetric && d.size > 1);
  if (domains.length === 0) return undefined;
  // The group: one permutation per domain, all combinations.
  let group: Map<Domain, number[]>[] = [new Map()];
  for (const d of domains) {
    const next: Map<Domain, number[]>[] = [];
    for (const g of group) for (const p of permutations(d.size)) next.push(new Map(g).set(d, p));
    group = next;
    if (group.length > MAX_GROUP)
      throw new Error(`symmetry: the group of ${domains.map((x) => `${x.name} (${x.size})`).join(', ')} has more than ${MAX_GROUP} elements`);
  }
  const layout = layoutOf(schema);
  const info = leafInfo(schema);
  const leafAt = new Map(layout.leaves.map((l, i) => [l.path.map(String).join('\u0000'), i]));
  const W = layout.words;

  const rename = (perm: Map<Domain, number[]>): ((w: Uint32Array, o: Uint32Array) => void) => {
    const maps: number[][] = [];
    const lines: string[] = [];
    for (let k = 0; k < W; k++) lines.push(`o[${k}] = 0;`);
    layout.leaves.forEach((l, i) => {
      const { path, steps, type } = info[i]!;
      const to = path.map((p, j) => {
        const d = steps[j];
        return d && perm.has(d) ? perm.get(d)![p as number]! : p;
      });
      const dst = layout.leaves[leafAt.get(to.map(String).join('\u0000'))!]!;
      const mask = 2 ** l.bits - 1;
      let x = `((w[${l.word}] >>> ${l.shift}) & ${mask})`;
      const refTo = type.kind === 'ref' ? type.domain : type.kind === 'optional' && type.inner.kind === 'ref' ? type.inner.domain : undefined;
      if (refTo && perm.has(refTo)) {
        const p = perm.get(refTo)!;
        // Raw values: a ref is its element; an optional ref is 0 for null, element + 1.
        const map = type.kind === 'ref' ? p.slice() : [0, ...p.map((v) => v + 1)];
        maps.push(map);
        x = `M${maps.length - 1}[${x}]`;
      }
      if (type.kind === 'set' && perm.has(type.domain)) {
        // A set is a bit per element: element i's bit moves to bit p[i].
        const p = perm.get(type.domain)!;
        const raw = x;
        x = `(${p.map((to, i) => `(((${raw} >>> ${i}) & 1) << ${to})`).join(' | ')})`;
      }
      if (l.bits > 0) lines.push(`o[${dst.word}] |= ${x} << ${dst.shift};`);
    });
    return new Function(...maps.map((_, i) => `M${i}`), `return function rename(w, o) { ${lines.join('\n')} };`)(...maps) as (
      w: Uint32Array,
      o: Uint32Array,
    ) => void;
  };
  // The identity is the state itself; every other renaming is tried.
  const renamings = group.filter((g) => [...g.values()].some((p) => p.some((v, i) => v !== i))).map(rename);
  const cand = new Uint32Array(W);
  const best = new Uint32Array(W);
  return {
    domains,
    groupSize: group.length,
    canonicalize(w: Uint32Array): void {
      for (let k = 0; k < W; k++) best[k] = w[k]!;
      for (const r of renamings) {
        r(w, cand);
        let k = 0;
        while (k < W && cand[k] === best[k]) k++;
        if (k < W && cand[k]! < best[k]!) best.set(cand);
      }
      for (let k = 0; k < W; k++) w[k] = best[k]!;
    },
  };
}
