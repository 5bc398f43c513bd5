// The modelling subset in words, from one source: the constructs the
// translator takes (the doc's "Translated" list and the summary errors
// append), the constructs it refuses (the doc's "Not translated" list and
// the advice each error gives), the hint for library calls, and the
// library part of docs/symbolic.md, generated from the library table
// (./library.ts). test/seam-subset.test.ts and test/front-end.test.ts fail
// when docs/symbolic.md and these tables disagree.

import { ARRAY_METHODS, FILTERED_METHODS, FILTERED_READS, LIBRARY_FUNCTIONS } from './library.ts';

/** A construct the translator takes: its bullet in docs/symbolic.md and its words in the error summary. */
export interface TranslatedConstruct {
  /** A few words for the summary errors append ('const/let, if/else'). */
  readonly summary: string;
  /** The doc's bullet (markdown, without the leading '- '). */
  readonly doc: string;
}

export const TRANSLATED: readonly TranslatedConstruct[] = [
  {
    summary: 'const/let, if/else, return, switch, ternaries',
    doc:
      '`const` / `let` bindings (with object and array destructuring, defaults); ' +
      '`if` / `else`; early `return`; `switch` (with fall-through and `break`); ' +
      'ternaries; `&&`, `||`, `??`, `!`; `?.` on values that may be null.',
  },
  {
    summary: 'boolean and integer operators, comparisons',
    doc:
      'Integer arithmetic `+ - *`, `%` and `Math.floor(a / c)` / `Math.trunc(a / c)` ' +
      'by a positive constant, comparisons, `===` / `!==`; `==` / `!=` between ' +
      'values of one type, or against `null` / `undefined` (where `null == ' +
      'undefined`, as in JavaScript).',
  },
  {
    summary: 'null and undefined',
    doc:
      '`null` and `undefined` are different values (`===`, `includes`, `indexOf`, ' +
      'default parameters, which apply to `undefined` only, also where it is ' +
      '`undefined` on some paths). Comparing `undefined` with `<` is false and ' +
      '`null` compares as 0, as in JavaScript.',
  },
  {
    summary: 'string (enum) literals',
    doc: 'String literals as enum values (compared with `===`); template strings and `+` on constant strings.',
  },
  {
    summary: 'field and index access',
    doc:
      'Field and index access with constant, parameter or state-dependent indices ' +
      '(`s.page[s.pte[p].page]`): a state-dependent index selects among the ' +
      'elements (and reads `undefined` where it is out of range), and a write ' +
      'through it (`n.page[s.map[p]].ref -= 1`) goes to every element under its ' +
      'condition, so aliasing (`const pg = n.page[x]; pg.ref++`) behaves as in ' +
      'JavaScript. A write at an index outside the array is an error where it ' +
      'happens.',
  },
  {
    summary: 'assignments into n',
    doc:
      'Assignments (`=`, `+=`, `-=`, `*=`, `++`, `--`) into the next state `n`, into ' +
      'local variables and into objects the code built itself.',
  },
  {
    summary: 'loops with constant bounds',
    doc:
      'Loops whose condition does not depend on the state (`for (let i = 0; i < N; i++)`, ' +
      '`for (const x of s.arr)`, `while (constant condition)`), unrolled, with ' +
      '`break` and `continue` (also under state-dependent conditions). Each ' +
      'iteration of `for (let i ...)` has its own `i`, so closures made in the ' +
      'body keep their iteration\'s value. A counter stays constant when it is ' +
      'updated after an `if` on the state whose branches do not return, and when ' +
      'it is declared and updated inside such a branch; after `if (state) return`, ' +
      'a `let` declared before it and updated in a `while` loop becomes ' +
      'state-dependent (use a `for` loop with its own counter).',
  },
  {
    summary: 'calls of functions defined in specs/ or models/',
    doc:
      'Calls of functions defined in the spec or in `models/` (inlined; recursion ' +
      'must end on constant arguments), arrow functions and callbacks.',
  },
  {
    summary: 'the library functions and array methods of docs/symbolic.md',
    doc: 'The library functions and array methods listed below, with callbacks.',
  },
  {
    summary: 'throw',
    doc:
      '`throw` in guards, applies and properties: reaching it is an error, as in ' +
      'the explicit engine ("action threw"). So are a guard or property that ' +
      'returns something other than a boolean, reading a field of `null` / ' +
      '`undefined` (`x!.f` where `x` may be null), arithmetic on `undefined`, and ' +
      'writing `null` / `undefined` into a field that is not optional. These ' +
      'errors are part of every BMC and induction query: where one is reachable ' +
      'the run reports it as a spec error, with the path to it.',
  },
];

