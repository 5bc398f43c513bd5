#!/usr/bin/env node
// The mmcheck command. The CLI is TypeScript: register tsx's loader in this
// process (no child process, so signals and exit codes need no relaying) and
// run src/cli/main.ts, which reads process.argv itself.

import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
