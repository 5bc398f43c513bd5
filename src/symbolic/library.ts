// The JavaScript library as the symbolic engine models it: one entry per
// supported function or method, with its semantics over symbolic values and
// the one line docs/symbolic.md shows for it (the doc's list is generated
// from this table: ./subset.ts). Anything not in the table is still run as
// JavaScript when all its arguments are constants; with state-dependent
// arguments it is outside the modelling subset.

import type { ts } from 'ts-morph';
import type { OutsideKey } from './subset.ts';
import { Filtered, SymBool, SymInt, describe, isSym, type Algebra, type BoolLike, type SVal } from './values.ts';

/** What the evaluator offers the library (implemented by the Interpreter). */
export interface Evaluator {
  readonly alg: Algebra;
  /** The path condition of the code running now. */
  readonly alive: BoolLike;
  /** Calls a callback: a closure of the spec (inlined) or a library function. */
  call(fn: SVal, args: SVal[], node: ts.Node): SVal;
  /** A binary operator of the subset ('<', '-', ...) on two values. */
  arith(op: string, a: SVal, b: SVal, node: ts.Node): SVal;
  /**
   * Calls f on the items in order until one gives `stop` (truthy for
   * some/find, falsy for every), as JavaScript does: later calls run only on
   * paths where no earlier one stopped. found: some item stopped; hits[i]:
   * item i is the one that stopped.
   */
  shortCircuit<T extends { c: BoolLike }>(items: readonly T[], stop: boolean, f: (it: T) => SVal): { found: BoolLike; hits: BoolLike[] };
  /** The value of the first option whose condition holds (the last option's condition must be true). */
  firstOf(opts: readonly { c: BoolLike; v: SVal }[]): SVal;
  /** Marks an object the code built itself (so it may write to it). */
  fresh<T extends object>(v: T): T;
  /** A value chosen by the state among records or arrays, as one merged record or array. */
  materialize(v: SVal, node: ts.Node): SVal;
  /** arr[i] = v on the current path. */
  setElem(arr: SVal[], i: number, v: SVal, node: ts.Node): void;
  /** No Z3 term or closure anywhere inside (a value JavaScript itself can compute with). */
  isConcrete(v: SVal): boolean;
  /** Whether the code may write to this object (it is not the current state or a constant). */
  isWritable(o: object): boolean;
  /** An error: this construct is outside the modelling subset; `which` is its entry in ./subset.ts's table (the doc line and the advice). */
  outside(node: ts.Node, construct: string, which: OutsideKey): never;
  fail(node: ts.Node, what: string, instead?: string): never;
}

/** An entry's answer when it does not model this call (it then runs as JavaScript, if its arguments are constants). */
export const AS_JAVASCRIPT: unique symbol = Symbol('run as JavaScript');
type Result = SVal | typeof AS_JAVASCRIPT;

interface Entry {
  /** As the docs name it: 'Math.min', 'a.some(f)', 'a.filter(f).some(g)'. */
  readonly name: string;
  /** One line of docs/symbolic.md. */
  readonly doc: string;
}

/** A library function, found by identity (Math.min is Math.min in any module). */
export interface FunctionEntry extends Entry {
  readonly fn: Function;
  apply(ev: Evaluator, args: SVal[], node: ts.Node): Result;
}

/** A method of arrays (the state's arrays and those the code builds). */
export interface MethodEntry<Recv> extends Entry {
  readonly method: string;
  apply(ev: Evaluator, recv: Recv, args: SVal[], node: ts.Node): Result;
}

/** Math.min and Math.max on state-dependent integers: a chain of comparisons. */
function minMax(which: 'min' | 'max'): FunctionEntry['apply'] {
  return (ev, args, node) => {
    if (ev.isConcrete(args)) return AS_JAVASCRIPT;
    const alg = ev.alg;
    let acc: SVal = args[0];
    for (const x of args.slice(1)) {
      const less = ev.arith('<', x, acc, node) as BoolLike;
      acc = alg.merge(which === 'min' ? less : alg.not(less), x, acc);
    }
    return acc;
  };
}

