// The declared domains of a concrete state, checked on the values (initial
// states, and the states of a trace when the solver reports an error).

import type { Type } from '../spec/schema.ts';
import { matchType } from '../spec/schema-fold.ts';

/** The first field of a concrete state outside its declared domain, described; undefined if none. */
export function outOfRange(schema: Type, state: unknown, unboundedInts: boolean): string | undefined {
  const visit = (t: Type, v: any, path: string): string | undefined =>
    matchType<string | undefined>(t, {
      record: (r) => {
        for (const [k, f] of Object.entries(r.fields)) {
          const out = visit(f, v?.[k], path ? `${path}.${k}` : k);
          if (out) return out;
        }
        return undefined;
      },
      array: (a) => {
        for (let i = 0; i < a.length; i++) {
          const out = visit(a.elem, v?.[i], `${path}[${i}]`);
          if (out) return out;
        }
        return undefined;
      },
      optional: (o) => (v === null ? undefined : visit(o.inner, v, path)),
      int: (u) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) return `${path} = ${String(v)}, not an integer`;
        return v < u.min || (!unboundedInts && v > u.max) ? `${path} = ${v}, outside ${u.min}..${u.max}` : undefined;
      },
      ref: (u) =>
        typeof v !== 'number' || v < 0 || v >= u.domain.size || !Number.isInteger(v)
          ? `${path} = ${String(v)}, not an element of ${u.domain.name}`
          : undefined,
      enum: (u) => (u.values.includes(v) ? undefined : `${path} = ${JSON.stringify(v)}, not one of ${u.values.join('|')}`),
      bool: () => (typeof v === 'boolean' ? undefined : `${path} = ${String(v)}, not a boolean`),
      set: (u) => `${path} is a set(${u.domain.name}), which the symbolic engine does not encode yet`,
    });
  return visit(schema, state, '');
}