/** Appended to an error that has no more specific advice. */
export const SUBSET_SUMMARY = `the symbolic engine translates: ${TRANSLATED.map((c) => c.summary).join(', ')}`;

/** Advice for a library call with state-dependent arguments. */
export const LIBRARY_CALL_HINT =
  'define the helper in the spec or under models/ (it is then inlined), or use ' +
  `array methods (${ARRAY_METHODS.map((e) => e.method).join(', ')}), or ` +
  LIBRARY_FUNCTIONS.filter((e) => e.name.startsWith('Math.')).map((e) => e.name).join(', ');

/** A construct the translator refuses: its words in the doc's "Not translated" list, and what its error advises instead. */
export interface OutsideConstruct {
  /** The doc's words for it (markdown). */
  readonly doc: string;
  /** The error's advice: what to write instead. */
  readonly instead: string;
}

/**
 * Every construct an error calls "outside the modelling subset", by the key
 * the translator passes (Evaluator.outside): the error's advice is the
 * entry's `instead`, and docs/symbolic.md lists the entry's `doc`.
 */
export const OUTSIDE = {
  looseEquality: { doc: '`==` between values of different types (JavaScript converts one)', instead: 'compare values of one type with ===' },
  stateLoop: {
    doc: 'loops whose condition depends on the state',
    instead: 'loop over a constant bound (a domain size, a config value) and test the state inside with if',
  },
  division: { doc: '`/` on state-dependent integers (JavaScript division is not integer division)', instead: 'write Math.floor(a / c) with a positive constant c' },
  floorDivision: { doc: '`Math.floor(a / c)` with a state-dependent or non-positive `c`', instead: 'divide by a positive integer constant' },
  remainder: { doc: '`%` by a state-dependent or non-positive divisor', instead: 'divide by a positive constant' },
  stateString: { doc: 'string concatenation or templates with state-dependent parts', instead: 'build strings from constants only' },
  stringMember: { doc: 'fields of a state-dependent string (`.length`, ...)', instead: 'compare enum values with ===' },
  primitiveMethod: { doc: 'methods of state-dependent numbers, booleans and strings', instead: 'compare values with === and use arithmetic' },
  libraryCall: { doc: 'calls of library functions (`String(x)`, `new Map()`, ...) with state-dependent arguments', instead: LIBRARY_CALL_HINT },
  stateArguments: { doc: 'array methods such as `slice` and `concat` with state-dependent arguments', instead: 'use constant arguments' },
  fillBounds: { doc: '`fill` with state-dependent bounds', instead: 'use constant bounds' },
  conditionalPush: { doc: '`push` under a state-dependent condition', instead: 'build arrays of constant length' },
  arrayFrom: { doc: '`Array.from` of anything but an array or `{ length: N }`', instead: 'use Array.from({ length: N }, f) with a constant N' },
  objectOfNonRecord: { doc: '`Object.keys` / `values` / `entries` of anything but a record', instead: 'use it on records' },
  filteredRead: { doc: 'other uses of the result of `filter`', instead: FILTERED_READS },
  newExpr: { doc: '`new` (except `new Array(n)`)', instead: 'use object and array literals' },
  accessor: { doc: 'getters and setters', instead: 'use a plain field' },
  thisOutsideMethod: { doc: 'classes and `this` outside object methods', instead: 'pass the object as a parameter' },
  statement: { doc: 'other statements (`try` / `catch`, `do` / `while`, classes, ...)', instead: 'use if/else, loops with constant bounds and assignments' },
  expression: { doc: 'other expressions (`delete`, `void`, `await`, regular expressions, ...)', instead: 'rewrite it with the constructs listed in docs/symbolic.md' },
  labelledJump: { doc: 'labelled `break` and `continue`', instead: 'restructure the loop' },
  jumpOutsideLoop: { doc: '`break` / `continue` outside a loop', instead: 'use if/else' },
  continueInSwitch: { doc: '`continue` inside `switch`', instead: 'use if/else' },
  forOf: { doc: '`for`-`of` over anything but an array', instead: 'iterate over an array of the state, a domain index range or a constant list' },
  operator: { doc: '`instanceof`, unary `~`, and `in` on state-dependent values', instead: 'use integer and boolean operators' },
  stateOperator: { doc: 'bitwise operators and `**` on state-dependent values', instead: 'use + - * % and comparisons' },
  arithmetic: { doc: 'arithmetic on values that are not integers (booleans, strings, records)', instead: 'use integer arithmetic on integer fields' },
  unaryPlus: { doc: 'unary `+` of a state-dependent value that is not an integer', instead: 'use integers' },
  logicalAssign: { doc: '`||=`, `&&=` and `??=`', instead: 'write x = x || y' },
  typeofNullable: { doc: '`typeof` of a value that may be null', instead: 'compare with null' },
  index: { doc: 'indexing with anything but an integer (or a constant field name)', instead: 'index arrays with integers (refs, parameters, loop variables)' },
  assignTarget: { doc: 'assignments to anything but a variable, a field or an array element', instead: 'assign to a variable, a field or an array element' },
  computedName: { doc: 'computed property names in patterns and literals', instead: 'use a plain field name' },
  computedKey: { doc: 'state-dependent computed keys in object literals', instead: 'use a constant key' },
  restObject: { doc: 'a rest pattern (`...rest`) on anything but a record', instead: 'name the fields you need' },
  restArray: { doc: 'a rest pattern (`...rest`) on anything but an array', instead: 'index the elements you need' },
  spreadArray: { doc: 'spreading anything but an array of constant length into an array or a call', instead: 'spread arrays of constant length' },
  spreadRecord: { doc: 'spreading anything but a record into an object literal', instead: 'spread records' },
  optionalCall: { doc: 'optional calls (`f?.()`)', instead: 'call the function directly' },
  stateCallee: { doc: 'calls of a function chosen by the state', instead: 'call functions directly' },
} as const satisfies Record<string, OutsideConstruct>;