/** Rounding an integer is the integer (a / c inside is integer division: see the evaluator). */
const roundingOfInt: FunctionEntry['apply'] = (_ev, args) => (args[0] instanceof SymInt ? args[0] : AS_JAVASCRIPT);

function objectListing(which: 'keys' | 'values' | 'entries'): FunctionEntry['apply'] {
  return (ev, args, node) => {
    const o = ev.materialize(args[0], node);
    if (typeof o !== 'object' || o === null || isSym(o)) return ev.outside(node, `Object.${which} of ${describe(o)}`, 'objectOfNonRecord');
    const r = which === 'keys' ? Object.keys(o) : which === 'values' ? Object.values(o) : Object.entries(o).map((kv) => ev.fresh(kv));
    return ev.fresh(r);
  };
}

export const LIBRARY_FUNCTIONS: readonly FunctionEntry[] = [
  { name: 'Math.min', fn: Math.min, doc: 'the least of integers', apply: minMax('min') },
  { name: 'Math.max', fn: Math.max, doc: 'the greatest of integers', apply: minMax('max') },
  {
    name: 'Math.abs',
    fn: Math.abs,
    doc: 'the absolute value of an integer',
    apply: (ev, args, node) => {
      const x = args[0];
      if (!(x instanceof SymInt)) return AS_JAVASCRIPT;
      return ev.alg.merge(new SymBool(ev.alg.cmp('<', x.e, ev.alg.num(0))), ev.arith('-', 0, x, node), x);
    },
  },
  { name: 'Math.floor', fn: Math.floor, doc: 'of `a / c`, c a positive constant: division rounding down; of an integer: itself', apply: roundingOfInt },
  { name: 'Math.trunc', fn: Math.trunc, doc: 'of `a / c`, c a positive constant: division rounding toward 0; of an integer: itself', apply: roundingOfInt },
  { name: 'Math.ceil', fn: Math.ceil, doc: 'of an integer: itself', apply: roundingOfInt },
  { name: 'Math.round', fn: Math.round, doc: 'of an integer: itself', apply: roundingOfInt },
  { name: 'Boolean', fn: Boolean, doc: 'whether its argument is truthy', apply: (ev, args) => ev.alg.truthy(args[0]) },
  {
    name: 'Number',
    fn: Number,
    doc: 'of a boolean (0 or 1) or of an integer',
    apply: (ev, args) => (args[0] instanceof SymBool ? ev.alg.merge(args[0], 1, 0) : args[0] instanceof SymInt ? args[0] : AS_JAVASCRIPT),
  },
  {
    name: 'Array',
    fn: Array,
    doc: 'with a constant n (also `new Array(n)`): n elements `undefined`',
    apply: (ev, args) => ev.fresh(new Array(args[0] as number).fill(undefined)),
  },
  { name: 'Array.isArray', fn: Array.isArray, doc: 'whether a value is an array', apply: (_ev, args) => Array.isArray(args[0]) },
  {
    name: 'Array.from',
    fn: Array.from,
    doc: 'of an array, or of `{ length: N }` with a constant N; with a map callback',
    apply: (ev, args, node) => {
      const [src, cb] = args;
      let items: SVal[];
      if (Array.isArray(src)) items = [...src];
      else if (src && typeof src === 'object' && !isSym(src) && typeof (src as { length?: unknown }).length === 'number')
        items = new Array((src as { length: number }).length).fill(undefined);
      else return ev.outside(node, `Array.from of ${describe(src)}`, 'arrayFrom');
      if (cb !== undefined) items = items.map((v, i) => ev.call(cb, [v, i], node));
      return ev.fresh(items);
    },
  },
  { name: 'Object.keys', fn: Object.keys, doc: 'the field names of a record', apply: objectListing('keys') },
  { name: 'Object.values', fn: Object.values, doc: 'the field values of a record', apply: objectListing('values') },
  { name: 'Object.entries', fn: Object.entries, doc: 'the [name, value] pairs of a record', apply: objectListing('entries') },
  { name: 'Object.freeze', fn: Object.freeze, doc: 'its argument (freezing changes nothing the subset can observe)', apply: (_ev, args) => args[0] },
];

