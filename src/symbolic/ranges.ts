// The declared domains of a concrete state, checked on the values (initial
// states, and the states of a trace when the solver reports an error).

import type { Type } from '../spec/schema.ts';

/** The first field of a concrete state outside its declared domain, described; undefined if none. */
export function outOfRange(schema: Type, state: unknown, unboundedInts: boolean): string | undefined {
  const visit = (t: Type, v: any, path: string): string | undefined => {
    switch (t.kind) {
      case 'record':
        for (const [k, f] of Object.entries(t.fields)) {
          const r = visit(f as Type, v?.[k], path ? `${path}.${k}` : k);
          if (r) return r;
        }
        return undefined;
      case 'array':
        for (let i = 0; i < t.length; i++) {
          const r = visit(t.elem, v?.[i], `${path}[${i}]`);
          if (r) return r;
        }
        return undefined;
      case 'optional':
        return v === null ? undefined : visit(t.inner, v, path);
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v)) return `${path} = ${String(v)}, not an integer`;
        return v < t.min || (!unboundedInts && v > t.max) ? `${path} = ${v}, outside ${t.min}..${t.max}` : undefined;
      case 'ref':
        return typeof v !== 'number' || v < 0 || v >= t.domain.size || !Number.isInteger(v)
          ? `${path} = ${String(v)}, not an element of ${t.domain.name}`
          : undefined;
      case 'enum':
        return t.values.includes(v) ? undefined : `${path} = ${JSON.stringify(v)}, not one of ${t.values.join('|')}`;
      case 'bool':
        return typeof v === 'boolean' ? undefined : `${path} = ${String(v)}, not a boolean`;
      case 'set':
        return `${path} is a set(${t.domain.name}), which the symbolic engine does not encode yet`;
      default: {
        const unknown: never = t;
        return `${path} has the schema kind '${(unknown as { kind: string }).kind}', which the symbolic engine does not encode`;
      }
    }
  };
  return visit(schema, state, '');
}