export type OutsideKey = keyof typeof OUTSIDE;

export const CONSTRUCTS_DOC_BEGIN = '<!-- BEGIN constructs: generated from src/symbolic/subset.ts -->';
export const CONSTRUCTS_DOC_END = '<!-- END constructs -->';
export const OUTSIDE_DOC_BEGIN = '<!-- BEGIN outside: generated from src/symbolic/subset.ts -->';
export const OUTSIDE_DOC_END = '<!-- END outside -->';

/** The doc's "Translated" list, markers included. */
export function constructsDoc(): string {
  return [CONSTRUCTS_DOC_BEGIN, 'Translated:', '', ...TRANSLATED.map((c) => wrap(`- ${c.doc}`)), CONSTRUCTS_DOC_END].join('\n');
}

/** The doc's "Not translated" list, markers included. */
export function outsideDoc(): string {
  return [
    OUTSIDE_DOC_BEGIN,
    'Not translated (a `SpecError` names file:line:col, the construct, and what to',
    'write instead; so does reading `.x` of a value that is certainly `null`):',
    '',
    ...Object.values(OUTSIDE).map((c: OutsideConstruct) => wrap(`- ${c.doc}: ${c.instead}`)),
    OUTSIDE_DOC_END,
  ].join('\n');
}

export const LIBRARY_DOC_BEGIN = '<!-- BEGIN library: generated from src/symbolic/library.ts -->';
export const LIBRARY_DOC_END = '<!-- END library -->';

/** The library part of the subset in docs/symbolic.md, markers included. */
export function libraryDoc(): string {
  const item = (e: { name: string; doc: string }) => wrap(`- \`${e.name}\`: ${e.doc}`);
  return [
    LIBRARY_DOC_BEGIN,
    'Library functions with state-dependent arguments (any other library',
    'function is run as JavaScript when its arguments are constants):',
    '',
    ...LIBRARY_FUNCTIONS.map(item),
    '',
    "Array methods, on the state's arrays and on arrays the code builds:",
    '',
    ...ARRAY_METHODS.map(item),
    '',
    'The result of `a.filter(f)`: its `.length`, `[k]` with a constant k (the',
    'k-th element that passed, or `undefined`), and',
    '',
    ...FILTERED_METHODS.map(item),
    LIBRARY_DOC_END,
  ].join('\n');
}

/**
 * A list item broken at spaces into lines of at most 78 columns, continued
 * with two spaces; never inside `code` (a longer word stays whole).
 */
function wrap(text: string): string {
  const words: string[] = [];
  let inCode = false;
  for (const w of text.split(' ')) {
    if (inCode) words[words.length - 1] += ` ${w}`;
    else words.push(w);
    if ((w.match(/`/g)?.length ?? 0) % 2 === 1) inCode = !inCode;
  }
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > 78) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}