/** The elements of an array with their indexes, all present. */
const itemsOf = (arr: SVal[]) => arr.map((v, i) => ({ c: true as BoolLike, v, i }));

function findEntry(method: 'find' | 'findIndex', doc: string): MethodEntry<SVal[]> {
  return {
    name: `a.${method}(f)`,
    method,
    doc,
    apply: (ev, arr, args, node) => {
      const { hits } = ev.shortCircuit(itemsOf(arr), true, (it) => ev.call(args[0], [it.v, it.i, arr], node));
      const notFound = method === 'find' ? undefined : -1;
      return ev.firstOf([...hits.map((h, i) => ({ c: h, v: method === 'find' ? arr[i] : i })), { c: true, v: notFound }]);
    },
  };
}

/** Methods computed by JavaScript itself, which needs constant arguments (the elements may be symbolic). */
function constantArgs(method: 'values' | 'slice' | 'concat' | 'flat', doc: string): MethodEntry<SVal[]> {
  return {
    name: `a.${method}(${method === 'values' || method === 'flat' ? '' : '...'})`,
    method,
    doc,
    apply: (ev, arr, args, node) => {
      if (!ev.isConcrete(args)) return ev.outside(node, `.${method}() with state-dependent arguments`, 'stateArguments');
      if (method === 'values') return ev.fresh([...arr]);
      return ev.fresh((arr as any)[method](...args));
    },
  };
}

export const ARRAY_METHODS: readonly MethodEntry<SVal[]>[] = [
  {
    name: 'a.every(f)',
    method: 'every',
    doc: 'stops at the first element f rejects, as JavaScript does',
    apply: (ev, arr, args, node) => ev.alg.not(ev.shortCircuit(itemsOf(arr), false, (it) => ev.call(args[0], [it.v, it.i, arr], node)).found),
  },
  {
    name: 'a.some(f)',
    method: 'some',
    doc: 'stops at the first element f accepts',
    apply: (ev, arr, args, node) => ev.shortCircuit(itemsOf(arr), true, (it) => ev.call(args[0], [it.v, it.i, arr], node)).found,
  },
  findEntry('find', 'the first element f accepts, or `undefined`; stops there'),
  findEntry('findIndex', 'the index of the first element f accepts, or -1; stops there'),
  {
    name: 'a.map(f)',
    method: 'map',
    doc: 'a new array of f of each element',
    apply: (ev, arr, args, node) => ev.fresh(arr.map((v, i) => ev.call(args[0], [v, i, arr], node))),
  },
  {
    name: 'a.forEach(f)',
    method: 'forEach',
    doc: 'f on each element, for its writes',
    apply: (ev, arr, args, node) => {
      arr.forEach((v, i) => ev.call(args[0], [v, i, arr], node));
      return undefined;
    },
  },
  {
    name: 'a.filter(f)',
    method: 'filter',
    doc: 'the elements f accepts; use its `.length`, `[k]`, `.some` or `.every` (below)',
    apply: (ev, arr, args, node) => new Filtered(arr.map((v, i) => ({ c: ev.alg.truthy(ev.call(args[0], [v, i, arr], node)), v }))),
  },
  {
    name: 'a.reduce(f, init)',
    method: 'reduce',
    doc: 'f over the elements, from init (or from the first element)',
    apply: (ev, arr, args, node) => {
      let acc: SVal;
      let start = 0;
      if (args.length >= 2) acc = args[1];
      else {
        acc = arr[0];
        start = 1;
      }
      for (let i = start; i < arr.length; i++) acc = ev.call(args[0], [acc, arr[i], i, arr], node);
      return acc;
    },
  },
  {
    name: 'a.includes(x)',
    method: 'includes',
    doc: 'whether some element is x (`===`, with `undefined` and `null` apart)',
    apply: (ev, arr, args) => ev.alg.or(...arr.map((v) => ev.alg.eq(v, args[0]))),
  },
  {
    name: 'a.indexOf(x)',
    method: 'indexOf',
    doc: 'the first index of x, or -1',
    apply: (ev, arr, args) => {
      let acc: SVal = -1;
      for (let i = arr.length - 1; i >= 0; i--) acc = ev.alg.merge(ev.alg.eq(arr[i], args[0]), i, acc);
      return acc;
    },
  },
  {
    name: 'a.fill(v, from, to)',
    method: 'fill',
    doc: 'writes v at the indexes from..to-1 (constants; default all)',
    apply: (ev, arr, args, node) => {
      const [v, from = 0, to = arr.length] = args as [SVal, number?, number?];
      if (typeof from !== 'number' || typeof to !== 'number') return ev.outside(node, 'fill with state-dependent bounds', 'fillBounds');
      for (let i = from; i < to; i++) ev.setElem(arr, i, v, node);
      return arr;
    },
  },
  {
    name: 'a.push(...)',
    method: 'push',
    doc: 'onto an array the code built, not under a state-dependent condition',
    apply: (ev, arr, args, node) => {
      if (ev.alive !== true) return ev.outside(node, 'push under a state-dependent condition', 'conditionalPush');
      if (!ev.isWritable(arr)) return ev.fail(node, 'push onto the state or a constant', 'arrays of the state have a fixed length');
      return arr.push(...args);
    },
  },
  {
    name: 'a.entries()',
    method: 'entries',
    doc: 'the [index, element] pairs, as an array',
    apply: (ev, arr) => ev.fresh(arr.map((v, i) => ev.fresh([i, v]))),
  },
  { name: 'a.keys()', method: 'keys', doc: 'the indexes, as an array', apply: (ev, arr) => ev.fresh(arr.map((_, i) => i)) },
  constantArgs('values', 'the elements, as an array'),
  constantArgs('slice', 'with constant bounds'),
  constantArgs('concat', 'with constant arrays'),
  constantArgs('flat', 'one level of nested arrays'),
  {
    name: 'a.at(k)',
    method: 'at',
    doc: 'with a constant k (negative counts from the end)',
    apply: (_ev, arr, args) => (typeof args[0] === 'number' ? arr.at(args[0]) : AS_JAVASCRIPT),
  },
];

