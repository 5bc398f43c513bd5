// Worker thread entry. Plain JavaScript so that it loads without a loader:
// it registers mmcheck's TypeScript hooks in this thread (Node 20 does not
// hand the main thread's loader hooks to workers) and then runs the
// TypeScript worker.
import '../../../bin/register-ts.mjs';

await import('./worker-main.ts');
