// Packed encode/decode of states, generated per schema as straight-line
// JavaScript (one shift and mask per field, no per-state allocation), plus
// the slow-path helpers used by traces: snapshots, printing, diffs.

import type { Domain, RecordType, Type } from '../spec/schema.ts';
import { describeType, DomainSet } from '../spec/schema.ts';
import { UserError } from '../spec/errors.ts';
import { layoutOf, type Layout, type Leaf } from './layout.ts';
import { matchType } from '../spec/schema-fold.ts';

/** A value that does not fit its declared type, or a state of the wrong shape. */
export class ValueRangeError extends UserError {
  override name = 'ValueRangeError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${field} = ${showRaw(value)}, outside ${expected}`);
  }
}

function showRaw(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

export interface Codec {
  readonly schema: RecordType;
  readonly layout: Layout;
  readonly words: number;
  /** Packs o into w[off .. off+words); throws ValueRangeError. */
  encode(o: any, w: Uint32Array, off: number): void;
  /** A fresh state object with the schema's shape (default values). */
  create(): any;
  /** A fresh state decoded from w[off ..]. */
  snapshot(w: Uint32Array, off: number): any;
  /**
   * A decoder bound to one reusable object: restores that object's own
   * nested arrays and records (an action may have replaced them) and writes
   * every field. Used for the explorer's current and next state.
   */
  bindDecoder(o: any): (w: Uint32Array, off: number) => void;
  /**
   * The explorer's successor encoder for its reusable next-state object n
   * (see SuccessorEncoder): packs only the fields an action changed and
   * undoes only those, instead of a full decode and encode per transition.
   */
  bindSuccessor(n: any): SuccessorEncoder;
  /** Deep copy through the packed form. */
  clone(o: any): any;
  equal(a: any, b: any): boolean;
  /** One-line rendering: { c: [1, 2], owner: parent }. */
  format(o: any): string;
  /** Fields that differ, by printable path. */
  diff(a: any, b: any): FieldChange[];
}

/**
 * Encodes the successors of one state through a reusable object n.
 *
 * `load(w, off)` decodes the state at w[off ..] into n (the leaves of the
 * words that differ from the last state loaded, and those written since). An
 * action then writes n; `pack(w, off, next)` writes n's packed form into
 * next, starting from the words at w[off ..] and re-encoding (with the
 * range checks of `encode`) only the leaves whose value in n differs from
 * the one packed there; `reset(w, off)` undoes exactly those leaves, so n
 * is the state at w[off ..] again for the next action. The words at
 * w[off ..] must not change between load, pack and reset.
 *
 * Why compare with the packed words and not with the decoded current state
 * s: a spec that wrongly writes s cannot then corrupt a successor. An
 * action that replaces a container of n (an array, a record or a set
 * object) or changes an array's length takes the slow path: a full encode,
 * with its shape checks, and a full decode on reset.
 */
export interface SuccessorEncoder {
  /** Makes n the state at w[off ..], decoding only the leaves that can differ from the state last loaded. */
  load(w: Uint32Array, off: number): void;
  /** The same with a full decode (when n may have been written behind the encoder's back). */
  loadAll(w: Uint32Array, off: number): void;
  pack(w: Uint32Array, off: number, next: Uint32Array): void;
  reset(w: Uint32Array, off: number): void;
}

export interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

const access = (base: string, path: readonly (string | number)[]): string =>
  base + path.map((p) => (typeof p === 'number' ? `[${p}]` : `[${JSON.stringify(p)}]`)).join('');

/** Arrays and records on the way to the leaves, parents first. */
function containers(root: Type): { path: (string | number)[]; name: string; type: Type }[] {
  const out: { path: (string | number)[]; name: string; type: Type }[] = [];
  const walk = (t: Type, path: (string | number)[], name: string): void => {
    if (t.kind === 'record') {
      if (path.length) out.push({ path, name, type: t });
      for (const [k, ft] of Object.entries(t.fields as Record<string, Type>))
        walk(ft, [...path, k], name ? `${name}.${k}` : k);
    } else if (t.kind === 'array') {
      out.push({ path, name, type: t });
      for (let i = 0; i < t.length; i++) walk(t.elem as Type, [...path, i], `${name}[${t.index ? t.index.names[i] : i}]`);
    }
  };
  walk(root, [], '');
  return out;
}

/** Code that sets x to the packed bits of the value v of leaf l (index i), or calls bad(i, v). */
function packValue(l: Leaf, i: number): string {
  const t = l.type;
  const scalar = (tt: Type, out: string): string => {
    switch (tt.kind) {
      case 'bool':
        return `${out} = v === true ? 1 : v === false ? 0 : bad(${i}, v);`;
      case 'int':
        return `${out} = v - ${tt.min}; if (!(${out} >= 0 && ${out} <= ${tt.max - tt.min}) || (${out} | 0) !== ${out}) bad(${i}, v);`;
      case 'ref':
        return `${out} = v; if (!(${out} >= 0 && ${out} < ${tt.domain.size}) || (${out} | 0) !== ${out}) bad(${i}, v);`;
      case 'enum':
        return `switch (v) { ${tt.values.map((e, k) => `case ${JSON.stringify(e)}: ${out} = ${k}; break;`).join(' ')} default: bad(${i}, v); }`;
      default:
        throw new Error(`unreachable: ${tt.kind}`);
    }
  };
  if (t.kind === 'set')
    return `if (!(v instanceof DomainSet) || v.domain.size !== ${t.domain.size}) bad(${i}, v); x = v.bits; if (x !== (x >>> 0) || x >= ${2 ** t.domain.size}) bad(${i}, v);`;
  return t.kind === 'optional' ? `if (v === null) x = 0; else { ${scalar(t.inner, 'x')} x += 1; }` : scalar(t, 'x');
}

function encodeLeaf(l: Leaf, i: number): string {
  return `v = ${access('o', l.path)}; ${packValue(l, i)} w${l.word} |= x << ${l.shift};`;
}

/**
 * JavaScript for the value of a scalar leaf (index i) whose packed bits are
 * the expression x. Containers and optionals never reach here: the caller
 * unwraps them, and the fold names every kind, so a new one is a compile
 * error here too.
 */
function scalarCode(t: Type, x: string, i: number): string {
  const notScalar = (u: Type): never => {
    throw new Error(`unreachable: ${u.kind} is not a scalar leaf`);
  };
  return matchType<string>(t, {
    bool: () => `${x} !== 0`,
    int: (u) => (u.min === 0 ? x : `${x} + ${u.min}`),
    ref: () => x,
    enum: () => `E${i}[${x}]`,
    optional: notScalar,
    set: notScalar,
    array: notScalar,
    record: notScalar,
  });
}

/** The value of leaf l (index i) whose packed bits are in the variable r. */
function valueOf(l: Leaf, i: number, r: string): string {
  const t = l.type;
  if (t.kind === 'set') throw new Error('unreachable: set');
  return t.kind === 'optional' ? `(${r} === 0 ? null : ${scalarCode(t.inner, `(${r} - 1)`, i)})` : `(${scalarCode(t, r, i)})`;
}

/** Code that decodes leaf l (index i) into the place `target` (a JS lvalue). */
function decodeLeaf(l: Leaf, i: number, target: string): string {
  const raw = `((w${l.word} >>> ${l.shift}) & ${2 ** l.bits - 1})`;
  const t = l.type;
  // The set object itself is the container's (restored by a bound decoder).
  if (t.kind === 'set') return `${target}.bits = ${raw};`;
  return `x = ${raw}; ${target} = ${valueOf(l, i, 'x')};`;
}

function enumTables(leaves: readonly Leaf[]): { names: string[]; values: unknown[] } {
  const names: string[] = [];
  const values: unknown[] = [];
  leaves.forEach((l, i) => {
    const t = l.type.kind === 'optional' ? l.type.inner : l.type;
    if (t.kind === 'enum') {
      names.push(`E${i}`);
      values.push(t.values);
    }
  });
  return { names, values };
}

function defaultValue(t: Type): unknown {
  switch (t.kind) {
    case 'bool':
      return false;
    case 'int':
      return t.min;
    case 'enum':
      return t.values[0];
    case 'ref':
      return 0;
    case 'optional':
      return null;
    case 'set':
      return new DomainSet(t.domain);
    case 'array':
      return Array.from({ length: t.length }, () => defaultValue(t.elem));
    case 'record':
      return Object.fromEntries(Object.entries(t.fields as Record<string, Type>).map(([k, ft]) => [k, defaultValue(ft)]));
  }
}

// Records are sealed; arrays are not: V8 (Node 20) stores into sealed or
// non-extensible arrays through its slow generic path, ~10x slower per
// element, in every decode and in every action writing an element
// (PaxosCommit: 2.6x the CPU time of the whole run). A write past an
// array's end or a push changes its length, which encode's shape check
// and the successor encoder reject with the field's name.
function sealDeep<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) sealDeep(x);
    if (!Array.isArray(v)) Object.seal(v);
  }
  return v;
}