/** The result of a.filter(f): which elements passed is state-dependent, so only these read it. */
export const FILTERED_METHODS: readonly MethodEntry<Filtered>[] = [
  {
    name: 'a.filter(f).some(g)',
    method: 'some',
    doc: 'g sees the index in the filtered array',
    apply: (ev, arr, args, node) => ev.shortCircuit(filteredItems(ev, arr), true, (it) => ev.call(args[0], [it.v, it.i], node)).found,
  },
  {
    name: 'a.filter(f).every(g)',
    method: 'every',
    doc: 'g sees the index in the filtered array',
    apply: (ev, arr, args, node) => ev.alg.not(ev.shortCircuit(filteredItems(ev, arr), false, (it) => ev.call(args[0], [it.v, it.i], node)).found),
  },
];

/** What reads of a filter's result the subset takes: for messages (the evaluator reads .length and [k]). */
export const FILTERED_READS = "use .length, [k] with a constant k, .some or .every of a filter, or count with reduce";

/** The callback of a filtered array sees the element's index in it: how many passed before. */
function filteredItems(ev: Evaluator, arr: Filtered) {
  return arr.items.map((it, j) => ({ c: it.c, v: it.v, i: ev.alg.count(arr.items.slice(0, j).map((x) => x.c)) }));
}

const byFunction = new Map<Function, FunctionEntry>(LIBRARY_FUNCTIONS.map((e) => [e.fn, e]));
const byMethod = new Map<string, MethodEntry<SVal[]>>(ARRAY_METHODS.map((e) => [e.method, e]));
const byFilteredMethod = new Map<string, MethodEntry<Filtered>>(FILTERED_METHODS.map((e) => [e.method, e]));

export const libraryFunction = (fn: Function): FunctionEntry | undefined => byFunction.get(fn);
export const arrayMethod = (name: string): MethodEntry<SVal[]> | undefined => byMethod.get(name);
export const filteredMethod = (name: string): MethodEntry<Filtered> | undefined => byFilteredMethod.get(name);
