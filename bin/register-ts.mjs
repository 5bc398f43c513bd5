// Lets this thread import .ts modules (./ts-hooks.mjs says how and why).
// Import it before the first .ts import: `node --import ./bin/register-ts.mjs`,
// or as the first import of an entry point. Node 20 does not hand a thread's
// hooks to worker threads, so a worker imports this too.

import { register } from 'node:module';

// Errors thrown in a spec name its .ts line and column (the transform's
// inline source maps), as they did under tsx.
process.setSourceMapsEnabled(true);
// mmcheck's own src/ is mapped only for --debug (ts-hooks.mjs says why).
register('./ts-hooks.mjs', import.meta.url, { data: { mapOwn: process.argv.includes('--debug') } });
