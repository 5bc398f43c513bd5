// Importing the user's TypeScript (a spec and what it imports). Under the
// bundled CLI (bin/mmcheck.js) there are no module hooks to turn .ts into
// JavaScript, and the CLI's own modules live in a bundle: bin/use-bundles.cjs
// then provides the import (a cached bundle of the spec bound to the CLI's
// public API). Run from the sources (tests, --debug, MMCHECK_BUNDLE=0), a
// plain import() does.

import { pathToFileURL } from 'node:url';

type Importer = (file: string) => Promise<unknown>;
const provided = globalThis as { [k: symbol]: unknown };

/** The module at path `file`, as `import()` gives it. */
export function importUserModule(file: string): Promise<unknown> {
  const via = provided[Symbol.for('mmcheck.importUserModule')] as Importer | undefined;
  return via ? via(file) : import(pathToFileURL(file).href);
}

