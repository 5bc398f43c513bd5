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
import { leavesOf, matchType, typesIn } from '../spec/schema-fold.ts';

export interface Symmetry {
  /** Symmetric domains the schema uses. */
  readonly domains: readonly Domain[];
  /** Renamings tried per state (the group's size, identity included). */
  readonly groupSize: number;
  /** Replaces w[0..W) by its canonical form. */
  canonicalize(w: Uint32Array): void;
}

/** A renaming: per symmetric domain, where each element goes. */
type Renaming = ReadonlyMap<Domain, readonly number[]>;

/**
 * How a renaming maps a leaf's raw value (its index among the leaf's
 * values): a lookup table, code over the raw value, or nothing. The fold's
 * case table makes a new schema kind say how its values are renamed.
 */
type ValueRenaming = { readonly table: number[] } | { readonly code: (raw: string) => string } | undefined;

function renameValue(t: Type, perm: Renaming): ValueRenaming {
  const none = (): undefined => undefined;
  const notLeaf = (u: Type): never => {
    throw new Error(`internal: symmetry: ${u.kind} is not a leaf`);
  };
  return matchType<ValueRenaming>(t, {
    bool: none,
    int: none,
    enum: none,
    // A ref's raw value is its element.
    ref: (u) => {
      const p = perm.get(u.domain);
      return p && { table: p.slice() };
    },
    // A set is a bit per element: element i's bit moves to bit p[i].
    set: (u) => {
      const p = perm.get(u.domain);
      return p && { code: (raw) => `(${p.map((to, i) => `(((${raw} >>> ${i}) & 1) << ${to})`).join(' | ')})` };
    },
    // Raw 0 is null, v + 1 the inner value v.
    optional: (u) => {
      const inner = renameValue(u.inner, perm);
      if (!inner) return undefined;
      if ('table' in inner) return { table: [0, ...inner.table.map((v) => v + 1)] };
      return { code: (raw) => `(${raw} === 0 ? 0 : ${inner.code(`(${raw} - 1)`)} + 1)` };
    },
    array: notLeaf,
    record: notLeaf,
  });
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
  // The layout's leaves are the fold's, in the same order.
  const info = leavesOf(schema);
  const leafAt = new Map(layout.leaves.map((l, i) => [l.path.map(String).join('\u0000'), i]));
  const W = layout.words;

  const rename = (perm: Renaming): ((w: Uint32Array, o: Uint32Array) => void) => {
    const maps: number[][] = [];
    const lines: string[] = [];
    for (let k = 0; k < W; k++) lines.push(`o[${k}] = 0;`);
    layout.leaves.forEach((l, i) => {
      const { path, indexedBy, type } = info[i]!;
      const to = path.map((p, j) => {
        const d = indexedBy[j];
        return d && perm.has(d) ? perm.get(d)![p as number]! : p;
      });
      const dst = layout.leaves[leafAt.get(to.map(String).join('\u0000'))!]!;
      const mask = 2 ** l.bits - 1;
      let x = `((w[${l.word}] >>> ${l.shift}) & ${mask})`;
      const value = renameValue(type, perm);
      if (value && 'table' in value) {
        maps.push(value.table);
        x = `M${maps.length - 1}[${x}]`;
      } else if (value) x = value.code(x);
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
