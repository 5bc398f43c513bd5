// What the bundled CLI needs from its entry point: a way to import the
// user's TypeScript (specs, models) without the module hooks, and the hooks
// for what still imports .ts at run time (the symbolic engines load the
// user's modules themselves). src/cli/user-modules.ts reads both.

import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { SpecBundleError, specBundle } from './bundle.mjs';

const IMPORT_USER_MODULE = Symbol.for('mmcheck.importUserModule');
const NEED_TS_HOOKS = Symbol.for('mmcheck.needTsHooks');
const INDEX = new URL('../src/index.ts', import.meta.url).href;

/** bundle: { main, index } file URLs of the CLI bundle (./bundle.mjs). */
export function useBundles(bundle) {
  // Stack frames of the spec bundles map back to the .ts line and column.
  process.setSourceMapsEnabled(true);
  let hooks = false;
  const needTsHooks = () => {
    if (hooks) return;
    hooks = true;
    // src/index.ts is the CLI bundle's chunk: one instance of the public API.
    register('./ts-hooks.mjs', import.meta.url, { data: { mapOwn: false, redirect: { [INDEX]: bundle.index } } });
  };
  globalThis[NEED_TS_HOOKS] = needTsHooks;
  globalThis[IMPORT_USER_MODULE] = async (file) => {
    let url;
    try {
      url = await specBundle(file, bundle.index);
    } catch (e) {
      if (e instanceof SpecBundleError) throw e;
      // A missing or broken file: the hooks import it and fail as they always have.
    }
    if (url !== undefined) return import(url);
    needTsHooks();
    return import(pathToFileURL(file).href);
  };
}
