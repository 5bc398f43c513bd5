#!/usr/bin/env node
// The mmcheck command. The CLI is TypeScript, run in this process (no child
// process, so signals and exit codes need no relaying).
//
// Fast path: a cached bundle of the CLI (./bundle.mjs), plain JavaScript
// that loads without module hooks, compiled with a V8 code cache
// (./code-cache.mjs), and a cached bundle of each spec. Start-up is most of
// a small spec's run, and Node's hook thread with one module load per source
// file was most of that.
//
// Through mmcheck's own module hooks (./register-ts.mjs, one transform per
// file) instead: with --debug (stack traces of src/ as it is written), with
// MMCHECK_BUNDLE=0, or when the CLI bundle cannot be built, so that an
// error in src/ reads as it always has.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundled =
  process.env.MMCHECK_BUNDLE !== '0' && !process.argv.includes('--debug')
    ? await (await import('./bundle.mjs')).cliBundle()
    : undefined;

if (bundled) {
  const [{ useBundles }, { runCommonJs }] = await Promise.all([import('./use-bundles.mjs'), import('./code-cache.mjs')]);
  useBundles(bundled);
  // Frames of the bundle are mmcheck's own code: named under src/ (which
  // src/spec/throw-site.ts skips when it looks for the user's line), not
  // under the cache, where they would pass for user code.
  runCommonJs(bundled.main, join(fileURLToPath(new URL('../src', import.meta.url)), 'bundled.main.cjs'));
} else {
  await import('./register-ts.mjs');
  await import('../src/cli/main.ts');
}
