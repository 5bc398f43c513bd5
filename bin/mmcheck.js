#!/usr/bin/env node
// The mmcheck command. The CLI is TypeScript: register mmcheck's own module
// hooks in this process (no child process, so signals and exit codes need no
// relaying; bin/ts-hooks.mjs says why not tsx) and run src/cli/main.ts, which
// reads process.argv itself.

import './register-ts.mjs';

await import('../src/cli/main.ts');
