#!/usr/bin/env node
// The mmcheck command. The CLI is TypeScript, run in this process (no child
// process, so signals and exit codes need no relaying).
//
// Fast path: a cached bundle of the CLI (./bundle.cjs), plain JavaScript
// that loads without module hooks, compiled with a V8 code cache
// (./code-cache.cjs), and a cached bundle of each spec. Start-up is most of
// a small spec's run. All of it is CommonJS (./package.json makes this file
// so), so Node never starts its ES module loader (~15 ms of CPU) for a
// default run.
//
// Through mmcheck's own module hooks (./register-ts.mjs, one transform per
// file) instead: with --debug (stack traces of src/ as it is written), with
// MMCHECK_BUNDLE=0, or when the CLI bundle cannot be built, so that an
// error in src/ reads as it always has.

'use strict';

const { join } = require('node:path');

async function fromSources() {
  await import('./register-ts.mjs');
  await import('../src/cli/main.ts');
}

if (process.env.MMCHECK_BUNDLE !== '0' && !process.argv.includes('--debug')) {
  require('./bundle.cjs')
    .cliBundle()
    .then((bundled) => {
      if (!bundled) return fromSources();
      require('./use-bundles.cjs').useBundles(bundled);
      // Frames of the bundle are mmcheck's own code: named under src/ (which
      // src/spec/throw-site.ts skips when it looks for the user's line), not
      // under the cache, where they would pass for user code.
      require('./code-cache.cjs').runCommonJs(bundled.main, join(__dirname, '..', 'src', 'bundled.main.cjs'));
    });
} else {
  void fromSources();
}
