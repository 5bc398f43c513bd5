// vitest globalSetup (main process): type-check every spec and CLI fixture
// once, in one compiler run, so that the many CLI processes the suite spawns
// find the result in the cache (.tmp/typecheck/) instead of each starting
// the compiler. A failure here is not the suite's business: the CLI then
// type-checks as usual.

import { join, resolve } from 'node:path';
import { specFiles } from '../../src/cli/discover.ts';
import { typecheckSpecs } from '../../src/cli/typecheck.ts';

export default async function setup(): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const files = [...specFiles(join(root, 'specs')), ...specFiles(join(root, 'test/fixtures/specs'))];
  try {
    await typecheckSpecs(files, root);
  } catch (e) {
    process.stderr.write(`warm-typecheck: ${(e as Error).message}\n`);
  }
}
