// What the bundled CLI needs from its entry point: a way to import the
// user's TypeScript (specs, models) without the module hooks, and the hooks
// for what still imports .ts at run time (the symbolic engines load the
// user's modules themselves). src/cli/user-modules.ts reads both.

'use strict';

const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { SpecBundleError, specBundle } = require('./bundle.cjs');

const IMPORT_USER_MODULE = Symbol.for('mmcheck.importUserModule');
const NEED_TS_HOOKS = Symbol.for('mmcheck.needTsHooks');
const INDEX = pathToFileURL(join(__dirname, '..', 'src', 'index.ts')).href;

/** bundle: { main, api, index } of the CLI bundle (./bundle.cjs). */
function useBundles(bundle) {
  // Stack frames of the spec bundles map back to the .ts line and column.
  process.setSourceMapsEnabled(true);
  let hooks = false;
  const needTsHooks = () => {
    if (hooks) return;
    hooks = true;
    // src/index.ts is the CLI bundle's index.mjs: one instance of the public API.
    // node:module loads Node's ES module loader: only now.
    require('node:module').register('./ts-hooks.mjs', pathToFileURL(__filename).href, { data: { mapOwn: false, redirect: { [INDEX]: bundle.index } } });
  };
  globalThis[NEED_TS_HOOKS] = needTsHooks;
  globalThis[IMPORT_USER_MODULE] = async (file) => {
    let path;
    try {
      path = await specBundle(file, bundle.api);
    } catch (e) {
      if (e instanceof SpecBundleError) throw e;
      // A missing or broken file, a top-level await: the hooks import it and
      // run it, or fail as they always have.
    }
    if (path !== undefined) return require(path);
    needTsHooks();
    return import(pathToFileURL(file).href);
  };
}

module.exports = { useBundles };
