// The modelling subset in words, from one source: the short summary that
// errors append, the hint for library calls, and the library part of
// docs/symbolic.md, generated from the library table (./library.ts) and
// checked against the doc by test/front-end.test.ts.

import { ARRAY_METHODS, FILTERED_METHODS, LIBRARY_FUNCTIONS } from './library.ts';

/** Appended to an error that has no more specific advice. */
export const SUBSET_SUMMARY =
  'the symbolic engine translates: const/let, if/else, return, ternaries, boolean and integer ' +
  'operators, comparisons, string (enum) literals, field and index access, assignments into n, ' +
  'loops with constant bounds, switch, and calls of functions defined in specs/ or models/';

/** Advice for a library call with state-dependent arguments. */
export const LIBRARY_CALL_HINT =
  'define the helper in the spec or under models/ (it is then inlined), or use ' +
  `array methods ${ARRAY_METHODS.map((e) => e.method).join('/')}, or ` +
  LIBRARY_FUNCTIONS.filter((e) => e.name.startsWith('Math.')).map((e) => e.name).join('/');

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
    'The result of `a.filter(f)`: its `.length`, `[k]` (the k-th element that',
    'passed, or `undefined`), and',
    '',
    ...FILTERED_METHODS.map(item),
    LIBRARY_DOC_END,
  ].join('\n');
}

/** A list item broken at spaces into lines of at most 78 columns, continued with two spaces. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 78) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join('\n');
}