// Codecs by schema structure. Each variant builds its model, and so its
// schema object, anew; when the structure is the same (the usual case: a
// variant changes behaviour, not the state), the variant gets the codec
// already compiled and, above all, already optimised by the JIT, instead of
// fresh generated functions that start cold.
const codecs = new Map<string, Codec>();

/** The codec of a schema: compiled once per distinct structure. */
export function codecFor(schema: RecordType): Codec {
  // Schemas are plain data (kinds, ranges, enum values, domains with their
  // element names), so JSON is an exact structural key.
  const key = JSON.stringify(schema);
  let c = codecs.get(key);
  if (!c) {
    c = compileCodec(schema);
    codecs.set(key, c);
  }
  return c;
}

function compileCodec(schema: RecordType): Codec {
  const layout = layoutOf(schema);
  const { leaves, words } = layout;
  const conts = containers(schema);
  const wordNames = Array.from({ length: words }, (_, k) => `w${k}`);

  const bad = (i: number, v: unknown): never => {
    const l = leaves[i]!;
    throw new ValueRangeError(l.name, v, describeType(l.type));
  };
  const badShape = (i: number, v: unknown): never => {
    if (i < 0) throw new ValueRangeError('state', v, 'a record');
    const c = conts[i]!;
    throw new ValueRangeError(c.name, v, describeType(c.type));
  };
  const shapeChecks = conts
    .map((c, i) =>
      c.type.kind === 'array'
        ? `v = ${access('o', c.path)}; if (!Array.isArray(v) || v.length !== ${c.type.length}) badShape(${i}, v);`
        : `v = ${access('o', c.path)}; if (typeof v !== 'object' || v === null) badShape(${i}, v);`,
    )
    .join('\n');
  const encode = new Function(
    'bad',
    'badShape',
    'DomainSet',
    `return function encode(o, w, off) {
      let v, x; let ${wordNames.map((n) => `${n} = 0`).join(', ')};
      if (typeof o !== 'object' || o === null) badShape(-1, o);
      ${shapeChecks}
      ${leaves.map(encodeLeaf).join('\n')}
      ${wordNames.map((n, k) => `w[off + ${k}] = ${n};`).join(' ')}
    };`,
  )(bad, badShape, DomainSet) as Codec['encode'];

  const enums = enumTables(leaves);
  const loadWords = `const ${wordNames.map((n, k) => `${n} = w[off + ${k}]`).join(', ')}; let x;`;
  const decodeBody = leaves.map((l, i) => decodeLeaf(l, i, access('o', l.path))).join('\n');
  const decodeTo = new Function(...enums.names, `return function decodeTo(w, off, o) { ${loadWords}\n${decodeBody} };`)(
    ...enums.values,
  ) as (w: Uint32Array, off: number, o: any) => void;

  // Sealed, nested containers included: the spec's actions write these
  // objects, and a write to a field the schema does not have (a typo,
  // `n.countr = 1`) must throw (ES modules are strict) rather than be
  // silently dropped by encode, which reads only the schema's fields.
  const create = (): any => sealDeep(defaultValue(schema));

  // The bound decoder and the successor encoder are generated once per
  // codec, as factories: every object bound (two per run, seven runs for a
  // spec with seven variants) gets closures of the same function literals,
  // which V8 lets share one feedback vector and one optimised code. Code
  // generated per binding was compiled anew in every run: TurboFan took
  // ~0.5-0.8 s of CPU per function for a kernel spec's state.
  const setLeaves = leaves.map((l, i) => ({ l, i })).filter(({ l }) => l.type.kind === 'set');
  const setIndex = new Map(setLeaves.map(({ i }, j) => [i, j]));
  const contIndex = new Map(conts.map((c, i) => [JSON.stringify(c.path), i]));
  /** o's own containers (R<i>, parents first) and set objects (T<j>). */
  const refsOf = (o: any) => ({
    refs: conts.map((c) => c.path.reduce((acc: any, p) => acc[p], o)),
    sets: setLeaves.map(({ l }) => l.path.reduce((acc: any, p) => acc[p], o)),
  });
  const holder = (path: readonly (string | number)[], p: string): string => {
    if (path.length === 0) return 'o';
    const i = contIndex.get(JSON.stringify(path));
    if (i === undefined) throw new Error(`unreachable: no container at ${path.join('.')}`);
    return `${p}${i}`;
  };
  const key = (p: string | number): string => (typeof p === 'number' ? `[${p}]` : `[${JSON.stringify(p)}]`);
  /** A leaf or container of o, reached through its canonical parent. */
  const at = (path: readonly (string | number)[], p = 'R'): string => holder(path.slice(0, -1), p) + key(path[path.length - 1]!);
  const unpackRefs = [
    ...conts.map((_, i) => `R${i} = refs[${i}]`),
    ...setLeaves.map((_, j) => `T${j} = sets[${j}]`),
  ];
  const refDecl = unpackRefs.length ? `const ${unpackRefs.join(', ')};` : '';

  let decoderFactory: ((o: any, refs: unknown[], sets: unknown[]) => (w: Uint32Array, off: number) => void) | undefined;
  const bindDecoder = (o: any): ((w: Uint32Array, off: number) => void) => {
    if (!decoderFactory) {
      // Restores o's canonical containers and set objects (an action may
      // have replaced them), then writes every leaf. Parents come first, so
      // each container and leaf is reached through its canonical parent
      // (one load, in a local) instead of a walk from the root.
      // Compared before written: a container is almost never replaced, and
      // a load and a compare cost less than storing an object reference
      // (a store with the garbage collector's write barrier) 65 times per
      // decode of PaxosCommit's state.
      const restoreSets = setLeaves.map(({ l }, j) => `if (${at(l.path, 'L')} !== T${j}) ${at(l.path, 'L')} = T${j};`).join('\n');
      const restore = conts
        .map((c, i) => {
          const set = `if (${at(c.path, 'L')} !== L${i}) ${at(c.path, 'L')} = L${i};`;
          return c.type.kind === 'array' ? `${set} if (L${i}.length !== ${c.type.length}) L${i}.length = ${c.type.length};` : set;
        })
        .join('\n');
      const locals = conts.length ? `const ${conts.map((_, i) => `L${i} = R${i}`).join(', ')};` : '';
      const body = leaves.map((l, i) => decodeLeaf(l, i, at(l.path, 'L'))).join('\n');
      decoderFactory = new Function(
        ...enums.names,
        `return function bind(o, refs, sets) { ${refDecl}
          return function decodeBound(w, off) { ${loadWords} ${locals}\n${restore}\n${restoreSets}\n${body} }; };`,
      )(...enums.values);
    }
    const { refs, sets } = refsOf(o);
    return decoderFactory!(o, refs, sets);
  };

  let successorFactory: ((o: any, decodeAll: unknown, refs: unknown[], sets: unknown[]) => SuccessorEncoder) | undefined;
  const bindSuccessor = (o: any): SuccessorEncoder => {
    if (!successorFactory) {
      successorFactory = compileSuccessorFactory();
      warmUp(successorFactory);
    }
    const { refs, sets } = refsOf(o);
    return successorFactory(o, bindDecoder(o), refs, sets);
  };

  const compileSuccessorFactory = () => {
    const movedTest = (c: (typeof conts)[number], i: number): string =>
      `${at(c.path, 'L')} !== L${i}` + (c.type.kind === 'array' ? ` || L${i}.length !== ${c.type.length}` : '');
    const raw = (l: Leaf): string => `((c${l.word} >>> ${l.shift}) & ${2 ** l.bits - 1})`;
    const keep = (l: Leaf): number => ~((2 ** l.bits - 1) * 2 ** l.shift) | 0;
    const packLeaf = (l: Leaf, i: number): string => {
      const update = `n${l.word} = (n${l.word} & ${keep(l)}) | (x << ${l.shift}); D[nd++] = ${i};`;
      if (l.type.kind === 'set')
        return `v = ${at(l.path, 'L')}; if (v !== T${setIndex.get(i)} || v.bits !== ${raw(l)}) { ${packValue(l, i)} ${update} }`;
      // A bool is its bit: one mask, no shift (most leaves of message-set specs).
      if (l.type.kind === 'bool')
        return `v = ${at(l.path, 'L')}; if (v !== ((c${l.word} & ${(1 << l.shift) | 0}) !== 0)) { ${packValue(l, i)} ${update} }`;
      return `v = ${at(l.path, 'L')}; r = ${raw(l)}; if (v !== ${valueOf(l, i, 'r')}) { ${packValue(l, i)} ${update} }`;
    };
    // Each container is checked (not replaced, length kept) just before
    // its own leaves are compared, so the loads of one container sit
    // together; parents come first, so a child is reached only through a
    // parent already checked. A replaced container sends pack to the slow
    // path: what was compared before it is discarded.
    const parentOf = (l: Leaf): number => (l.path.length === 1 ? -1 : contIndex.get(JSON.stringify(l.path.slice(0, -1)))!);
    const leavesUnder = (ci: number): string =>
      leaves
        .map((l, i) => (parentOf(l) === ci ? packLeaf(l, i) : ''))
        .filter(Boolean)
        .join('\n');
    const packChanged = [
      leavesUnder(-1),
      ...conts.map((c, ci) => `if (${movedTest(c, ci)}) { encode(o, next, 0); return; }\n${leavesUnder(ci)}`),
    ].join('\n');
    const restoreLeaf = (l: Leaf, i: number): string => {
      if (l.type.kind === 'set') {
        const j = setIndex.get(i)!;
        return `${at(l.path)} = T${j}; T${j}.bits = ${raw(l)};`;
      }
      return `r = ${raw(l)}; ${at(l.path)} = ${valueOf(l, i, 'r')};`;
    };
    const restoreCases = leaves.map((l, i) => `case ${i}: ${restoreLeaf(l, i)} break;`).join('\n');
    const cur = `const ${wordNames.map((_, k) => `c${k} = w[off + ${k}]`).join(', ')};`;
    // load's incremental path: the leaves of each word, decoded only when
    // the word differs from the last state loaded.
    const loadChanged = wordNames
      .map((_, k) => {
        const body = leaves
          .map((l, i) => (l.word === k ? restoreLeaf(l, i) : ''))
          .filter(Boolean)
          .join(' ');
        return `if (c${k} !== P[${k}]) { P[${k}] = c${k}; ${body} }`;
      })
      .join('\n');
    const src = `return function bind(o, decodeAll, refs, sets) { ${refDecl}
      const D = new Int32Array(${Math.max(1, leaves.length)});
      const P = new Uint32Array(${words});
      let nd = 0, slow = false, known = false;
      const loadAll = (w, off) => {
        nd = 0; slow = false; decodeAll(w, off);
        for (let k = 0; k < ${words}; k++) P[k] = w[off + k];
        known = true;
      };
      return {
        load(w, off) {
          if (slow || !known) return loadAll(w, off);
          ${cur} let r;
          // n is the state in P except for the leaves in D: decode those and every leaf of a word that changed.
          for (let j = 0; j < nd; j++) switch (D[j]) {
            ${restoreCases}
          }
          nd = 0;
          ${loadChanged}
        },
        loadAll,
        pack(w, off, next) {
          if (nd !== 0 || slow) throw new Error('SuccessorEncoder: pack twice without reset');
          ${cur}
          let ${wordNames.map((_, k) => `n${k} = c${k}`).join(', ')}; let v, x, r;
          // A throw (a value out of range) may leave writes unexamined: undo all on reset.
          slow = true;
          ${conts.length ? `const ${conts.map((_, i) => `L${i} = R${i}`).join(', ')};` : ''}
          ${packChanged}
          slow = false;
          ${wordNames.map((_, k) => `next[${k}] = n${k};`).join(' ')}
        },
        reset(w, off) {
          if (slow) { nd = 0; slow = false; decodeAll(w, off); return; }
          if (nd === 0) return;
          ${cur} let r;
          for (let j = 0; j < nd; j++) switch (D[j]) {
            ${restoreCases}
          }
          nd = 0;
        },
      }; };`;
    return new Function(...enums.names, 'bad', 'DomainSet', 'encode', src)(...enums.values, bad, DomainSet, encode) as (
      o: any,
      decodeAll: unknown,
      refs: unknown[],
      sets: unknown[],
    ) => SuccessorEncoder;
  };

  // Runs every branch of the successor code once on a scratch object (each
  // leaf changed to each of its first few values, packed, undone, loaded),
  // so that the optimised code has type feedback for all of them. Without
  // it, each leaf first changed in a run deoptimised pack, reset and load
  // ("insufficient type feedback"), and each re-optimisation cost TurboFan
  // a compile of the whole function.
  const warmUp = (factory: NonNullable<typeof successorFactory>): void => {
    const o = sealDeep(defaultValue(schema));
    const { refs, sets } = refsOf(o);
    const enc = factory(o, bindDecoder(o), refs, sets);
    const base = new Uint32Array(words);
    const w = new Uint32Array(words);
    const next = new Uint32Array(words);
    const probe = sealDeep(defaultValue(schema));
    const decodeProbe = bindDecoder(probe);
    enc.loadAll(base, 0);
    // Twice: V8 allocates a function's feedback vector only after its first
    // calls, so the first pass alone leaves the first leaves without feedback.
    for (let pass = 0; pass < 2; pass++) leaves.forEach((l) => {
      const parentOf = () => l.path.slice(0, -1).reduce((acc: any, p) => acc[p], o);
      const last = l.path[l.path.length - 1]!;
      const valueIn = (words: Uint32Array): unknown => {
        decodeProbe(words, 0);
        const v = l.path.reduce((acc: any, p) => acc[p], probe);
        return l.type.kind === 'set' ? v.bits : v;
      };
      const write = (v: unknown): void => {
        if (l.type.kind === 'set') parentOf()[last].bits = v;
        else parentOf()[last] = v;
      };
      // From one state to the other: packed and undone, then left pending
      // for load; both directions, so that both branches of every
      // optional leaf (null and a value) are packed and restored.
      const exercise = (from: Uint32Array, to: Uint32Array): void => {
        enc.load(from, 0);
        write(valueIn(to));
        enc.pack(from, 0, next);
        enc.reset(from, 0);
        write(valueIn(to));
        enc.pack(from, 0, next);
        enc.load(to, 0);
      };
      for (let value = 1; value < Math.min(l.count, 4); value++) {
        w.set(base);
        w[l.word] = (w[l.word]! | (value << l.shift)) >>> 0;
        exercise(base, w);
        exercise(w, base);
      }
    });
    enc.loadAll(base, 0);
  };

  const scratch = new Uint32Array(words);
  const scratch2 = new Uint32Array(words);
  const snapshot = (w: Uint32Array, off: number): any => {
    const o = create();
    decodeTo(w, off, o);
    return o;
  };
  const codec: Codec = {
    schema,
    layout,
    words,
    encode,
    create,
    snapshot,
    bindDecoder,
    bindSuccessor,
    clone(o) {
      encode(o, scratch, 0);
      return snapshot(scratch, 0);
    },
    equal(a, b) {
      encode(a, scratch, 0);
      encode(b, scratch2, 0);
      for (let k = 0; k < words; k++) if (scratch[k] !== scratch2[k]) return false;
      return true;
    },
    format: (o) => formatValue(schema, o),
    diff(a, b) {
      const out: FieldChange[] = [];
      for (const l of leaves) {
        const va = l.path.reduce((acc: any, p) => acc?.[p], a);
        const vb = l.path.reduce((acc: any, p) => acc?.[p], b);
        if (l.type.kind === 'set' ? va?.bits !== vb?.bits : va !== vb) out.push({ field: l.name, from: formatValue(l.type, va), to: formatValue(l.type, vb) });
      }
      return out;
    },
  };
  return codec;
}

function refName(d: Domain, v: unknown): string {
  return typeof v === 'number' && d.names[v] !== undefined ? d.names[v]! : String(v);
}

/** Values as a reader of a trace wants them: refs by element name, null as '-'. */
export function formatValue(t: Type, v: unknown): string {
  switch (t.kind) {
    case 'bool':
    case 'int':
    case 'enum':
      return String(v);
    case 'ref':
      return refName(t.domain, v);
    case 'optional':
      return v === null ? '-' : formatValue(t.inner, v);
    case 'set':
      return v instanceof DomainSet ? v.toString() : String(v);
    case 'array': {
      const a = v as unknown[];
      if (t.index) return `{${a.map((e, i) => `${t.index!.names[i]}: ${formatValue(t.elem, e)}`).join(', ')}}`;
      return `[${a.map((e) => formatValue(t.elem, e)).join(', ')}]`;
    }
    case 'record': {
      const o = v as Record<string, unknown>;
      return `{${Object.entries(t.fields as Record<string, Type>)
        .map(([k, ft]) => `${k}: ${formatValue(ft, o[k])}`)
        .join(', ')}}`;
    }
  }
}
